"""The API as a whole: its OpenAPI document, bearer-token access, error shapes, CSRF and HTML pages left alone."""
import pytest

from eventhub.auth.services import revoke_token
from eventhub.core.transaction import atomic
from tests.factories import make_token, make_event, make_organisation, make_user


def bearer(user) -> dict:
    """Authorization header with a fresh token of this user."""
    _token, secret = make_token(user, "tests")
    return {"Authorization": f"Bearer {secret}"}


VALID_EVENT = {
    "kind": "congress", "title": "Congress", "timezone": "UTC", "start": "2027-01-01T09:00", "end": "2027-01-02T17:00"
}
VALID_MEMBER = {"name": "Gdańsk", "kind": "city", "country": "PL"}


def organiser_requests():
    """(method, url, json) for every organiser-only operation; {slug} and {id} filled in by the test."""
    return [
        ("get", "/api/v1/members", None),
        ("post", "/api/v1/members", VALID_MEMBER),
        ("get", "/api/v1/members/{id}", None),
        ("patch", "/api/v1/members/{id}", {"population": 470000}),
        ("post", "/api/v1/events", VALID_EVENT),
        ("patch", "/api/v1/events/{slug}", {"title": "Renamed"}),
    ]


@pytest.fixture
def targets():
    """An event and a member for the detail URLs."""
    return {"slug": make_event(status="draft").slug, "id": make_organisation(name="Łódź", country="PL").id}


def call(client, method, url, body, targets, headers=None):
    """Send one of organiser_requests() with the detail URLs filled in."""
    return getattr(client, method)(url.format(**targets), json=body, headers=headers or {})


@pytest.mark.parametrize("method, url, body", organiser_requests())
def test_organiser_endpoints_refuse_missing_bad_and_revoked_tokens(client, targets, method, url, body):
    user = make_user(roles=["organiser"])
    token, secret = make_token(user)
    with atomic():
        revoke_token(token.id)
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": f"Bearer {secret}"},
                    {"Authorization": "Basic b3JnOnB3"}):
        response = call(client, method, url, body, targets, headers)
        assert response.status_code == 401, headers
        assert response.is_json and response.json["code"] == 401 and response.json["message"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("method, url, body", organiser_requests())
def test_organiser_endpoints_refuse_other_roles_and_admit_organisers_and_admins(client, targets, method, url, body):
    response = call(client, method, url, body, targets, bearer(make_user(roles=["checkin"])))
    assert response.status_code == 403
    assert response.json["code"] == 403 and "role" in response.json["message"]
    for roles in (["organiser"], ["admin"]):
        response = call(client, method, url, body, targets, bearer(make_user(roles=roles)))
        assert response.status_code in (200, 201), (roles, response.json)
        if method == "post":  # the second POST would clash with the first
            body = {**body, "name": "Kraków"} if "name" in body else body


def test_authentication_comes_before_input_checks(client):
    response = client.post("/api/v1/events", json={"kind": "picnic"})
    assert response.status_code == 401


def test_the_session_cookie_does_not_authenticate_the_api(organiser_browser):
    """Only bearer tokens count, so a forged cross-site request cannot ride on a signed-in browser."""
    assert organiser_browser.get("/api/v1/members").status_code == 401
    response = organiser_browser.client.post("/api/v1/events", json=VALID_EVENT)
    assert response.status_code == 401


def test_api_writes_need_no_csrf_token_but_pages_still_do(client, organiser):
    response = client.post("/api/v1/events", json=VALID_EVENT, headers=bearer(organiser))
    assert response.status_code == 201
    # The site's own forms keep their CSRF protection.
    assert client.post("/auth/login", data={"email": organiser.email, "password": "x"}).status_code == 400


@pytest.mark.parametrize(
    "kwargs, location",
    [
        ({"data": '{"kind": "congress", "title": ', "content_type": "application/json"}, "json"),
        ({"data": b"\xff\xfe not utf-8", "content_type": "application/json"}, "json"),
        ({"data": "kind=congress&title=Form", "content_type": "application/x-www-form-urlencoded"}, "json"),
        ({"json": ["a", "list"]}, "json"),
        ({"json": None}, "json"),
        ({"json": {**VALID_EVENT, "colour": "green"}}, "json"),
        ({"json": {**VALID_EVENT, "capacity": "lots", "latitude": "north"}}, "json"),
        ({"json": {**VALID_EVENT, "host_organisation_id": 10**30}}, "json"),
        ({"json": {**VALID_EVENT, "start": "9999-12-31T23:00:00-05:00"}}, "json"),
    ],
)
def test_bad_input_is_a_422_with_field_errors_never_a_500(client, organiser, kwargs, location):
    response = client.post("/api/v1/events", headers=bearer(organiser), **kwargs)
    assert response.status_code == 422, response.get_data(as_text=True)
    body = response.json
    assert body["code"] == 422 and body["status"] == "Unprocessable Entity" and body["message"]
    assert isinstance(body["errors"][location], dict) and body["errors"][location]


def test_unknown_field_and_wrong_type_name_the_field(client, organiser):
    body = {**VALID_EVENT, "colour": "green", "capacity": "lots"}
    errors = client.post("/api/v1/events", json=body, headers=bearer(organiser)).json["errors"]["json"]
    assert errors["colour"] == ["Unknown field."]
    assert errors["capacity"] == ["Not a valid integer."]


def test_bad_query_parameters_are_a_422(client, organiser):
    response = client.get("/api/v1/members?page=0&per_page=lots", headers=bearer(organiser))
    assert response.status_code == 422
    assert set(response.json["errors"]["query"]) == {"page", "per_page"}


def test_404_is_json_under_the_api_and_html_elsewhere(client):
    for url in ("/api/v1/no-such-thing", "/api/v1/events/no-such-event"):
        response = client.get(url)
        assert response.status_code == 404 and response.is_json
        assert response.json["code"] == 404 and response.json["message"]
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "<html" in response.get_data(as_text=True).lower()


def test_html_pages_keep_html_403(browser):
    browser.login(make_user(roles=["checkin"]))
    response = browser.get("/members/")
    assert response.status_code == 403 and response.mimetype == "text/html"


def test_wrong_method_under_the_api_is_json(client):
    response = client.delete("/api/v1/events")
    assert response.status_code == 405 and response.json["code"] == 405


def test_openapi_document_lists_every_path_and_the_bearer_scheme(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["info"] == {"title": "EventHub API", "version": "v1"}
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    paths = spec["paths"]
    assert {path: sorted(set(ops) - {"parameters"}) for path, ops in paths.items()} == {
        "/api/v1/events": ["get", "post"],
        "/api/v1/events/{slug}": ["get", "patch"],
        "/api/v1/members": ["get", "post"],
        "/api/v1/members/{member_id}": ["get", "patch"],
        "/api/v1/events/{slug}/registrations": ["get", "post"],
        "/api/v1/registrations/{registration_id}": ["get", "patch"],
        "/api/v1/registrations/{registration_id}/cancel": ["post"],
        "/api/v1/events/{slug}/sessions": ["get", "post"],
        "/api/v1/sessions/{session_id}": ["delete", "get", "patch"],
        "/api/v1/sessions/{session_id}/signups": ["post"],
        "/api/v1/events/{slug}/rooms": ["get"],
        "/api/v1/events/{slug}/tracks": ["get"],
        "/api/v1/registrations/{registration_id}/badge.pdf": ["get"],
        "/api/v1/events/{slug}/badges.pdf": ["get"],
        "/api/v1/events/{slug}/checkins": ["post"],
        "/api/v1/checkins/{checkin_id}/undo": ["post"],
        "/api/v1/events/{slug}/directory": ["get"],
        "/api/v1/events/{slug}/meeting-areas": ["get"],
        "/api/v1/events/{slug}/meeting-slots": ["get"],
        "/api/v1/events/{slug}/meetings": ["get"],
    }
    assert paths["/api/v1/members"]["post"]["security"] == [{"bearerAuth": []}]
    assert {} in paths["/api/v1/events"]["get"]["security"]  # the public list needs no token
    event = spec["components"]["schemas"]["Event"]["properties"]
    assert event["start"] == {"type": "string", "format": "date-time"}
    assert spec["components"]["schemas"]["Member"]["properties"]["network_ids"]["items"] == {"type": "integer"}
