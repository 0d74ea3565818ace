"""/api/v1/events/<slug>/directory: the directory for organisers' tools, as documented, never for anyone else."""
import jsonschema
import pytest

from tests.factories import (
    make_agenda_parts,
    make_event,
    make_listed_participant,
    make_network,
    make_organisation,
    make_registration,
    make_token,
    make_user,
)
from tests.test_api_errors import documented_schema

PATH = "/api/v1/events/{slug}/directory"


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {make_token(user)[1]}"}


@pytest.fixture
def event():
    return make_event(title="Cumbre de Alcaldes")


@pytest.fixture
def tracks(event):
    return make_agenda_parts(event)["tracks"]


@pytest.fixture
def people(event, tracks):
    """An Almaty delegate (Russian, water) in a network, a Lagos one (English, energy), and an unlisted person."""
    almaty = make_organisation(name="Almaty", local_name="Алматы", country="KZ", kind="city", region="South Asia")
    lagos = make_organisation(name="Lagos", country="NG", kind="metropolitan_area", region="Africa")
    network = make_network(name="Sister Cities", members=[almaty])
    aigerim = make_listed_participant(event, topics=[tracks[1]], languages=["ru", "en"], full_name="Айгерим Сәтбаева",
                                      position="Akim", organisation_id=almaty.id, organisation_name=None)
    tunde = make_listed_participant(event, topics=[tracks[0]], languages=["en"], full_name="Túndé Bakare",
                                    organisation_id=lagos.id, organisation_name=None)
    make_registration(event, full_name="Hidden Person", listed=False)
    return {"aigerim": aigerim, "tunde": tunde, "network": network}


def as_json_schema(schema):
    """OpenAPI 3.0's `nullable` as JSON Schema's null type, so that jsonschema reads the document as clients do."""
    if isinstance(schema, dict):
        schema = {key: as_json_schema(value) for key, value in schema.items()}
        if schema.pop("nullable", False) and "type" in schema:
            schema["type"] = [schema["type"], "null"]
    elif isinstance(schema, list):
        schema = [as_json_schema(value) for value in schema]
    return schema


def assert_documented(client, response) -> None:
    spec = client.get("/api/v1/openapi.json").json
    jsonschema.validate(response.json, as_json_schema(documented_schema(spec, PATH, "get", response.status_code)))


def listing(client, event, headers, **query):
    return client.get(f"/api/v1/events/{event.slug}/directory", query_string=query, headers=headers)


def names(response) -> set[str]:
    assert response.status_code == 200, response.json
    return {item["full_name"] for item in response.json["items"]}


def test_organisers_list_the_directory_as_documented(client, organiser, event, tracks, people):
    headers = bearer(organiser)
    response = listing(client, event, headers)
    assert names(response) == {"Айгерим Сәтбаева", "Túndé Bakare"} and response.json["total"] == 2
    assert_documented(client, response)
    aigerim = next(item for item in response.json["items"] if item["position"] == "Akim")
    assert aigerim == {
        "registration_id": people["aigerim"].id, "full_name": "Айгерим Сәтбаева", "position": "Akim",
        "organisation_id": people["aigerim"].organisation_id, "organisation": "Almaty",
        "organisation_local_name": "Алматы", "country": "KZ", "region": "South Asia", "kind": "city",
        "networks": ["Sister Cities"], "topics": [{"id": tracks[1].id, "name": "Вода"}], "languages": ["en", "ru"],
    }


def test_the_api_searches_and_filters_as_the_pages(client, organiser, event, tracks, people):
    headers = bearer(organiser)
    assert names(listing(client, event, headers, q="алматы")) == {"Айгерим Сәтбаева"}
    assert names(listing(client, event, headers, q="tunde")) == {"Túndé Bakare"}
    assert names(listing(client, event, headers, region="africa")) == {"Túndé Bakare"}
    assert names(listing(client, event, headers, country="KZ")) == {"Айгерим Сәтбаева"}
    assert names(listing(client, event, headers, kind="metropolitan_area")) == {"Túndé Bakare"}
    assert names(listing(client, event, headers, network_id=people["network"].id)) == {"Айгерим Сәтбаева"}
    assert names(listing(client, event, headers, track_id=tracks[0].id)) == {"Túndé Bakare"}
    assert names(listing(client, event, headers, language="en")) == {"Айгерим Сәтбаева", "Túndé Bakare"}
    page = listing(client, event, headers, per_page=1, page=2).json
    assert (page["total"], page["pages"], len(page["items"])) == (2, 2, 1)


def test_bad_filters_are_a_422(client, organiser, event, people):
    headers = bearer(organiser)
    for query in ({"language": "klingon"}, {"kind": "castle"}, {"region": "Atlantis"}, {"per_page": 0},
                  {"track_id": "x"}):
        response = listing(client, event, headers, **query)
        assert response.status_code == 422, query


def test_only_organisers_reach_the_directory_api(client, event, people):
    assert listing(client, event, {}).status_code == 401
    assert listing(client, event, bearer(make_user(roles=["checkin"]))).status_code == 403
    assert listing(client, make_event(title="Elsewhere"), bearer(make_user(roles=["organiser"]))).json["total"] == 0


def test_the_directory_operation_is_documented(client):
    operation = client.get("/api/v1/openapi.json").json["paths"][PATH]["get"]
    assert operation["security"] == [{"bearerAuth": []}]
    parameters = {parameter["name"] for parameter in operation["parameters"]}
    assert {"q", "region", "country", "kind", "network_id", "track_id", "language", "page", "per_page"} <= parameters
