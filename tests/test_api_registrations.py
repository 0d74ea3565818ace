"""/api/v1 registrations: organisers list, register, edit and cancel under the form's rules."""
from datetime import datetime

import pytest
from sqlalchemy import select

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from tests.factories import make_question, make_token, make_event, make_network, make_organisation, make_registration, make_user

REGISTRATION_FIELDS = {
    "id", "event_slug", "full_name", "email", "position", "organisation_id", "organisation_name", "category",
    "answers", "status", "waitlist_position", "delegation_id", "created_at", "locale",
}


def bearer(user) -> dict:
    """Authorization header with a fresh token of this user."""
    _token, secret = make_token(user, "tests")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def headers(organiser):
    """An organiser's bearer token."""
    return bearer(organiser)


@pytest.fixture
def event():
    """A published congress in Tokyo's timezone with room for two."""
    return make_event(title="Tokyo Forum", timezone="Asia/Tokyo", capacity=2)


def person(n=1, **values) -> dict:
    """A valid POST body, with overrides."""
    body = {"full_name": f"Person {n}", "email": f"person{n}@example.org", "organisation_name": "Villa Nueva"}
    body.update(values)
    return body


def post(client, event, body, headers):
    return client.post(f"/api/v1/events/{event.slug}/registrations", json=body, headers=headers)


def listing(client, event, headers, **query):
    return client.get(f"/api/v1/events/{event.slug}/registrations", query_string=query, headers=headers)


def names(response) -> list[str]:
    return [item["full_name"] for item in response.json["items"]]


@pytest.mark.parametrize("full_name", ["佐藤 花子", "Łucja Wąsowska", "Мария Иванова", "محمد الحسيني", "김민준"])
def test_register_returns_exactly_the_documented_fields_and_names_survive(client, event, headers, full_name):
    city = make_organisation(name="Tokyo", local_name="東京都", country="JP")
    make_question(event, {"key": "dietary", "label": "Dietary needs", "kind": "single_choice",
                          "options": ["None", "Vegetarian", "Halal"]})
    body = {"full_name": full_name, "email": "Hanako@Example.ORG", "position": "Mayor", "organisation_id": city.id,
            "category": "speaker", "answers": {"dietary": "Halal"}, "listed": True}
    response = post(client, event, body, headers)
    assert response.status_code == 201, response.json
    created = response.json
    assert set(created) == REGISTRATION_FIELDS
    assert response.headers["Location"].endswith(f"/api/v1/registrations/{created['id']}")
    assert created == {
        "id": created["id"], "event_slug": event.slug, "full_name": full_name, "email": "hanako@example.org",
        "position": "Mayor", "organisation_id": city.id, "organisation_name": None, "category": "speaker",
        "answers": {"dietary": "Halal"}, "status": "confirmed", "waitlist_position": None, "delegation_id": None,
        "created_at": created["created_at"], "locale": "en",
    }
    assert datetime.fromisoformat(created["created_at"]).utcoffset().total_seconds() == 9 * 3600  # Tokyo
    assert client.get(f"/api/v1/registrations/{created['id']}", headers=headers).json == created
    # The audit trail names the token's owner.
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "registration.confirmed")).one()
    assert entry.actor == "organiser@example.org"


def test_a_full_event_waitlists_and_the_answer_says_the_position(client, event, headers):
    statuses = [post(client, event, person(n), headers).json for n in range(4)]
    assert [r["status"] for r in statuses] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [r["waitlist_position"] for r in statuses] == [None, None, 1, 2]
    assert statuses[0]["organisation_name"] == "Villa Nueva" and statuses[0]["organisation_id"] is None


def test_non_members_are_pending_when_the_event_asks_for_approval(client, headers):
    event = make_event(non_member_policy="approve")
    response = post(client, event, person(1), headers)
    assert response.status_code == 201 and response.json["status"] == "pending"


def test_a_duplicate_email_is_a_409_that_says_why(client, event, headers):
    post(client, event, person(1), headers)
    response = post(client, event, person(2, email="PERSON1@example.org"), headers)
    assert response.status_code == 409
    body = response.json
    assert (body["code"], body["status"], body["reason"]) == (409, "Conflict", "duplicate")
    assert "already registered" in body["message"] and "person1@example.org" in body["message"]
    assert body["errors"] == {"json": {"email": [body["message"]]}}
    assert listing(client, event, headers).json["total"] == 1


def test_a_network_meeting_refuses_non_members_of_its_network_with_a_422(client, headers):
    member = make_organisation(name="Seoul", local_name="서울특별시", country="KR")
    outsider = make_organisation(name="Busan", country="KR")
    event = make_event(kind="network_meeting", network_id=make_network("Urban Nature", members=[member]).id)
    response = post(client, event, person(1, organisation_id=outsider.id), headers)
    assert response.status_code == 422
    body = response.json
    assert body["reason"] == "not_eligible" and "Urban Nature" in body["message"] and "Busan" in body["message"]
    assert body["errors"]["json"]["organisation_id"] == [body["message"]]
    assert post(client, event, person(2, organisation_id=member.id), headers).json["status"] == "confirmed"


def test_over_quota_is_a_422_that_says_how_many_places_are_left(client, headers):
    city = make_organisation(name="Kraków", country="PL")
    event = make_event(delegate_quota=2)
    for n in range(2):
        assert post(client, event, person(n, organisation_id=city.id), headers).status_code == 201
    response = post(client, event, person(3, organisation_id=city.id), headers)
    assert response.status_code == 422
    assert response.json["reason"] == "over_quota" and "Kraków" in response.json["message"]


def test_bad_fields_are_a_422_with_field_errors(client, event, headers):
    make_question(event, {"key": "language", "label": "Interpretation", "kind": "single_choice",
                          "options": ["English", "Français"], "required": True})
    response = post(client, event, {"full_name": "", "email": "not-an-email", "answers": {"colour": "red"}}, headers)
    assert response.status_code == 422
    errors = response.json["errors"]["json"]
    assert {"full_name", "email", "organisation_id", "answers.language", "answers.colour"} <= set(errors)
    assert "reason" not in response.json
    response = post(client, event, {"email": "x@example.org", "category": "vip"}, headers)
    assert set(response.json["errors"]["json"]) == {"full_name", "category"}


def test_list_filters_by_status_category_organisation_country_region_and_search(client, event, headers):
    krakow = make_organisation(name="Kraków", country="PL", region="Europe")
    seoul = make_organisation(name="Seoul", local_name="서울특별시", country="KR", region="East Asia")
    make_registration(event, full_name="Łucja Wąsowska", organisation_id=krakow.id, email="lucja@krakow.pl")
    make_registration(event, full_name="김민준", organisation_id=seoul.id, category="speaker")
    make_registration(event, full_name="Ana Souza", organisation_name="Prefeitura de Niterói", category="press")
    assert names(listing(client, event, headers)) == ["Łucja Wąsowska", "김민준", "Ana Souza"]
    assert names(listing(client, event, headers, status="waitlisted")) == ["Ana Souza"]
    assert names(listing(client, event, headers, category="speaker")) == ["김민준"]
    assert names(listing(client, event, headers, organisation_id=krakow.id)) == ["Łucja Wąsowska"]
    assert names(listing(client, event, headers, country="kr")) == ["김민준"]
    assert names(listing(client, event, headers, region="Europe")) == ["Łucja Wąsowska"]
    network = make_network("Urban Nature", members=[seoul])
    assert names(listing(client, event, headers, network_id=network.id)) == ["김민준"]
    assert names(listing(client, event, headers, q="krakow")) == ["Łucja Wąsowska"]  # organisation, folded
    assert names(listing(client, event, headers, q="서울")) == ["김민준"]  # its local name
    assert names(listing(client, event, headers, q="민준")) == ["김민준"]
    assert names(listing(client, event, headers, q="ANA souza")) == ["Ana Souza"]
    assert names(listing(client, event, headers, q="niterói")) == ["Ana Souza"]  # the typed organisation
    assert names(listing(client, event, headers, q="LUCJA@")) == ["Łucja Wąsowska"]  # email
    assert names(listing(client, event, headers, q="100%")) == []
    response = listing(client, event, headers, region="Atlantis", status="maybe")
    assert response.status_code == 422 and set(response.json["errors"]["query"]) == {"status"}
    response = listing(client, event, headers, region="Atlantis")
    assert response.status_code == 422 and "Atlantis" in response.json["errors"]["query"]["region"][0]


def test_list_is_paginated_and_shows_waitlist_positions(client, event, headers):
    for n in range(5):
        make_registration(event)
    body = listing(client, event, headers, per_page=2, page=2).json
    assert (body["total"], body["pages"], body["page"], body["per_page"]) == (5, 3, 2, 2)
    assert [item["waitlist_position"] for item in body["items"]] == [1, 2]  # capacity 2
    first = listing(client, event, headers, page=1, per_page=2).json["items"]
    assert [item["waitlist_position"] for item in first] == [None, None]
    assert [item["waitlist_position"] for item in listing(client, event, headers, page=3, per_page=2).json["items"]] == [3]


def test_list_costs_the_same_queries_for_many_rows(client, event, headers, count_queries):
    url = f"/api/v1/events/{event.slug}/registrations"
    city = make_organisation(name="Kraków", country="PL", region="Europe")
    for _ in range(3):
        make_registration(event, organisation_id=city.id)
    client.get(url, headers=headers)  # the token's first use of the hour is noted, once
    db.session.expire_all()  # as after the factories' commits: both measures start from the database
    with count_queries() as few:
        assert client.get(url, headers=headers).json["total"] == 3
    for n in range(12):
        make_registration(event, organisation_id=make_organisation(name=f"Town {n}").id)
    with count_queries() as many:
        assert len(client.get(url, headers=headers).json["items"]) == 15
    assert len(many) == len(few)
    # Beside the token check: the event, the page, its organisations, the count, the waiting list.
    assert len([s for s in many if "api_tokens" not in s and "user" not in s]) == 5


def test_patch_changes_details_but_not_the_status(client, event, headers):
    city = make_organisation(name="Malmö", country="SE")
    registration = make_registration(event, full_name="Åsa Berg", email="asa@example.org")
    url = f"/api/v1/registrations/{registration.id}"
    response = client.patch(url, json={"position": "Deputy Mayor", "organisation_id": city.id}, headers=headers)
    assert response.status_code == 200, response.json
    assert (response.json["position"], response.json["organisation_id"], response.json["organisation_name"]) == (
        "Deputy Mayor", city.id, None)
    assert response.json["full_name"] == "Åsa Berg"
    response = client.patch(url, json={"status": "confirmed", "position": "Mayor"}, headers=headers)
    assert response.status_code == 422 and "cancel" in response.json["errors"]["json"]["status"][0]
    assert client.get(url, headers=headers).json["position"] == "Deputy Mayor"
    response = client.patch(url, json={"email": "not-an-email"}, headers=headers)
    assert response.status_code == 422 and "email" in response.json["errors"]["json"]


def test_patch_to_an_email_already_registered_is_a_409(client, event, headers):
    make_registration(event, email="taken@example.org")
    registration = make_registration(event)
    response = client.patch(f"/api/v1/registrations/{registration.id}", json={"email": "Taken@example.org"},
                            headers=headers)
    assert response.status_code == 409 and response.json["reason"] == "duplicate"


def test_cancel_promotes_the_first_waitlisted(client, event, headers):
    first, _second, waiting, later = (make_registration(event) for _ in range(4))
    response = client.post(f"/api/v1/registrations/{first.id}/cancel", headers=headers)
    assert response.status_code == 200 and response.json["status"] == "cancelled"
    assert client.get(f"/api/v1/registrations/{waiting.id}", headers=headers).json["status"] == "confirmed"
    assert client.get(f"/api/v1/registrations/{later.id}", headers=headers).json["waitlist_position"] == 1
    again = client.post(f"/api/v1/registrations/{first.id}/cancel", headers=headers)
    assert again.status_code == 409 and again.json["reason"] == "wrong_status" and again.json["message"]


@pytest.mark.parametrize(
    "method, url",
    [("get", "/api/v1/events/{slug}/registrations"), ("post", "/api/v1/events/{slug}/registrations"),
     ("get", "/api/v1/registrations/{id}"), ("patch", "/api/v1/registrations/{id}"),
     ("post", "/api/v1/registrations/{id}/cancel")],
)
def test_every_operation_is_for_organisers_only(client, event, method, url):
    registration = make_registration(event)
    url = url.format(slug=event.slug, id=registration.id)
    body = person(9) if url.endswith("registrations") else {"position": "Mayor"}
    assert getattr(client, method)(url, json=body).status_code == 401
    response = getattr(client, method)(url, json=body, headers=bearer(make_user(roles=["checkin"])))
    assert response.status_code == 403 and response.json["message"]
    response = getattr(client, method)(url, json=body, headers=bearer(make_user(roles=["admin"])))
    assert response.status_code in (200, 201), response.json


@pytest.mark.parametrize(
    "method, url",
    [("get", "/api/v1/events/nowhere/registrations"), ("post", "/api/v1/events/nowhere/registrations"),
     ("get", "/api/v1/registrations/999999"), ("patch", "/api/v1/registrations/999999"),
     ("post", "/api/v1/registrations/999999/cancel"), ("get", "/api/v1/registrations/99999999999999")],
)
def test_unknown_event_or_registration_is_a_json_404(client, headers, method, url):
    response = getattr(client, method)(url, json=person(1) if "events" in url else {}, headers=headers)
    assert response.status_code == 404 and response.json["code"] == 404 and response.json["message"]


def test_organisers_may_register_people_for_a_draft(client, headers):
    draft = make_event(status="draft", capacity=None)
    assert post(client, draft, person(1), headers).json["status"] == "confirmed"


def test_events_show_and_accept_quota_and_non_member_policy(client, event, headers):
    shown = client.get(f"/api/v1/events/{event.slug}").json
    assert (shown["delegate_quota"], shown["non_member_policy"]) == (None, "confirm")
    response = client.patch(f"/api/v1/events/{event.slug}", json={"delegate_quota": 5, "non_member_policy": "approve"},
                            headers=headers)
    assert response.status_code == 200, response.json
    assert (response.json["delegate_quota"], response.json["non_member_policy"]) == (5, "approve")
    response = client.patch(f"/api/v1/events/{event.slug}", json={"delegate_quota": 0, "non_member_policy": "maybe"},
                            headers=headers)
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"delegate_quota", "non_member_policy"}
    assert client.patch(f"/api/v1/events/{event.slug}", json={"delegate_quota": None},
                        headers=headers).json["delegate_quota"] is None


def test_openapi_documents_every_registration_operation(client):
    spec = client.get("/api/v1/openapi.json").json
    paths = spec["paths"]
    assert set(paths["/api/v1/events/{slug}/registrations"]) >= {"get", "post"}
    assert set(paths["/api/v1/registrations/{registration_id}"]) >= {"get", "patch"}
    assert "post" in paths["/api/v1/registrations/{registration_id}/cancel"]
    post_op = paths["/api/v1/events/{slug}/registrations"]["post"]
    assert post_op["security"] == [{"bearerAuth": []}] and "409" in post_op["responses"]
    assert set(spec["components"]["schemas"]["Registration"]["properties"]) == REGISTRATION_FIELDS
    assert {"delegate_quota", "non_member_policy"} <= set(spec["components"]["schemas"]["Event"]["properties"])
    assert "reason" in spec["components"]["schemas"]["Refusal"]["properties"]


def test_the_language_of_a_persons_mails_is_given_changed_and_checked_through_the_api(client, event, headers):
    created = client.post(f"/api/v1/events/{event.slug}/registrations", headers=headers,
                          json={"full_name": "Ana Souza", "email": "ana@recife.example", "organisation_name": "Recife",
                                "locale": "pt-BR"})
    assert created.status_code == 201, created.json
    assert created.json["locale"] == "pt_BR"
    url = f"/api/v1/registrations/{created.json['id']}"
    assert client.patch(url, json={"locale": "es"}, headers=headers).json["locale"] == "es"
    refused = client.patch(url, json={"locale": "klingon", "position": "Mayor"}, headers=headers)
    assert refused.status_code == 422 and "locale" in refused.json["errors"]["json"]
    again = client.get(url, headers=headers).json
    assert (again["locale"], again["position"]) == ("es", None)  # nothing of the refused change was kept
    plain = client.post(f"/api/v1/events/{event.slug}/registrations", headers=headers,
                        json={"full_name": "Li Wei", "email": "li@example.org", "organisation_name": "Chengdu"})
    assert plain.json["locale"] == event.language  # no language given: the event's
