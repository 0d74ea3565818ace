"""The API's error answers are the ones its OpenAPI document describes, `reason` included.

A client generated from /api/v1/openapi.json (or a schema fuzzer) refuses an answer its document
forbids: a 422 carrying `reason` under a schema without it broke them on registrations and sign-ups.
"""
import jsonschema
import pytest

from tests.factories import (
    make_event,
    make_network,
    make_organisation,
    make_registration,
    make_session,
    make_token,
    open_event,
)


@pytest.fixture
def headers(organiser):
    _token, secret = make_token(organiser)
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").json


def documented_schema(spec: dict, path: str, method: str, status: int) -> dict:
    """The JSON schema the document gives for this answer (the operation's own, else its default)."""
    responses = spec["paths"][path][method]["responses"]
    response = responses.get(str(status)) or responses["default"]
    if "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    # The document is the root, so the schema's $refs to #/components/... resolve.
    return {**response["content"]["application/json"]["schema"], "components": spec["components"]}


def assert_documented(spec, response, path: str, method: str) -> None:
    jsonschema.validate(response.json, documented_schema(spec, path, method, response.status_code))


def test_a_registration_refused_as_not_eligible_is_answered_as_documented(client, spec, headers):
    member, outsider = make_organisation(name="Seoul", country="KR"), make_organisation(name="Busan", country="KR")
    meeting = make_event(kind="network_meeting", network_id=make_network("Urban Nature", members=[member]).id)
    body = {"full_name": "Kim Min-jun", "email": "kim@example.org", "organisation_id": outsider.id}
    response = client.post(f"/api/v1/events/{meeting.slug}/registrations", json=body, headers=headers)
    assert response.status_code == 422 and response.json["reason"] == "not_eligible"
    assert_documented(spec, response, "/api/v1/events/{slug}/registrations", "post")


def test_a_registration_over_the_quota_is_answered_as_documented(client, spec, headers):
    city = make_organisation(name="Kraków", country="PL")
    event = make_event(delegate_quota=1)
    make_registration(event, organisation_id=city.id)
    other = make_registration(event, organisation_name="Elsewhere")
    response = client.patch(f"/api/v1/registrations/{other.id}", json={"organisation_id": city.id}, headers=headers)
    assert response.status_code == 422 and response.json["reason"] == "over_quota"
    assert_documented(spec, response, "/api/v1/registrations/{registration_id}", "patch")


def test_a_sign_up_refused_as_not_eligible_is_answered_as_documented(client, spec, headers):
    event = open_event(capacity=10)
    workshop = make_session(event, title="Atelier", signup_required=True)
    stranger = make_registration(open_event(), full_name="Elsewhere")
    response = client.post(f"/api/v1/sessions/{workshop.id}/signups", json={"registration_id": stranger.id},
                           headers=headers)
    assert response.status_code == 422 and response.json["reason"] == "not_eligible"
    assert_documented(spec, response, "/api/v1/sessions/{session_id}/signups", "post")


def test_a_badge_refused_for_an_unconfirmed_registration_is_answered_as_documented(client, spec, headers):
    waiting = make_registration(make_event(capacity=0))
    response = client.get(f"/api/v1/registrations/{waiting.id}/badge.pdf", headers=headers)
    assert response.status_code == 404 and response.json["reason"] == "no_badge"
    assert_documented(spec, response, "/api/v1/registrations/{registration_id}/badge.pdf", "get")


def test_malformed_input_is_a_documented_422_without_a_reason(client, spec, headers):
    event = make_event()
    response = client.post(f"/api/v1/events/{event.slug}/registrations", json={"email": 7}, headers=headers)
    assert response.status_code == 422 and "reason" not in response.json
    assert set(response.json["errors"]["json"]) >= {"full_name", "email"}
    assert_documented(spec, response, "/api/v1/events/{slug}/registrations", "post")


def test_the_document_names_the_reason_codes_a_client_can_act_on(spec):
    refusal = spec["components"]["schemas"]["Refusal"]["properties"]["reason"]
    assert {"not_eligible", "over_quota", "duplicate"} <= set(refusal["enum"])
    signups = spec["paths"]["/api/v1/sessions/{session_id}/signups"]["post"]["responses"]["422"]
    assert "not_eligible" in signups["description"]



def test_every_text_in_a_query_string_is_bounded_so_urls_fit_the_web_server(spec):
    """gunicorn refuses a request line over 4 KB itself, in HTML, before the app can answer as documented."""
    unbounded = [(path, parameter["name"]) for path, operations in spec["paths"].items()
                 for operation in operations.values() if isinstance(operation, dict)
                 for parameter in operation.get("parameters", [])
                 if parameter["in"] == "query" and parameter["schema"].get("type") == "string"
                 and not {"enum", "maxLength", "format"} & set(parameter["schema"])]
    assert unbounded == []


@pytest.mark.parametrize("path, name", [("/api/v1/members", "region"),
                                        ("/api/v1/events/{slug}/registrations", "region"),
                                        ("/api/v1/events/{slug}/badges.pdf", "ids")])
def test_an_overlong_query_text_is_a_documented_422(client, spec, headers, path, name):
    url = path.replace("{slug}", make_event().slug)
    response = client.get(url, query_string={name: "9" * 3001}, headers=headers)
    assert response.status_code == 422 and name in response.json["errors"]["query"]
    assert_documented(spec, response, path, "get")
