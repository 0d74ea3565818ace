"""/api/v1/members: organisers list, search, create and update organisations, in any script."""
import pytest

from eventhub.extensions import db

from tests.factories import make_token, make_network, make_organisation

MEMBER_FIELDS = {
    "id", "name", "local_name", "kind", "country", "region", "population", "status", "member_since", "website",
    "external_id", "email_domains", "network_ids",
}


@pytest.fixture
def headers(organiser):
    """An organiser's bearer token."""
    _token, secret = make_token(organiser, "tests")
    return {"Authorization": f"Bearer {secret}"}


def names(response) -> list[str]:
    """The names on a list page, in order."""
    return [item["name"] for item in response.json["items"]]


@pytest.mark.parametrize(
    "name, local_name, country, region",
    [
        ("Moscow", "Москва", "RU", "Europe"),
        ("Seoul", "서울특별시", "KR", "East Asia"),
        ("Cairo", "القاهرة", "EG", "Africa"),
        ("Athens", "Αθήνα", "GR", "Europe"),
        ("Łódź", "Łódź", "PL", "Europe"),
    ],
)
def test_names_in_any_script_round_trip(client, headers, name, local_name, country, region):
    network = make_network("Resilient Cities")
    body = {
        "name": name, "local_name": local_name, "kind": "city", "country": country, "region": region,
        "population": 1_234_567, "member_since": "2011-03-01", "website": "example.org/city",
        "external_id": f"CRM-{country}", "network_ids": [network.id], "email_domains": [f"city.{country.lower()}"],
    }
    response = client.post("/api/v1/members", json=body, headers=headers)
    assert response.status_code == 201, response.json
    created = response.json
    assert set(created) == MEMBER_FIELDS
    assert response.headers["Location"].endswith(f"/api/v1/members/{created['id']}")
    fetched = client.get(f"/api/v1/members/{created['id']}", headers=headers).json
    assert fetched == created
    assert fetched == {
        **body, "id": created["id"], "status": "member", "website": "https://example.org/city",
    }
    # Found again by its own script.
    assert names(client.get("/api/v1/members", query_string={"q": local_name}, headers=headers)) == [name]


def test_search_ignores_accents_and_case(client, headers):
    make_organisation(name="São Paulo", country="BR")
    make_organisation(name="Kraków", country="PL")
    make_organisation(name="Paulínia", country="BR")
    assert names(client.get("/api/v1/members?q=sao paulo", headers=headers)) == ["São Paulo"]
    assert names(client.get("/api/v1/members?q=KRAKOW", headers=headers)) == ["Kraków"]
    assert names(client.get("/api/v1/members?q=paul", headers=headers)) == ["Paulínia", "São Paulo"]


def test_filters_by_kind_status_country_region_and_network(client, headers):
    bonn = make_organisation(name="Bonn", country="DE", region="Europe")
    make_organisation(name="Freiburg", country="DE", region="Europe", status="former_member")
    make_organisation(name="UN-Habitat", kind="international_organisation", country="KE", region="Africa")
    make_network("Climate", members=[bonn])
    network_id = client.get("/api/v1/members?q=bonn", headers=headers).json["items"][0]["network_ids"][0]
    cases = {
        "kind=international_organisation": ["UN-Habitat"],
        "status=former_member": ["Freiburg"],
        "country=de": ["Bonn", "Freiburg"],
        "region=europe": ["Bonn", "Freiburg"],
        f"network_id={network_id}": ["Bonn"],
        "country=DE&status=member": ["Bonn"],
    }
    for query, expected in cases.items():
        assert names(client.get(f"/api/v1/members?{query}", headers=headers)) == expected, query


def test_bad_filters_are_a_422(client, headers):
    for query, field in (("region=Atlantis", "region"), ("kind=village", "kind"), ("country=Germany", "country")):
        response = client.get(f"/api/v1/members?{query}", headers=headers)
        assert response.status_code == 422, query
        assert field in response.json["errors"]["query"]


def test_list_is_paginated_with_a_total_and_one_query_per_page(client, headers, count_queries):
    network = make_network("Biodiversity")
    members = [make_organisation(name=f"City {n:02d}") for n in range(3)]
    make_network("Urban Nature", members=members)
    client.get("/api/v1/members", headers=headers)  # the token's first use of the hour is noted, once
    db.session.expire_all()  # as after the factories' commits: both measures start from the database
    with count_queries() as few:
        assert len(client.get("/api/v1/members?per_page=100", headers=headers).json["items"]) == 3
    members += [make_organisation(name=f"City {n:02d}") for n in range(3, 27)]
    make_network("Everyone", members=members)
    with count_queries() as many:
        body = client.get("/api/v1/members?per_page=100", headers=headers).json
    assert len(body["items"]) == 27 and all(len(item["network_ids"]) >= 1 for item in body["items"][3:])
    assert len(many) == len(few)
    page = client.get("/api/v1/members?per_page=10&page=3", headers=headers).json
    assert (page["total"], page["pages"], page["page"], page["per_page"]) == (27, 3, 3, 10)
    assert [item["name"] for item in page["items"]] == [f"City {n:02d}" for n in range(20, 27)]
    assert network.id not in {i for item in body["items"] for i in item["network_ids"]}


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"country": "XX"}, "country"),
        ({"country": "Atlantis"}, "country"),
        ({"kind": "village"}, "kind"),
        ({"region": "Atlantis"}, "region"),
        ({"name": ""}, "name"),
        ({"member_since": "March 2011"}, "member_since"),
        ({"population": -5}, "population"),
        ({"population": "many"}, "population"),
        ({"website": "not a site"}, "website"),
        ({"network_ids": [424242]}, "network_ids"),
        ({"network_ids": "1"}, "network_ids"),
        ({"id": 7}, "id"),
    ],
)
def test_invalid_members_are_a_422_naming_the_field(client, headers, changes, field):
    body = {"name": "Bogotá", "kind": "city", "country": "CO", **changes}
    response = client.post("/api/v1/members", json=body, headers=headers)
    assert response.status_code == 422, response.json
    assert response.json["code"] == 422 and response.json["message"]
    assert response.json["errors"]["json"][field]
    assert client.get("/api/v1/members", headers=headers).json["total"] == 0


def test_same_name_and_country_twice_is_refused(client, headers):
    make_organisation(name="Lyon", country="FR")
    response = client.post("/api/v1/members", json={"name": "lyon", "kind": "city", "country": "fr"}, headers=headers)
    assert response.status_code == 422
    assert "already" in response.json["errors"]["json"]["name"][0]


def test_labels_and_country_names_are_accepted_like_in_the_csv(client, headers):
    body = {"name": "Greater Manchester", "kind": "Metropolitan area", "country": "United Kingdom"}
    created = client.post("/api/v1/members", json=body, headers=headers).json
    assert (created["kind"], created["country"]) == ("metropolitan_area", "GB")


def test_patch_changes_only_the_given_fields(client, headers):
    climate, water = make_network("Climate"), make_network("Water")
    member = make_organisation(name="Curitiba", country="BR", region="Latin America & Caribbean", population=1_900_000)
    url = f"/api/v1/members/{member.id}"
    changes = {"local_name": "Curitiba (PR)", "network_ids": [climate.id, water.id]}
    body = client.patch(url, json=changes, headers=headers).json
    assert (body["name"], body["population"], body["region"]) == ("Curitiba", 1_900_000, "Latin America & Caribbean")
    assert sorted(body["network_ids"]) == sorted([climate.id, water.id])
    body = client.patch(url, json={"region": None, "status": "former_member"}, headers=headers).json
    assert (body["region"], body["status"], body["local_name"]) == (None, "former_member", "Curitiba (PR)")
    assert sorted(body["network_ids"]) == sorted([climate.id, water.id])  # untouched when not sent
    response = client.patch(url, json={"country": "ZZ"}, headers=headers)
    assert response.status_code == 422 and "country" in response.json["errors"]["json"]
    assert client.get(url, headers=headers).json["country"] == "BR"


def test_unknown_member_is_a_json_404(client, headers):
    for response in (
        client.get("/api/v1/members/999999", headers=headers),
        client.patch("/api/v1/members/999999", json={"name": "X"}, headers=headers),
    ):
        assert response.status_code == 404
        assert response.json["code"] == 404 and "999999" in response.json["message"]
