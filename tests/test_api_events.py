"""/api/v1/events: public and organiser views, create and update, times in the event's timezone."""
from datetime import datetime, timezone

import pytest

from eventhub.events.models import Event
from eventhub.extensions import db
from tests.factories import make_token, make_event, make_network, make_organisation, make_user

EVENT_FIELDS = {
    "slug", "kind", "title", "summary", "description", "host_organisation_id", "venue_name", "venue_address",
    "latitude", "longitude", "timezone", "start", "end", "status", "registration_opens", "registration_closes",
    "capacity", "network_id", "delegate_quota", "non_member_policy", "contact_email", "contact_phone",
    "language", "translations", "display",
}


@pytest.fixture
def headers(organiser):
    """An organiser's bearer token."""
    _token, secret = make_token(organiser, "tests")
    return {"Authorization": f"Bearer {secret}"}


def new_event(**values) -> dict:
    """A valid POST body, with overrides."""
    body = {
        "kind": "congress",
        "title": "World Congress São Paulo 2027",
        "timezone": "America/Sao_Paulo",
        "start": "2027-06-15T09:00:00",
        "end": "2027-06-18T17:30:00",
    }
    body.update(values)
    return body


def test_public_list_shows_published_and_cancelled_but_no_drafts(client):
    published = make_event(title="Bonn Summit")
    cancelled = make_event(status="published", title="Kraków Forum")
    cancelled.status = "cancelled"
    make_event(status="draft", title="Secret Plans")
    body = client.get("/api/v1/events").json
    assert sorted(item["title"] for item in body["items"]) == ["Bonn Summit", "Kraków Forum"]
    assert body["total"] == 2
    assert {item["status"] for item in body["items"]} == {"published", "cancelled"}
    assert published.slug in {item["slug"] for item in body["items"]}


def test_organisers_see_drafts_and_can_filter_by_status(client, headers):
    make_event(title="Bonn Summit")
    make_event(status="draft", title="Secret Plans")
    body = client.get("/api/v1/events", headers=headers).json
    assert body["total"] == 2
    drafts = client.get("/api/v1/events?status=draft", headers=headers).json["items"]
    assert [item["title"] for item in drafts] == ["Secret Plans"]
    # The public asking for drafts gets none, rather than an error that confirms they exist.
    assert client.get("/api/v1/events?status=draft").json["items"] == []


def test_a_checkin_token_sees_only_public_events(client):
    make_event(status="draft", title="Secret Plans")
    _token, secret = make_token(make_user(roles=["checkin"]))
    body = client.get("/api/v1/events", headers={"Authorization": f"Bearer {secret}"}).json
    assert body["total"] == 0


def test_list_is_paginated_and_says_the_total(client):
    for day in range(7):
        make_event(days_from_now=10 + day)
    body = client.get("/api/v1/events?per_page=3&page=3").json
    assert (body["total"], body["pages"], body["page"], body["per_page"]) == (7, 3, 3, 3)
    assert len(body["items"]) == 1
    first = client.get("/api/v1/events?per_page=3").json["items"]
    assert first[0]["start"] > first[1]["start"] > first[2]["start"]  # latest first
    assert client.get("/api/v1/events?per_page=101").status_code == 422


def test_list_costs_the_same_queries_for_many_rows(client, count_queries):
    host = make_organisation(name="Bonn")
    network = make_network("Climate")
    for _ in range(2):
        make_event(host_organisation_id=host.id, kind="network_meeting", network_id=network.id)
    with count_queries() as few:
        assert len(client.get("/api/v1/events").json["items"]) == 2
    for _ in range(10):
        make_event(host_organisation_id=host.id, kind="network_meeting", network_id=network.id)
    with count_queries() as many:
        assert len(client.get("/api/v1/events").json["items"]) == 12
    assert len(many) == len(few) <= 3


def test_detail_hides_drafts_from_all_but_organisers(client, headers):
    draft = make_event(status="draft")
    public = make_event()
    assert client.get(f"/api/v1/events/{public.slug}").json["slug"] == public.slug
    response = client.get(f"/api/v1/events/{draft.slug}")
    assert response.status_code == 404 and response.json["message"]
    assert client.get(f"/api/v1/events/{draft.slug}", headers=headers).json["status"] == "draft"


def test_create_returns_the_draft_with_exactly_the_documented_fields(client, headers):
    host = make_organisation(name="São Paulo", country="BR")
    body = new_event(
        summary="Cidades pelo clima", description="Três dias.", host_organisation_id=host.id,
        venue_name="Anhembi", venue_address="Av. Olavo Fontoura, 1209", latitude=-23.51, longitude=-46.64,
        registration_opens="2027-01-10T00:00:00-03:00", registration_closes="2027-06-01T23:59:00", capacity=1200,
    )
    response = client.post("/api/v1/events", json=body, headers=headers)
    assert response.status_code == 201, response.json
    event = response.json
    assert set(event) == EVENT_FIELDS
    assert event["slug"] == "world-congress-sao-paulo-2027"
    assert response.headers["Location"].endswith("/api/v1/events/world-congress-sao-paulo-2027")
    assert event["status"] == "draft"
    assert (event["host_organisation_id"], event["capacity"], event["latitude"]) == (host.id, 1200, -23.51)
    assert event["registration_opens"] == "2027-01-10T00:00:00-03:00"
    assert event["registration_closes"] == "2027-06-01T23:59:00-03:00"
    assert client.get(f"/api/v1/events/{event['slug']}", headers=headers).json == event


def test_times_carry_the_offset_of_the_event_timezone(client, headers):
    """Naive input is wall-clock time in São Paulo; input with an offset is converted."""
    created = client.post("/api/v1/events", json=new_event(), headers=headers).json
    assert created["start"] == "2027-06-15T09:00:00-03:00"
    assert created["end"] == "2027-06-18T17:30:00-03:00"
    assert db.session.scalar(db.select(Event).filter_by(slug=created["slug"])).start_at == datetime(2027, 6, 15, 12, 0, tzinfo=timezone.utc)
    converted = client.post(
        "/api/v1/events",
        json=new_event(title="Converted", start="2027-06-15T14:00:00+02:00", end="2027-06-16T00:00:00Z"),
        headers=headers,
    ).json
    assert converted["start"] == "2027-06-15T09:00:00-03:00"
    assert converted["end"] == "2027-06-15T21:00:00-03:00"
    berlin = client.post(
        "/api/v1/events",
        json=new_event(title="Berlin", timezone="Europe/Berlin", start="2027-06-15T09:00", end="2027-06-15T18:00"),
        headers=headers,
    ).json
    assert berlin["start"] == "2027-06-15T09:00:00+02:00"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"end": "2027-06-14T09:00:00"}, "end"),
        ({"kind": "picnic"}, "kind"),
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"start": "next Tuesday"}, "start"),
        ({"latitude": 123.0, "longitude": 10.0}, "latitude"),
        ({"host_organisation_id": 999999}, "host_organisation_id"),
        ({"slug": "Not A Slug!"}, "slug"),
        ({"capacity": -1}, "capacity"),
    ],
)
def test_invalid_events_are_a_422_naming_the_field(client, headers, changes, field):
    response = client.post("/api/v1/events", json=new_event(**changes), headers=headers)
    assert response.status_code == 422
    body = response.json
    assert body["code"] == 422 and body["message"]
    assert body["errors"]["json"][field] and all(isinstance(m, str) for m in body["errors"]["json"][field])
    assert client.get("/api/v1/events", headers=headers).json["total"] == 0


def test_missing_required_fields_are_listed_together(client, headers):
    errors = client.post("/api/v1/events", json={}, headers=headers).json["errors"]["json"]
    assert set(errors) == {"kind", "title", "timezone", "start", "end"}


def test_patch_changes_fields_and_status(client, headers):
    network = make_network("Urban Nature")
    event = make_event(status="draft", title="Draft Meeting", timezone="Asia/Seoul")
    start_before = client.get(f"/api/v1/events/{event.slug}", headers=headers).json["start"]
    response = client.patch(
        f"/api/v1/events/{event.slug}",
        json={"title": "서울 네트워크 회의", "kind": "network_meeting", "network_id": network.id, "status": "published"},
        headers=headers,
    )
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["title"], body["status"], body["network_id"]) == ("서울 네트워크 회의", "published", network.id)
    assert body["start"] == start_before and body["start"].endswith("+09:00")
    assert client.get(f"/api/v1/events/{event.slug}").json["title"] == "서울 네트워크 회의"


def test_patch_can_cancel_and_clear_optional_fields(client, headers):
    event = make_event(capacity=50, venue_name="Rathaus")
    changes = {"status": "cancelled", "capacity": None, "venue_name": None}
    body = client.patch(f"/api/v1/events/{event.slug}", json=changes, headers=headers).json
    assert (body["status"], body["capacity"], body["venue_name"]) == ("cancelled", None, None)


def test_patch_refuses_bad_changes_and_keeps_the_event(client, headers):
    event = make_event(title="Bonn Summit")
    response = client.patch(
        f"/api/v1/events/{event.slug}", json={"end": "2000-01-01T00:00:00", "status": "published"}, headers=headers
    )
    assert response.status_code == 422
    assert "end" in response.json["errors"]["json"]
    response = client.patch(f"/api/v1/events/{event.slug}", json={"status": "finished"}, headers=headers)
    assert response.status_code == 422 and "status" in response.json["errors"]["json"]
    assert client.get(f"/api/v1/events/{event.slug}").json["title"] == "Bonn Summit"


def test_patch_of_an_unknown_event_is_a_json_404(client, headers):
    response = client.patch("/api/v1/events/nowhere", json={"title": "X"}, headers=headers)
    assert response.status_code == 404 and response.json["code"] == 404


def test_patch_cannot_cancel_a_draft_and_changes_nothing(client, headers):
    event = make_event(status="draft", title="Bonn Summit")
    response = client.patch(f"/api/v1/events/{event.slug}", json={"status": "cancelled", "title": "Bonn"}, headers=headers)
    assert response.status_code == 422
    assert "status" in response.json["errors"]["json"]
    assert client.get(f"/api/v1/events/{event.slug}", headers=headers).json["title"] == "Bonn Summit"
