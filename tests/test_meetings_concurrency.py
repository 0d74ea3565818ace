"""Never two meetings on one table, or for one person, in one slot: acceptances at once, each on its own
connection (as concurrent requests), on SQLite and on PostgreSQL (DATABASE_URL)."""
from sqlalchemy import select

from eventhub.audit.services import REGISTRANT
from eventhub.core.errors import Refused, ValidationError
from eventhub.core.transaction import atomic
from eventhub.extensions import db
from eventhub.meetings import services
from eventhub.meetings.models import Meeting, MeetingParticipant, MeetingRequest
from eventhub.registration.models import Registration
from tests.factories import make_meeting_request, make_meeting_setup, make_registration, open_event
from tests.test_registration_concurrency import run_together


def accept_job(request_id: int, slot_id: int, by_id: int):
    """A job accepting one request in its own session, as the person's page would; what it was told."""
    def job():
        try:
            with atomic():
                meeting_request = db.session.get(MeetingRequest, request_id)
                meeting = services.accept(meeting_request, slot_id, db.session.get(Registration, by_id), REGISTRANT)
                return "booked", meeting.area_id
        except Refused as refused:
            return refused.reason, None
        except ValidationError:
            return "busy", None
    return job


def standing() -> list[Meeting]:
    db.session.expire_all()
    return list(db.session.scalars(select(Meeting).where(Meeting.status == "confirmed")))


def test_simultaneous_acceptances_of_the_tables_of_one_slot_book_each_table_once(app):
    event = open_event(capacity=100)
    tables, slots = make_meeting_setup(event, tables=("Table 5", "Table 6", "Table 7"))
    people = [make_registration(event, full_name=f"Pessoa {n}", listed=True) for n in range(16)]
    pairs = [(people[n], people[n + 8]) for n in range(8)]
    requests = [make_meeting_request(one, other, slots[1:2]) for one, other in pairs]
    results = run_together(app, [accept_job(r.id, slots[1].id, other.id) for r, (_one, other) in zip(requests, pairs)])
    booked = [area for outcome, area in results if outcome == "booked"]
    assert sorted(booked) == sorted(t.id for t in tables)  # each table once
    assert sorted(outcome for outcome, _area in results if outcome != "booked") == ["no_table"] * 5
    meetings = standing()
    assert len(meetings) == 3 and len({m.area_id for m in meetings}) == 3
    # What each person was told is what the database holds.
    assert sorted(m.area_id for m in meetings) == sorted(booked)


def test_simultaneous_acceptances_by_one_person_in_one_slot_give_them_one_meeting(app):
    event = open_event(capacity=100)
    _tables, slots = make_meeting_setup(event, tables=[f"Table {n}" for n in range(1, 7)])
    ana = make_registration(event, full_name="Ana Lima", listed=True)
    askers = [make_registration(event, full_name=f"Delegado {n}", listed=True) for n in range(6)]
    requests = [make_meeting_request(asker, ana, slots[2:3]) for asker in askers]
    results = run_together(app, [accept_job(r.id, slots[2].id, ana.id) for r in requests])
    assert [outcome for outcome, _area in results].count("booked") == 1
    assert {outcome for outcome, _area in results} == {"booked", "busy"}
    meetings = standing()
    assert len(meetings) == 1
    rows = db.session.scalars(select(MeetingParticipant).where(MeetingParticipant.registration_id == ana.id,
                                                               MeetingParticipant.active_slot_id.is_not(None)))
    assert len(list(rows)) == 1


def test_one_request_accepted_twice_at_once_in_two_slots_gives_one_meeting(app):
    """A delegate and their head of delegation press accept at the same moment, on different times."""
    event = open_event(capacity=100)
    _tables, slots = make_meeting_setup(event, tables=("Table 7",))
    one = make_registration(event, listed=True)
    other = make_registration(event, listed=True)
    meeting_request = make_meeting_request(one, other, slots[:2])
    results = run_together(app, [accept_job(meeting_request.id, slots[0].id, other.id),
                                 accept_job(meeting_request.id, slots[1].id, other.id)])
    assert sorted(outcome for outcome, _area in results) == ["booked", "wrong_status"]
    assert len(standing()) == 1
