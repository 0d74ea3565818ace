"""Agenda rules: no room double-booking, clash warnings, publishing, sign-up and the personal agenda."""

import pytest
from sqlalchemy import select

from eventhub.agenda import services, signups
from eventhub.agenda.clashes import find_clashes
from eventhub.agenda.models import Room, SessionKind, Track
from eventhub.audit.services import SYSTEM
from eventhub.core.transaction import atomic
from eventhub.extensions import db
from eventhub.core.errors import Refused
from eventhub.core.errors import ValidationError
from tests.factories import at, make_registration, make_session, open_event


@pytest.fixture
def event():
    return open_event(capacity=100)


@pytest.fixture
def rooms(event):
    made = [Room(event_id=event.id, name=name, capacity=cap, position=n) for n, (name, cap) in enumerate([("Plenary hall", 800), ("Room B", 40)])]
    db.session.add_all(made)
    db.session.commit()
    return made


def test_times_are_entered_in_the_event_timezone(event, rooms):
    session = make_session(event, room_id=rooms[0].id, start=at(event, 9), end=at(event, 10, 30))
    local = session.start_at.astimezone(__import__("zoneinfo").ZoneInfo(event.timezone))
    assert (local.hour, local.minute) == (9, 0)


def test_a_room_cannot_be_double_booked(event, rooms):
    first = make_session(event, title="Opening plenary", room_id=rooms[0].id)
    with pytest.raises(services.RoomTaken) as taken:
        make_session(event, title="Clash", room_id=rooms[0].id, start=at(event, 10, 30), end=at(event, 12))
    assert taken.value.other == first and "Opening plenary" in str(taken.value)
    # Back to back is fine, and another room is fine.
    make_session(event, room_id=rooms[0].id, start=at(event, 11), end=at(event, 12))
    make_session(event, room_id=rooms[1].id)


def test_moving_a_session_raises_its_sequence_and_keeps_its_uuid(event, rooms):
    session = make_session(event, room_id=rooms[0].id)
    uuid, sequence = session.uuid, session.sequence
    services.save_session(event, {"room_id": rooms[1].id, "start": at(event, 14), "end": at(event, 15)}, SYSTEM, session)
    assert session.uuid == uuid and session.sequence == sequence + 1
    services.save_session(event, {"title": "Renamed"}, SYSTEM, session)
    assert session.sequence == sequence + 1


def test_clashes_people_dates_capacity_and_unconfirmed_speakers(event, rooms):
    speaker = make_registration(event, full_name="Ana Souza")
    pending = make_registration(event, full_name="Pedro Alves")
    pending.status = "pending"
    db.session.commit()
    a = make_session(event, title="Water", room_id=rooms[0].id)
    b = make_session(event, title="Energy", room_id=rooms[1].id, start=at(event, 10, 30), end=at(event, 11, 30), capacity=60)
    services.set_people(a, [{"registration_id": speaker.id}], SYSTEM)
    services.set_people(b, [{"registration_id": speaker.id}, {"registration_id": pending.id, "role": "moderator"}], SYSTEM)
    late = make_session(event, title="After hours", start=at(event, 24 * 10), end=at(event, 24 * 10 + 1))
    kinds = {(c.kind, tuple(sorted(c.session_ids))) for c in find_clashes(event)}
    assert ("person", tuple(sorted([a.id, b.id]))) in kinds
    assert ("over_room_capacity", (b.id,)) in kinds
    assert ("speaker_not_confirmed", (b.id,)) in kinds
    assert ("outside_event", (late.id,)) in kinds
    assert all(c.severity == "warning" for c in find_clashes(event))


def test_publishing_is_blocked_by_a_room_double_booking(event, rooms):
    make_session(event, room_id=rooms[0].id)
    other = make_session(event, room_id=rooms[1].id)
    # Forced in behind the service's back, e.g. by an old import: the clash page and publishing still catch it.
    other.room_id = rooms[0].id
    db.session.commit()
    with pytest.raises(ValidationError):
        services.publish_agenda(event, SYSTEM)
    other.room_id = rooms[1].id
    db.session.commit()
    assert services.publish_agenda(event, SYSTEM).agenda_published_at is not None


def test_sign_up_with_capacity_waiting_list_and_promotion(event, rooms):
    workshop = make_session(event, title="Nature-based solutions", room_id=rooms[1].id, capacity=1, signup_required=True)
    first, second = make_registration(event), make_registration(event)
    with atomic():
        assert signups.sign_up(workshop, first, SYSTEM).status == "confirmed"
    with atomic():
        waiting = signups.sign_up(workshop, second, SYSTEM)
    assert waiting.status == "waitlisted" and signups.signup_position(waiting) == 1
    with atomic():
        signups.cancel_signup(signups.sign_up(workshop, first, SYSTEM), SYSTEM)
    db.session.refresh(waiting)
    assert waiting.status == "confirmed"


def test_no_sign_up_for_two_overlapping_sessions_or_when_unconfirmed(event, rooms):
    one = make_session(event, room_id=rooms[0].id, signup_required=True)
    two = make_session(event, room_id=rooms[1].id, signup_required=True, start=at(event, 10, 30), end=at(event, 11, 30))
    person = make_registration(event)
    signups.sign_up(one, person, SYSTEM)
    with pytest.raises(Refused) as refused:
        signups.sign_up(two, person, SYSTEM)
    assert refused.value.reason == "overlap"
    waiting = make_registration(event)
    waiting.status = "waitlisted"
    db.session.commit()
    with pytest.raises(Refused):
        signups.sign_up(one, waiting, SYSTEM)


def test_personal_agenda_lists_starred_sessions_and_flags_overlaps(event, rooms):
    person = make_registration(event)
    a = make_session(event, title="A", room_id=rooms[0].id)
    b = make_session(event, title="B", room_id=rooms[1].id, start=at(event, 10, 30), end=at(event, 11, 30))
    c = make_session(event, title="C", room_id=rooms[1].id, start=at(event, 14), end=at(event, 15))
    for session in (c, a, b):
        signups.star(person, session)
    assert [(s.title, overlaps) for s, overlaps in signups.personal_agenda(person)] == [("A", True), ("B", True), ("C", False)]
    signups.unstar(person, b)
    assert [(s.title, overlaps) for s, overlaps in signups.personal_agenda(person)] == [("A", False), ("C", False)]


def test_session_kinds_are_seeded(event):
    names = set(db.session.scalars(select(SessionKind.name)))
    assert {"Plenary", "Workshop", "Site visit", "Break"} <= names


def test_tracks_belong_to_their_event(event):
    other = open_event()
    track = Track(event_id=other.id, name="Elsewhere")
    db.session.add(track)
    db.session.commit()
    with pytest.raises(ValidationError) as invalid:
        make_session(event, track_id=track.id)
    assert "track_id" in invalid.value.errors
