"""`flask demo --sessions N`: a realistic, clash-free congress agenda made through the agenda services."""
from collections import Counter
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from eventhub.agenda.clashes import find_clashes
from eventhub.agenda.models import AgendaSession, Room, SignUp, Star, Track
from eventhub.agenda.services import event_sessions
from eventhub.demo.agenda import DEFAULT_SESSIONS, _minutes, plan_agenda
from eventhub.demo.plan import DEFAULT_SEED
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.members.models import LOCAL_GOVERNMENT_KINDS


def _demo(runner, *args) -> str:
    result = runner.invoke(args=["demo", "--members", "40", *args])
    assert result.exit_code == 0 and result.exception is None, result.output
    return result.output


def _congress() -> Event:
    return db.session.scalars(select(Event).where(Event.kind == "congress")).one()


@pytest.fixture
def seeded(runner) -> str:
    """A demo with 60 attendees and 70 sessions; the value is the command's output."""
    return _demo(runner, "--attendees", "60", "--sessions", "70")


def test_sessions_rooms_and_tracks_are_created_and_the_agenda_published(seeded):
    congress = _congress()
    assert "Created 70 sessions (2 cancelled) in 8 rooms and 5 tracks" in seeded
    assert congress.agenda_published_at is not None
    sessions = event_sessions(congress, include_drafts=False)
    assert len(sessions) == 70 and Counter(s.status for s in sessions) == {"scheduled": 68, "cancelled": 2}
    rooms = {r.name: r for r in db.session.scalars(select(Room).where(Room.event_id == congress.id))}
    assert rooms["Plenary hall"].capacity == 1200 and len(rooms) == 8
    assert all(r.location and r.accessibility for r in rooms.values())
    assert all(60 <= rooms[f"Room {x}"].capacity <= 250 for x in "ABCDEF")
    tracks = db.session.scalars(select(Track).where(Track.event_id == congress.id)).all()
    assert {t.name for t in tracks} >= {"Climate resilience", "Nature-based solutions", "Circular economy"}
    assert len({t.colour for t in tracks}) == 5
    assert {s.kind.name for s in sessions} >= {"Plenary", "Parallel session", "Workshop", "Break"}


def test_no_room_clash_and_no_speaker_in_two_places(seeded):
    clashes = find_clashes(_congress())
    assert [c.message for c in clashes if c.severity == "error"] == []
    assert [c.message for c in clashes if c.kind in ("person", "outside_event")] == []


def test_sessions_keep_to_the_congress_days_in_malmo_time(seeded):
    congress = _congress()
    zone = ZoneInfo(congress.timezone)
    sessions = event_sessions(congress)
    first_day = congress.start_at.astimezone(zone).date()
    for session in sessions:
        start, end = session.start_at.astimezone(zone), session.end_at.astimezone(zone)
        assert 9 <= start.hour and (end.hour, end.minute) <= (21, 0), session.title
        assert 0 <= (start.date() - first_day).days <= 2
    opening = sessions[0]
    assert opening.title.startswith("Opening plenary") and opening.interpretation
    assert opening.start_at.astimezone(zone).hour == 9 and opening.room.name == "Plenary hall"


def test_speakers_are_confirmed_registrants_from_member_cities_and_some_guests(seeded):
    people = [p for s in event_sessions(_congress()) for p in s.people]
    registered = [p for p in people if p.registration is not None]
    assert registered and all(p.registration.status == "confirmed" for p in registered)
    assert all(p.organisation is not None and p.organisation.kind in LOCAL_GOVERNMENT_KINDS for p in registered)
    assert len({p.organisation.name for p in registered}) >= 5  # speakers with their cities
    assert any(p.registration_id is None and p.position_title for p in people)  # external speakers
    assert {p.role for p in people} >= {"speaker", "moderator"}


def test_workshops_take_sign_ups_and_personal_agendas_are_not_empty(seeded):
    congress = _congress()
    workshops = [s for s in event_sessions(congress) if s.signup_required]
    assert workshops and all(s.capacity and s.capacity <= 20 for s in workshops)
    statuses = Counter(db.session.scalars(select(SignUp.status)))
    assert statuses["confirmed"] > 5 and statuses["waitlisted"] >= 1
    starred = db.session.scalar(select(func.count(func.distinct(Star.registration_id))))
    assert starred >= 5


def test_no_sessions_leave_the_agenda_unpublished(runner):
    output = _demo(runner, "--attendees", "5", "--sessions", "0")
    assert "sessions" not in output
    assert db.session.scalar(select(func.count()).select_from(AgendaSession)) == 0
    assert _congress().agenda_published_at is None


def test_the_plan_is_the_same_for_the_same_seed():
    first = plan_agenda(DEFAULT_SESSIONS, 7, 3, 50)
    assert first == plan_agenda(DEFAULT_SESSIONS, 7, 3, 50)
    other = plan_agenda(DEFAULT_SESSIONS, 8, 3, 50)
    assert [s["title"] for s in first] != [s["title"] for s in other]
    assert len({s["title"] for s in first if s["kind"] != "Break"}) == sum(s["kind"] != "Break" for s in first)


def test_the_default_plan_fills_three_days_with_every_ingredient():
    plan = plan_agenda(DEFAULT_SESSIONS, DEFAULT_SEED, 3, 100)
    assert len(plan) >= 100
    assert {s["day"] for s in plan} == {0, 1, 2}
    assert {s["language"] for s in plan} >= {"en", "fr", "es", "pt"}
    assert all(s["interpretation"] for s in plan if s["kind"] == "Plenary" or s["language"] != "en")
    assert Counter(s["kind"] for s in plan)["Site visit"] == 6
    assert sum(s["status"] == "cancelled" for s in plan) == 2


def _overlap(a, b) -> bool:
    return (_minutes(a["day"], a["start"]) < _minutes(b["day"], b["end"])
            and _minutes(b["day"], b["start"]) < _minutes(a["day"], a["end"]))


@pytest.mark.parametrize("count, registered", [(DEFAULT_SESSIONS, 100), (200, 0), (40, 3)])
def test_the_plan_never_double_books_a_room_or_a_person(count, registered):
    plan = plan_agenda(count, DEFAULT_SEED, 3, registered)
    for a, b in combinations(plan, 2):
        if _overlap(a, b):
            assert a["room"] is None or a["room"] != b["room"], (a["title"], b["title"])
            assert not {ref for _role, ref in a["people"]} & {ref for _role, ref in b["people"]}
    assert all(ref[1] < registered for s in plan for _role, ref in s["people"] if ref[0] == "registration")
