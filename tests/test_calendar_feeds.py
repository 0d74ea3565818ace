"""iCalendar feeds: what calendar apps read from us, compared to golden files and parsed back.

Golden files live in tests/golden/; regenerate them after a deliberate change with
UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_calendar_feeds.py (and read the diff).
"""
import os
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import select, update

from eventhub.agenda import services as agenda
from eventhub.agenda import signups
from eventhub.agenda.models import AgendaSession, Room, SessionKind, SignUp, Star, Track
from eventhub.audit.models import AuditEntry
from eventhub.audit.services import SYSTEM
from eventhub.core.transaction import atomic
from eventhub.extensions import db
from tests.factories import make_event, make_organisation, make_registration

GOLDEN = Path(__file__).parent / "golden"
FIXED = datetime(2027, 5, 1, 12, 0, tzinfo=timezone.utc)
UUIDS = [f"00000000-0000-4000-8000-{n:012d}" for n in range(1, 50)]


# Absolute links (UIDs, feed URLs) with the BASE_URL production would have.
pytestmark = pytest.mark.usefixtures("public_base_url")


def kind(name):
    return db.session.scalar(select(SessionKind).where(SessionKind.name == name))


def pin(*items):
    """Make now-dependent values fixed: a stored uuid per session and every updated_at."""
    for n, item in enumerate(items):
        if hasattr(item, "uuid"):
            item.uuid = UUIDS[n]
        item.updated_at = FIXED
    db.session.commit()


@pytest.fixture
def congress():
    """A three-day congress in Berlin (15–17 June 2027) with a published agenda in several scripts."""
    event = make_event(slug="wk27", title="Weltkongress 2027 · Конгресс · 大会", timezone="Europe/Berlin",
                       start=datetime(2027, 6, 15, 9), end=datetime(2027, 6, 17, 18), venue_name="Estrel Berlin",
                       venue_address="Sonnenallee 225\n12057 Berlin", latitude=52.4731, longitude=13.4582,
                       summary="Städte für das Klima")
    hall = Room(event_id=event.id, name="Saal Ü", location="Erdgeschoss", capacity=900)
    track = Track(event_id=event.id, name="Климат")
    db.session.add_all([hall, track])
    db.session.commit()
    moscow, tokyo, dubai = (make_organisation(name=n, country=c) for n, c in
                            (("Москва", "RU"), ("東京", "JP"), ("دبي", "AE")))
    opening = agenda.save_session(event, {
        "title": "Eröffnung: Города и климат", "description": "Begrüßung und Ausblick.", "status": "scheduled",
        "start": "2027-06-15T10:00", "end": "2027-06-15T11:30", "room_id": hall.id, "track_id": track.id,
        "kind_id": kind("Plenary").id}, SYSTEM)
    agenda.set_people(opening, [
        {"role": "speaker", "name": "Анна Петрова", "position_title": "Мэр", "organisation_id": moscow.id},
        {"role": "moderator", "name": "山田 花子", "organisation_id": tokyo.id}], SYSTEM)
    workshop = agenda.save_session(event, {
        "title": "気候適応ワークショップ", "status": "scheduled", "start": "2027-06-16T14:00",
        "end": "2027-06-16T15:00", "kind_id": kind("Workshop").id}, SYSTEM)
    agenda.set_people(workshop, [{"role": "speaker", "name": "فاطمة الزهراء", "organisation_id": dubai.id}], SYSTEM)
    draft = agenda.save_session(event, {"title": "Geheimer Entwurf", "start": "2027-06-17T09:00",
                                        "end": "2027-06-17T10:00"}, SYSTEM)
    agenda.publish_agenda(event, SYSTEM)
    pin(opening, workshop, draft)
    pin(event)
    return event, opening, workshop, draft


def normalise(body: bytes, event, sessions) -> str:
    """The body with now-dependent values (DTSTAMP) and database ids replaced by placeholders."""
    text = re.sub(r"DTSTAMP:\d{8}T\d{6}Z", "DTSTAMP:<now>", body.decode("utf-8"))
    text = text.replace(f"event-{event.id}@", "event-<event>@")
    for n, item in enumerate(sessions, 1):
        text = text.replace(f"/sessions/{item.id}\r\n", f"/sessions/<session{n}>\r\n")
    return text.replace("\r\n", "\n")


def assert_golden(name: str, text: str):
    """Compare with tests/golden/<name>; UPDATE_GOLDEN=1 rewrites the file instead."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.data)


def events_of(calendar):
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


# Golden files: one per kind of calendar.

def test_agenda_feed_matches_golden_file(client, congress):
    event, opening, workshop, _draft = congress
    response = client.get("/events/wk27/agenda.ics")
    assert_golden("agenda.ics", normalise(response.data, event, [opening, workshop]))


def test_session_calendar_matches_golden_file(client, congress):
    event, opening, _workshop, _draft = congress
    response = client.get(f"/events/wk27/sessions/{opening.id}.ics")
    assert_golden("session.ics", normalise(response.data, event, [opening]))


def test_event_calendar_matches_golden_file(client, congress):
    event = congress[0]
    assert_golden("event.ics", normalise(client.get("/events/wk27/event.ics").data, event, []))


def test_personal_feed_matches_golden_file(client, congress):
    event, _opening, workshop, _draft = congress
    registration = make_registration(event)
    signups.star(registration, workshop)
    response = client.get(f"/calendar/{registration.calendar_token}.ics")
    assert_golden("personal.ics", normalise(response.data, event, [workshop]))


# Parsed back: the rules calendar apps depend on.

def test_every_calendar_has_the_header_properties_and_a_vtimezone_for_each_tzid(client, congress):
    event, opening, *_ = congress
    for url in ("/events/wk27/agenda.ics", f"/events/wk27/sessions/{opening.id}.ics", "/events/wk27/event.ics"):
        calendar = parse(client.get(url))
        for prop, value in (("VERSION", "2.0"), ("CALSCALE", "GREGORIAN"), ("METHOD", "PUBLISH"),
                            ("X-WR-TIMEZONE", "Europe/Berlin"), ("X-PUBLISHED-TTL", "PT1H")):
            assert calendar[prop].to_ical().decode() == value, (url, prop)
        assert calendar["PRODID"] and calendar["NAME"] and calendar["X-WR-CALNAME"]
        assert calendar.refresh_interval == timedelta(hours=1)
        assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in client.get(url).data
        zones = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
        assert calendar.get_used_tzids() <= zones
    assert {str(tz["TZID"]) for tz in parse(client.get("/events/wk27/agenda.ics")).walk("VTIMEZONE")} == {"Europe/Berlin"}


def test_sessions_carry_uid_times_links_people_and_places(client, congress):
    event, opening, workshop, _draft = congress
    entries = events_of(parse(client.get("/events/wk27/agenda.ics")))
    assert set(entries) == {"Eröffnung: Города и климат", "気候適応ワークショップ"}  # the draft is not published
    entry = entries["Eröffnung: Города и климат"]
    assert str(entry["UID"]) == f"{opening.uuid}@events.example.org"
    assert entry.start == datetime(2027, 6, 15, 10, tzinfo=entry.start.tzinfo)
    assert entry["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert str(entry["URL"]) == f"https://events.example.org/events/wk27/sessions/{opening.id}"
    assert str(entry["LOCATION"]) == "Saal Ü, Erdgeschoss, Estrel Berlin, Sonnenallee 225, 12057 Berlin"
    assert str(entry["DESCRIPTION"]) == "Анна Петрова, Мэр (Москва)\n山田 花子 (東京)\n\nBegrüßung und Ausblick."
    assert entry.categories == ["Климат", "Plenary"]
    assert str(entry["STATUS"]) == "CONFIRMED" and entry["SEQUENCE"] == 0
    assert entry["LAST-MODIFIED"].dt == FIXED and entry["DTSTAMP"]
    assert (entry["GEO"].latitude, entry["GEO"].longitude) == (52.4731, 13.4582)
    assert "فاطمة الزهراء (دبي)" in str(entries["気候適応ワークショップ"]["DESCRIPTION"])


def test_the_event_is_one_all_day_span_in_local_dates(client, congress):
    (entry,) = parse(client.get("/events/wk27/event.ics")).walk("VEVENT")
    assert entry["DTSTART"].to_ical() == b"20270615" and entry["DTSTART"].params["VALUE"] == "DATE"
    assert entry["DTEND"].to_ical() == b"20270618" and entry["DTEND"].params["VALUE"] == "DATE"


def test_moving_a_session_keeps_its_uid_and_raises_its_sequence_and_etag(client, congress):
    event, opening, *_ = congress
    before = client.get("/events/wk27/agenda.ics")
    agenda.save_session(event, {"start": "2027-06-15T12:00", "end": "2027-06-15T13:00"}, SYSTEM, session=opening)
    after = client.get("/events/wk27/agenda.ics")
    old, new = (events_of(parse(r))["Eröffnung: Города и климат"] for r in (before, after))
    assert new["UID"] == old["UID"] and new["SEQUENCE"] > old["SEQUENCE"]
    assert new.start.hour == 12
    assert after.headers["ETag"] != before.headers["ETag"]
    assert client.get("/events/wk27/agenda.ics", headers={"If-None-Match": before.headers["ETag"]}).status_code == 200


def test_a_cancelled_session_stays_in_the_feed_as_cancelled(client, congress):
    event, opening, *_ = congress
    agenda.save_session(event, {"status": "cancelled"}, SYSTEM, session=opening)
    entry = events_of(parse(client.get("/events/wk27/agenda.ics")))["Eröffnung: Города и климат"]
    assert str(entry["STATUS"]) == "CANCELLED" and entry["SEQUENCE"] == 1


def test_an_unchanged_feed_answers_304(client, congress):
    first = client.get("/events/wk27/agenda.ics")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert client.get("/events/wk27/agenda.ics", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    since = client.get("/events/wk27/agenda.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304 and since.data == b""


def test_filters_narrow_the_agenda_feed(client, congress):
    event, opening, workshop, _draft = congress
    assert set(events_of(parse(client.get("/events/wk27/agenda.ics?day=2027-06-16")))) == {"気候適応ワークショップ"}
    assert set(events_of(parse(client.get(f"/events/wk27/agenda.ics?track={opening.track_id}")))) == {opening.title}
    assert set(events_of(parse(client.get(f"/events/wk27/agenda.ics?room={opening.room_id}")))) == {opening.title}


def test_drafts_and_unpublished_agendas_are_not_found(client, congress):
    event, opening, _workshop, draft = congress
    assert client.get(f"/events/wk27/sessions/{draft.id}.ics").status_code == 404
    agenda.unpublish_agenda(event, SYSTEM)
    assert client.get("/events/wk27/agenda.ics").status_code == 404
    assert client.get(f"/events/wk27/sessions/{opening.id}.ics").status_code == 404
    hidden = make_event(status="draft", slug="entwurf")
    assert client.get(f"/events/{hidden.slug}/event.ics").status_code == 404
    assert client.get("/events/nowhere/agenda.ics").status_code == 404


def test_the_personal_feed_holds_starred_sessions_and_rotation_kills_the_old_url(browser, congress):
    event, opening, workshop, _draft = congress
    registration = make_registration(event)
    signups.star(registration, opening)
    page = browser.get(f"/registrations/{registration.manage_token}")
    feed = f"/calendar/{registration.calendar_token}.ics"
    assert f"webcal://events.example.org{feed}".encode() in page.data
    assert f"https://events.example.org{feed}".encode() in page.data
    assert set(events_of(parse(browser.get(feed)))) == {opening.title}
    browser.post(f"/registrations/{registration.manage_token}/calendar/rotate")
    assert browser.get(feed).status_code == 404
    db.session.refresh(registration)
    assert parse(browser.get(f"/calendar/{registration.calendar_token}.ics"))


def test_a_waiting_list_place_is_tentative_in_the_personal_feed_until_it_moves_up(client, congress):
    event, opening, workshop, _draft = congress
    workshop.signup_required, workshop.capacity = True, 1
    first, second = make_registration(event), make_registration(event)
    with atomic():
        signups.sign_up(workshop, first, SYSTEM)
        signups.sign_up(workshop, second, SYSTEM)
        signups.star(second, opening)
    # Everything so far happened an hour ago (HTTP dates have whole seconds, and the fixture's are ahead).
    earlier = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=1)
    for model, column in ((AgendaSession, "updated_at"), (Star, "created_at"), (AuditEntry, "at")):
        db.session.execute(update(model).values({column: earlier}))
    event.updated_at = event.agenda_published_at = earlier
    db.session.commit()
    feed = f"/calendar/{second.calendar_token}.ics"
    response = client.get(feed)
    statuses = {str(e["SUMMARY"]): str(e["STATUS"]) for e in parse(response).walk("VEVENT")}
    assert statuses == {workshop.title: "TENTATIVE", opening.title: "CONFIRMED"}
    assert {str(e["STATUS"]) for e in parse(client.get(f"/calendar/{first.calendar_token}.ics")).walk("VEVENT")} \
        == {"CONFIRMED"}
    # The first gives their place up: the second moves up, and a client asking whether the feed changed
    # since its last copy (by date, or by ETag) learns that it did.
    with atomic():
        signups.cancel_signup(db.session.scalars(select(SignUp).filter_by(registration_id=first.id)).one(), SYSTEM)
    for condition in ({"If-Modified-Since": response.headers["Last-Modified"]},
                      {"If-None-Match": response.headers["ETag"]}):
        changed = client.get(feed, headers=condition)
        assert changed.status_code == 200, condition
    statuses = {str(e["SUMMARY"]): str(e["STATUS"]) for e in parse(changed).walk("VEVENT")}
    assert statuses == {workshop.title: "CONFIRMED", opening.title: "CONFIRMED"}


def test_rotation_needs_the_csrf_token(client, congress):
    registration = make_registration(congress[0])
    old = registration.calendar_token
    assert client.post(f"/registrations/{registration.manage_token}/calendar/rotate").status_code == 400
    assert client.get(f"/calendar/{old}.ics").status_code == 200


def _agenda_with(n: int, slug: str):
    event = make_event(slug=slug, start=datetime(2027, 6, 15, 9), end=datetime(2027, 6, 17, 18))
    city = make_organisation(name=f"Łódź {slug}", country="PL")
    with atomic():
        for i in range(n):
            agenda.save_session(event, {
                "title": f"Session {i}", "status": "scheduled", "start": f"2027-06-15T{9 + i % 8:02d}:00",
                "end": f"2027-06-15T{10 + i % 8:02d}:00",
                "people": [{"role": "speaker", "name": f"Speaker {i}", "organisation_id": city.id}]}, SYSTEM)
        agenda.publish_agenda(event, SYSTEM)
    return event


def test_the_agenda_feed_runs_a_fixed_number_of_queries(client, count_queries):
    _agenda_with(5, "small"), _agenda_with(40, "large")
    counts = []
    for slug in ("small", "large"):
        db.session.expunge_all()
        with count_queries() as statements:
            assert client.get(f"/events/{slug}/agenda.ics").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 8


def test_a_markdown_description_shows_as_plain_text_in_calendar_apps(client, congress):
    event, opening, _workshop, _draft = congress
    agenda.save_session(event, {"description": "See the *map*: [venue](https://example.org/map)"}, SYSTEM, opening)
    entry = events_of(parse(client.get("/events/wk27/agenda.ics")))[opening.title]
    assert "See the map: venue (https://example.org/map)" in str(entry["DESCRIPTION"])
