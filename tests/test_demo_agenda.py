"""`flask demo --sessions N`: exactly N sessions on a realistic, clash-free congress agenda."""
import re
from collections import Counter, defaultdict
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from eventhub.agenda.clashes import find_clashes
from eventhub.agenda.models import AgendaSession, Room, SessionPerson, SignUp, Star, Track
from eventhub.agenda.services import event_sessions
from eventhub.audit.models import AuditEntry
from eventhub.core.errors import Refused
from eventhub.demo.agenda import DEFAULT_SESSIONS, plan_agenda
from eventhub.demo.cli import existing_data
from eventhub.demo.personal import plan_personal_agendas
from eventhub.demo.plan import DEFAULT_SEED
from eventhub.demo.timetable import BASE_ROOM_ORDER, MAX_DAYS, MAX_ROOMS, capacity, max_sessions, minutes, size_for
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.members.models import LOCAL_GOVERNMENT_KINDS
from tests.demo_support import restore, seed_once


def _demo(runner, *args) -> str:
    result = runner.invoke(args=["demo", "--members", "40", *args])
    assert result.exit_code == 0 and result.exception is None, result.output
    return result.output


def _congress() -> Event:
    return db.session.scalars(select(Event).where(Event.kind == "congress")).one()


@pytest.fixture(scope="module")
def seventy_sessions(app):
    """A demo with 60 attendees and 70 sessions, seeded once for the module."""
    return seed_once(app, "--members", "40", "--attendees", "60", "--sessions", "70")


@pytest.fixture
def seeded(seventy_sessions) -> str:
    """The database after a demo with 60 attendees and 70 sessions; the value is the command's output."""
    output, rows = seventy_sessions
    restore(rows)
    return output


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
    assert len(plan) == DEFAULT_SESSIONS == 118  # exactly what was asked: the whole three-day timetable
    assert {s["day"] for s in plan} == {0, 1, 2}
    assert {s["language"] for s in plan} >= {"en", "fr", "es", "pt"}
    assert all(s["interpretation"] for s in plan if s["kind"] == "Plenary" or s["language"] != "en")
    assert Counter(s["kind"] for s in plan)["Site visit"] == 6
    assert sum(s["status"] == "cancelled" for s in plan) == 2


def _overlap(a, b) -> bool:
    return (minutes(a["day"], a["start"]) < minutes(b["day"], b["end"])
            and minutes(b["day"], b["start"]) < minutes(a["day"], a["end"]))


@pytest.mark.parametrize("count, registered", [(DEFAULT_SESSIONS, 100), (200, 0), (40, 3)])
def test_the_plan_never_double_books_a_room_or_a_person(count, registered):
    plan = plan_agenda(count, DEFAULT_SEED, 3, registered)
    for a, b in combinations(plan, 2):
        if _overlap(a, b):
            assert a["room"] is None or a["room"] != b["room"], (a["title"], b["title"])
            assert not {ref for _role, ref in a["people"]} & {ref for _role, ref in b["people"]}
    assert all(ref[1] < registered for s in plan for _role, ref in s["people"] if ref[0] == "registration")


def _clashes_in(plan: list[dict]) -> list[tuple]:
    """Pairs of planned sessions sharing a room or a person at the same time (grouped, so thousands stay fast)."""
    by_room, by_person = defaultdict(list), defaultdict(list)
    for session in plan:
        if session["room"] and session["status"] != "cancelled":
            by_room[(session["room"], session["day"])].append(session)
        for _role, ref in session["people"]:
            by_person[(ref, session["day"])].append(session)
    return [(a["title"], b["title"]) for group in [*by_room.values(), *by_person.values()]
            for a, b in combinations(group, 2) if _overlap(a, b)]


@pytest.mark.parametrize("count", [2000, max_sessions()])
def test_a_plan_of_thousands_of_sessions_is_exact_and_clash_free(count):
    plan = plan_agenda(count, DEFAULT_SEED, 3, 400)
    assert len(plan) == count
    assert _clashes_in(plan) == []
    titles = [s["title"] for s in plan if s["kind"] != "Break"]
    # Unique, and none a numbered stopgap ("Workshop (2)"): lists that run out are held again on later days.
    assert len(set(titles)) == len(titles) and not any(re.search(r"\(\d+\)$", t) for t in titles)
    rooms, days = size_for(count, 3)
    assert rooms == MAX_ROOMS and {s["day"] for s in plan} == set(range(days))
    assert {s["kind"] for s in plan} >= {"Plenary", "Parallel session", "Workshop", "Side event", "Site visit"}


def test_the_timetable_grows_rooms_first_then_days():
    assert capacity(3, 8) == 118 and size_for(118, 3) == (8, 3)
    assert size_for(119, 3) == (9, 3)
    assert size_for(capacity(3, MAX_ROOMS), 3) == (MAX_ROOMS, 3)
    assert size_for(capacity(3, MAX_ROOMS) + 1, 3) == (MAX_ROOMS, 4)
    assert max_sessions() == capacity(MAX_DAYS, MAX_ROOMS) >= 2000
    with pytest.raises(ValueError):
        size_for(max_sessions() + 1, 3)


def test_the_plan_keeps_every_ingredient_when_rooms_are_added():
    assert {s["room"] for s in plan_agenda(DEFAULT_SESSIONS, DEFAULT_SEED, 3, 100)} <= set(BASE_ROOM_ORDER) | {None}
    plan = plan_agenda(120, DEFAULT_SEED, 3, 100)
    kinds = Counter(s["kind"] for s in plan)
    # 120 sessions need a ninth room; side events and visits are kept rather than dropped for it.
    assert kinds["Site visit"] == 6 and kinds["Side event"] == 9 and kinds["Networking"] == 2
    assert "Room G" in {s["room"] for s in plan}


def test_a_demo_that_fails_halfway_leaves_the_database_empty(runner, monkeypatch):
    def refuse(*args):
        raise Refused("closed", "The agenda is closed.")

    monkeypatch.setattr("eventhub.demo.cli.seed_agenda", refuse)
    result = runner.invoke(args=["demo", "--members", "20", "--attendees", "30", "--sessions", "10"])
    assert result.exit_code == 1 and "Demo data refused: The agenda is closed." in result.output
    assert existing_data() == ""
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_hundreds_of_sessions_add_rooms_and_days_within_the_congress_dates(runner):
    output = _demo(runner, "--attendees", "100", "--sessions", "600")
    congress = _congress()
    zone = ZoneInfo(congress.timezone)
    days = (congress.end_at.astimezone(zone).date() - congress.start_at.astimezone(zone).date()).days + 1
    rooms = db.session.scalar(select(func.count()).select_from(Room).where(Room.event_id == congress.id))
    assert "Created 600 sessions" in output and f"in {rooms} rooms over {days} days" in output
    assert 20 < rooms <= MAX_ROOMS  # rooms are added before days
    assert days > 3 and congress.summary.startswith(f"{days} days in Malmö")
    assert congress.end_at.astimezone(zone).hour == 18
    sessions = event_sessions(congress)
    assert len(sessions) == 600
    assert all(congress.start_at <= s.start_at < s.end_at <= congress.end_at for s in sessions)
    clashes = find_clashes(congress)
    assert [c.message for c in clashes if c.severity == "error" or c.kind in ("person", "outside_event")] == []
    titles = [s.title for s in sessions if s.kind.name != "Break"]
    assert len(set(titles)) == len(titles)
    # The services' audit entries: every session created, the people of those that have them.
    created = db.session.scalar(select(func.count()).where(AuditEntry.action == "session.created"))
    with_people = db.session.scalar(select(func.count(func.distinct(SessionPerson.session_id))))
    assert created == 600 and db.session.scalar(select(func.count()).where(AuditEntry.action == "session.people")) == with_people


def test_more_sessions_than_supported_are_refused_before_anything_is_written(runner):
    result = runner.invoke(args=["demo", "--sessions", str(max_sessions() + 1)])
    assert result.exit_code == 2
    assert f"at most {max_sessions():,} sessions ({MAX_ROOMS} rooms over {MAX_DAYS} days)" in result.output
    assert existing_data() == ""


def test_personal_agendas_follow_the_sign_up_rules():
    sessions = [{"id": n, "kind": "Workshop", "status": "scheduled", "signup_required": True, "capacity": 3,
                 "start_at": n // 2, "end_at": n // 2 + 1} for n in range(8)]
    signups, stars = plan_personal_agendas(sessions, list(range(100, 130)), 7)
    assert plan_personal_agendas(sessions, list(range(100, 130)), 7) == (signups, stars)
    first = [s for s in signups if s["session_id"] == 0]
    assert [s["status"] for s in first] == ["confirmed"] * 3 + ["waitlisted"] * 2  # capacity + 2: a waiting list
    held = defaultdict(list)
    for signup in signups:
        held[signup["registration_id"]].append(sessions[signup["session_id"]]["start_at"])
    assert all(len(times) == len(set(times)) for times in held.values())  # never two at once
    assert 12 * 3 <= len(stars) <= 12 * 4 and len(set(stars)) == len(stars)  # 12 people, 3 or 4 stars each


def test_the_demo_congress_has_a_directory_tables_and_meetings_agreed(seeded, client):
    from eventhub.directory.models import DirectoryLanguage, DirectoryTopic
    from eventhub.meetings.models import Meeting, MeetingArea
    from eventhub.registration.models import Registration

    congress = _congress()
    assert "12 meeting tables" in seeded and "meetings agreed" in seeded
    listed = db.session.scalars(select(Registration).where(
        Registration.event_id == congress.id, Registration.status == "confirmed", Registration.listed.is_(True))).all()
    with_topics = set(db.session.scalars(select(DirectoryTopic.registration_id)))
    assert listed and {person.id for person in listed} == with_topics
    assert "en" in set(db.session.scalars(select(DirectoryLanguage.code)))
    assert len(db.session.scalars(select(MeetingArea).where(MeetingArea.event_id == congress.id)).all()) == 12
    meetings = db.session.scalars(select(Meeting).where(Meeting.event_id == congress.id)).all()
    assert len(meetings) >= 8 and {m.status for m in meetings} == {"confirmed"}  # asked and accepted by the rules
    page = client.get(f"/registrations/{listed[0].manage_token}/directory")
    assert page.status_code == 200 and listed[-1].full_name in page.get_data(as_text=True)
