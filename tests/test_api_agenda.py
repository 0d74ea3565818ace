"""/api/v1 agenda: sessions, rooms and tracks for the public and organisers, room clashes, sign-ups."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from eventhub.agenda import services
from eventhub.agenda.models import AgendaSession, Room, Track
from eventhub.audit.services import SYSTEM
from eventhub.core.transaction import atomic
from eventhub.extensions import db
from tests.factories import make_token, at, make_organisation, make_registration, make_session, make_user, open_event

SESSION_FIELDS = {
    "id", "uuid", "event_slug", "title", "description", "kind", "track_id", "room_id", "start", "end", "language",
    "interpretation", "capacity", "signup_required", "status", "people", "translations", "display",
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
    """A published event in Tokyo's timezone (UTC+9, no DST) with its registration open."""
    return open_event(title="Tokyo Forum", timezone="Asia/Tokyo", capacity=100)


@pytest.fixture
def rooms(event):
    """A big hall and a small workshop room."""
    made = [Room(event_id=event.id, name=name, capacity=cap, position=n)
            for n, (name, cap) in enumerate([("Plenary hall", 800), ("Room B", 2)])]
    db.session.add_all(made)
    db.session.commit()
    return made


@pytest.fixture
def track(event):
    """One track."""
    made = Track(event_id=event.id, name="Nature-based solutions", colour="#2e7d32")
    db.session.add(made)
    db.session.commit()
    return made


def publish(event):
    services.publish_agenda(event, SYSTEM)


def sessions_url(event) -> str:
    return f"/api/v1/events/{event.slug}/sessions"


def titles(response) -> list[str]:
    return [item["title"] for item in response.json["items"]]


def test_post_creates_a_session_with_exactly_the_documented_fields_and_tokyo_offsets(client, event, rooms, track,
                                                                                     headers):
    city = make_organisation(name="Tokyo", local_name="東京都", country="JP")
    speaker = make_registration(event, full_name="佐藤 花子", organisation_id=city.id)
    body = {"title": "Forêts urbaines — 都市の森", "description": "Trees.", "kind": "Workshop",
            "track_id": track.id, "room_id": rooms[1].id, "start": at(event, 14), "end": at(event, 15, 30),
            "language": "ja", "interpretation": True, "capacity": 2, "signup_required": True, "status": "scheduled",
            "people": [{"role": "moderator", "registration_id": speaker.id},
                       {"role": "speaker", "name": "Łucja Wąsowska", "organisation_id": city.id}]}
    response = client.post(sessions_url(event), json=body, headers=headers)
    assert response.status_code == 201, response.json
    created = response.json
    assert set(created) == SESSION_FIELDS
    assert response.headers["Location"].endswith(f"/api/v1/sessions/{created['id']}")
    assert created["start"] == at(event, 14) + "+09:00" and created["end"] == at(event, 15, 30) + "+09:00"
    assert created == {
        **created, "event_slug": event.slug, "title": "Forêts urbaines — 都市の森", "kind": "Workshop",
        "track_id": track.id, "room_id": rooms[1].id, "language": "ja", "interpretation": True, "capacity": 2,
        "signup_required": True, "status": "scheduled",
        "people": [{"role": "moderator", "name": "佐藤 花子", "registration_id": speaker.id, "organisation_id": city.id},
                   {"role": "speaker", "name": "Łucja Wąsowska", "registration_id": None, "organisation_id": city.id}],
    }
    assert client.get(f"/api/v1/sessions/{created['id']}", headers=headers).json == created


def test_times_with_an_offset_are_converted_to_the_event_timezone(client, event, headers):
    local = datetime.fromisoformat(at(event, 10)).replace(tzinfo=ZoneInfo("Asia/Tokyo"))
    utc = local.astimezone(ZoneInfo("UTC"))
    body = {"title": "Offsets", "start": utc.isoformat(), "end": (utc + timedelta(hours=1)).isoformat()}
    created = client.post(sessions_url(event), json=body, headers=headers).json
    assert created["start"] == local.isoformat() and created["status"] == "draft" and created["kind"] is None


def test_the_public_sees_a_published_agenda_without_drafts(client, event, rooms, headers):
    make_session(event, title="Opening plenary", room_id=rooms[0].id)
    draft = make_session(event, title="Secret draft", status="draft", start=at(event, 12), end=at(event, 13))
    assert client.get(sessions_url(event)).status_code == 404  # not published yet
    assert client.get(f"/api/v1/events/{event.slug}/rooms").status_code == 404
    assert client.get(f"/api/v1/events/{event.slug}/tracks").status_code == 404
    assert titles(client.get(sessions_url(event), headers=headers)) == ["Opening plenary", "Secret draft"]
    publish(event)
    response = client.get(sessions_url(event))
    assert response.status_code == 200
    assert titles(response) == ["Opening plenary"]
    assert {k: response.json[k] for k in ("total", "page", "per_page", "pages")} == {
        "total": 1, "page": 1, "per_page": 25, "pages": 1}
    assert client.get(f"/api/v1/sessions/{draft.id}").status_code == 404
    assert client.get(f"/api/v1/sessions/{draft.id}", headers=headers).status_code == 200
    assert titles(client.get(sessions_url(event), headers=headers)) == ["Opening plenary", "Secret draft"]


def test_a_draft_event_hides_its_agenda_from_the_public(client, headers):
    event = open_event(status="draft")
    session = make_session(event)
    publish(event)
    assert client.get(sessions_url(event)).status_code == 404
    assert client.get(f"/api/v1/sessions/{session.id}").status_code == 404
    assert client.get(sessions_url(event), headers=headers).status_code == 200


def test_rooms_and_tracks(client, event, rooms, track):
    publish(event)
    assert client.get(f"/api/v1/events/{event.slug}/rooms").json == [
        {"id": rooms[0].id, "name": "Plenary hall", "capacity": 800},
        {"id": rooms[1].id, "name": "Room B", "capacity": 2},
    ]
    assert client.get(f"/api/v1/events/{event.slug}/tracks").json == [
        {"id": track.id, "name": "Nature-based solutions", "colour": "#2e7d32"}]


def test_filters_by_local_day_track_and_room(client, event, rooms, track, headers):
    make_session(event, title="Day one early", start=at(event, 0, 30), end=at(event, 1, 30), room_id=rooms[0].id)
    make_session(event, title="Day one late", start=at(event, 23), end=at(event, 23, 45), room_id=rooms[1].id,
                 track_id=track.id)
    make_session(event, title="Day two", start=at(event, 9, day=1), end=at(event, 10, day=1))
    day_one = at(event, 0)[:10]
    listing = lambda **q: titles(client.get(sessions_url(event), query_string=q, headers=headers))  # noqa: E731
    # Tokyo's day, not UTC's: 00:30 and 23:00 local are on different UTC days.
    assert listing(day=day_one) == ["Day one early", "Day one late"]
    assert listing(day=at(event, 0, day=1)[:10]) == ["Day two"]
    assert listing(track=track.id) == ["Day one late"]
    assert listing(room=rooms[0].id) == ["Day one early"]
    assert listing(per_page=2, page=2) == ["Day two"]
    response = client.get(sessions_url(event), query_string={"day": "someday", "room": "x"}, headers=headers)
    assert response.status_code == 422 and set(response.json["errors"]["query"]) == {"day", "room"}


def test_a_double_booked_room_is_a_409_naming_the_clashing_session(client, event, rooms, headers):
    first = make_session(event, title="Ouverture plénière", room_id=rooms[0].id)
    body = {"title": "Clash", "room_id": rooms[0].id, "start": at(event, 10, 30), "end": at(event, 12)}
    response = client.post(sessions_url(event), json=body, headers=headers)
    assert response.status_code == 409
    assert response.json == {
        "code": 409, "status": "Conflict", "message": response.json["message"], "reason": "room_taken",
        "errors": {"json": {"room_id": [response.json["message"]]}},
        "clashing_session": {"id": first.id, "title": "Ouverture plénière", "start": at(event, 10) + "+09:00",
                             "end": at(event, 11) + "+09:00", "room_id": rooms[0].id},
        "request_id": response.headers["X-Request-ID"],  # what a caller quotes to the organisers
    }
    assert "Ouverture plénière" in response.json["message"]
    # Moving another session into the room by PATCH is refused the same way, and nothing changes.
    other = make_session(event, title="Elsewhere", room_id=rooms[1].id)
    response = client.patch(f"/api/v1/sessions/{other.id}", json={"room_id": rooms[0].id}, headers=headers)
    assert response.status_code == 409 and response.json["clashing_session"]["id"] == first.id
    db.session.expire_all()
    assert db.session.get(AgendaSession, other.id).room_id == rooms[1].id
    assert db.session.query(AgendaSession).count() == 2


def test_patch_changes_fields_and_replaces_people(client, event, rooms, headers):
    session = make_session(event, title="Old")
    response = client.patch(f"/api/v1/sessions/{session.id}", headers=headers, json={
        "title": "Новое название", "room_id": rooms[0].id, "start": at(event, 16), "end": at(event, 17),
        "kind": "Plenary", "people": [{"name": "محمد الحسيني", "role": "panellist"}]})
    assert response.status_code == 200, response.json
    assert response.json["title"] == "Новое название" and response.json["kind"] == "Plenary"
    assert response.json["start"] == at(event, 16) + "+09:00"
    assert response.json["people"] == [
        {"role": "panellist", "name": "محمد الحسيني", "registration_id": None, "organisation_id": None}]
    cancelled = client.patch(f"/api/v1/sessions/{session.id}", json={"status": "cancelled"}, headers=headers)
    assert cancelled.json["status"] == "cancelled" and cancelled.json["people"] == response.json["people"]


@pytest.mark.parametrize("body, field", [
    ({"title": "X", "start": "soon", "end": "later"}, "start"),
    ({"title": "X", "kind": "Picnic"}, "kind"),
    ({"title": "X", "end": "2020-01-01T10:00"}, "end"),
    ({"title": "", }, "title"),
    ({"title": "X", "room_id": 999999}, "room_id"),
    ({"title": "X", "colour": "green"}, "colour"),
    ({"title": "X", "people": [{"role": "chair", "name": "A"}]}, "people"),
    ({"title": "X", "people": [{"registration_id": 999999}]}, "people-0-registration_id"),
])
def test_bad_input_is_a_422_naming_the_field_and_creates_nothing(client, event, headers, body, field):
    body = {"start": at(event, 10), "end": at(event, 11), **body}
    response = client.post(sessions_url(event), json=body, headers=headers)
    assert response.status_code == 422, response.json
    assert response.json["code"] == 422 and response.json["message"]
    assert field in response.json["errors"]["json"]
    assert db.session.query(AgendaSession).count() == 0


def test_delete_a_draft_but_not_a_session_of_a_published_agenda(client, event, headers):
    draft = make_session(event, status="draft")
    live = make_session(event, title="Live", start=at(event, 12), end=at(event, 13))
    publish(event)
    response = client.delete(f"/api/v1/sessions/{draft.id}", headers=headers)
    assert response.status_code == 204
    assert client.get(f"/api/v1/sessions/{draft.id}", headers=headers).status_code == 404
    response = client.delete(f"/api/v1/sessions/{live.id}", headers=headers)
    assert response.status_code == 409 and response.json["reason"] == "published" and response.json["message"]
    assert client.get(f"/api/v1/sessions/{live.id}").json["status"] == "scheduled"


def test_sign_ups_confirm_then_waitlist_then_refuse(client, event, rooms, headers):
    workshop = make_session(event, title="Atelier", room_id=rooms[1].id, signup_required=True)
    overlapping = make_session(event, title="Same time", room_id=rooms[0].id, signup_required=True)
    people = [make_registration(event, full_name=f"Ñandú {n}") for n in range(3)]
    url = f"/api/v1/sessions/{workshop.id}/signups"
    answers = [client.post(url, json={"registration_id": p.id}, headers=headers) for p in people]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert [a.json for a in answers] == [
        {"status": "confirmed", "waitlist_position": None, "registration_id": people[0].id, "session_id": workshop.id},
        {"status": "confirmed", "waitlist_position": None, "registration_id": people[1].id, "session_id": workshop.id},
        {"status": "waitlisted", "waitlist_position": 1, "registration_id": people[2].id, "session_id": workshop.id},
    ]
    overlap = client.post(f"/api/v1/sessions/{overlapping.id}/signups", json={"registration_id": people[0].id},
                          headers=headers)
    assert overlap.status_code == 409 and overlap.json["reason"] == "overlap" and "Atelier" in overlap.json["message"]
    other_event = make_registration(open_event(), full_name="Elsewhere")
    refused = client.post(url, json={"registration_id": other_event.id}, headers=headers)
    assert refused.status_code == 422 and refused.json["reason"] == "not_eligible" and refused.json["message"]
    plain = make_session(event, title="No sign-up", start=at(event, 15), end=at(event, 16))
    closed = client.post(f"/api/v1/sessions/{plain.id}/signups", json={"registration_id": people[0].id},
                         headers=headers)
    assert closed.status_code == 409 and closed.json["reason"] == "closed"
    missing = client.post(url, json={"registration_id": 999999}, headers=headers)
    assert missing.status_code == 422 and "registration_id" in missing.json["errors"]["json"]


def _organiser_calls(event, session):
    return [
        ("post", sessions_url(event), {"title": "T", "start": at(event, 18), "end": at(event, 19)}),
        ("patch", f"/api/v1/sessions/{session.id}", {"title": "Renamed"}),
        ("post", f"/api/v1/sessions/{session.id}/signups", {"registration_id": 1}),
        ("delete", f"/api/v1/sessions/{session.id}", None),
    ]


def test_writes_need_an_organiser_token(client, event):
    session = make_session(event, status="draft")
    checkin = bearer(make_user(roles=["checkin"]))
    for method, url, body in _organiser_calls(event, session):
        assert getattr(client, method)(url, json=body).status_code == 401, url
        assert getattr(client, method)(url, json=body, headers={"Authorization": "Bearer bad"}).status_code == 401
        assert getattr(client, method)(url, json=body, headers=checkin).status_code == 403, url
    # Other roles read only what the public reads.
    assert client.get(sessions_url(event), headers=checkin).status_code == 404
    admin = bearer(make_user(roles=["admin"]))
    assert client.get(sessions_url(event), headers=admin).json["total"] == 1
    assert client.delete(f"/api/v1/sessions/{session.id}", headers=admin).status_code == 204


@pytest.mark.parametrize("token", [False, True])
def test_the_session_list_runs_a_fixed_number_of_queries(client, event, rooms, track, count_queries, organiser, token):
    headers = bearer(organiser) if token else {}
    speaker = make_registration(event, organisation_id=make_organisation(name="Kraków", country="PL").id)
    publish(event)

    def add_sessions(count):
        start = db.session.query(AgendaSession).count()
        for n in range(start, start + count):
            session = make_session(event, title=f"S{n}", room_id=rooms[n % 2].id, track_id=track.id,
                                   kind_id=1 if n % 3 else None,
                                   start=at(event, 8, n * 10), end=at(event, 8, n * 10 + 5))
            with atomic():
                services.set_people(session, [{"registration_id": speaker.id}, {"name": f"Guest {n}"}], SYSTEM)

    def measure():
        db.session.expire_all()
        with count_queries() as statements:
            response = client.get(sessions_url(event), query_string={"per_page": 100}, headers=headers)
        assert response.status_code == 200
        return len(statements), response.json["total"]

    add_sessions(5)
    client.get(sessions_url(event), headers=headers)  # a token's use is noted once an hour, before measuring
    few, total = measure()
    assert total == 5
    add_sessions(25)
    many, total = measure()
    assert total == 30 and many == few
