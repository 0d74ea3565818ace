"""The door's write: exactly one check-in per person and event day, duplicates that say when and where,
refusals that say why, scan ids that make retries harmless, and the earliest scan winning offline replays."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from eventhub.audit.services import SYSTEM, Actor, history
from eventhub.badges import services as badges
from eventhub.checkin import services
from eventhub.checkin.models import CheckIn
from eventhub.core.errors import Refused, ValidationError
from eventhub.core.transaction import atomic
from eventhub.extensions import db
from eventhub.registration import services as registration_services
from tests.factories import make_registration, make_user, open_event
from tests.test_registration_concurrency import run_together


@pytest.fixture
def event():
    return open_event(capacity=3, days_from_now=-2, length_days=4)  # under way: day 0 and day 1 are past


@pytest.fixture
def staff():
    return Actor.for_user(make_user(roles=["checkin"], email="gate@example.org"))


def code_of(registration):
    return badges.valid_badge(registration).token


def scan(event, code, actor, station="Gate A", **values):
    with atomic():
        return services.record_scan(event, code, station, actor, **values)


def day(event, n):
    return event.start_at + timedelta(days=n, hours=2)


def test_the_first_scan_is_the_check_in_and_the_next_says_when_and_where(event, staff):
    person = make_registration(event, full_name="Amara Okonkwo")
    first = scan(event, code_of(person), staff, scanned_at=day(event, 0))
    assert first.outcome == "ok" and first.scan.holder.full_name == "Amara Okonkwo"
    again = scan(event, code_of(person), staff, station="Gate B", scanned_at=day(event, 0) + timedelta(minutes=3))
    assert again.outcome == "duplicate" and again.first.station == "Gate A"
    assert again.first.scanned_at == first.checkin.scanned_at


def test_each_event_day_has_its_own_check_in(event, staff):
    person = make_registration(event)
    assert scan(event, code_of(person), staff, scanned_at=day(event, 0)).outcome == "ok"
    assert scan(event, code_of(person), staff, scanned_at=day(event, 1)).outcome == "ok"
    days = db.session.scalars(select(CheckIn.day).where(CheckIn.outcome == "ok")).all()
    assert len(set(days)) == 2


def test_the_evening_before_counts_for_the_first_day_and_after_the_end_for_the_last(event):
    zone_first = services.event_day(event, event.start_at)
    assert services.event_day(event, event.start_at - timedelta(hours=20)) == zone_first
    assert services.event_day(event, event.end_at + timedelta(days=2)) == services.event_day(event, event.end_at)


@pytest.mark.parametrize("why, expected", [("cancel", "revoked"), ("other", "other_event"), ("garbage", "unknown")])
def test_refused_scans_are_stored_with_their_reason(event, staff, why, expected):
    person = make_registration(event)
    code = code_of(person)
    if why == "cancel":
        with atomic():
            registration_services.cancel(person, SYSTEM)
    elif why == "other":
        code = code_of(make_registration(open_event()))
    elif why == "garbage":
        code = "WIFI:S:venue;;"
    answer = scan(event, code, staff)
    assert answer.outcome == "invalid" and answer.checkin.reason == expected
    assert answer.checkin.registration_id == (person.id if why == "cancel" else None)


def test_a_check_in_stays_in_the_history_after_cancelling_but_the_badge_no_longer_admits(event, staff):
    person = make_registration(event)
    code = code_of(person)
    scan(event, code, staff, scanned_at=day(event, 0))
    with atomic():
        registration_services.cancel(person, SYSTEM)
    assert scan(event, code, staff, scanned_at=day(event, 1)).outcome == "invalid"
    assert db.session.scalar(select(func.count()).where(CheckIn.outcome == "ok")) == 1


def test_sending_a_scan_again_with_its_id_changes_nothing(event, staff):
    person = make_registration(event)
    first = scan(event, code_of(person), staff, scan_id="device-1:0001")
    again = scan(event, code_of(person), staff, scan_id="device-1:0001")
    assert again.outcome == "ok" and again.checkin.id == first.checkin.id
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1


def test_an_offline_scan_made_earlier_wins_when_it_arrives_later(event, staff):
    person = make_registration(event)
    online = scan(event, code_of(person), staff, station="Gate B", scanned_at=day(event, 0) + timedelta(minutes=10))
    offline = scan(event, code_of(person), staff, station="Gate A (offline)", scanned_at=day(event, 0))
    assert offline.outcome == "ok"
    db.session.refresh(online.checkin)
    assert online.checkin.outcome == "duplicate"
    assert db.session.scalar(select(func.count()).where(CheckIn.outcome == "ok")) == 1


def test_a_device_clock_far_in_the_future_counts_as_now(event, staff):
    person = make_registration(event)
    answer = scan(event, code_of(person), staff, scanned_at=datetime.now(UTC) + timedelta(days=400))
    assert answer.checkin.scanned_at <= datetime.now(UTC) + timedelta(minutes=1)


@pytest.mark.parametrize("values, field", [({"station": ""}, "station"), ({"station": "G" * 61}, "station"),
                                           ({"scan_id": "x" * 65}, "scan_id"), ({"scan_id": "é"}, "scan_id"),
                                           ({"scanned_at": datetime(2027, 1, 1)}, "scanned_at")])
def test_bad_scan_fields_are_refused_and_nothing_is_stored(event, staff, values, field):
    person = make_registration(event)
    arguments = {"station": "Gate A", **values}
    with pytest.raises(ValidationError) as refused, atomic():
        services.record_scan(event, code_of(person), arguments.pop("station"), staff, **arguments)
    assert field in refused.value.errors
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_undoing_a_mistaken_check_in_is_audited_and_the_next_scan_checks_in(event, staff):
    person = make_registration(event)
    first = scan(event, code_of(person), staff)
    with atomic():
        services.undo(first.checkin, staff)
    assert history(first.checkin)[0].action == "checkin.undone"
    assert scan(event, code_of(person), staff).outcome == "ok"
    with pytest.raises(Refused), atomic():
        services.undo(first.checkin, staff)


def test_two_stations_scanning_the_same_badge_at_once_make_one_check_in(app, event, staff):
    people = [make_registration(event) for _ in range(3)]
    codes = [code_of(p) for p in people]
    event_id = event.id

    def job(code, station):
        def scan_it():
            from eventhub.events.models import Event

            with atomic():
                return services.record_scan(db.session.get(Event, event_id), code, station, SYSTEM).outcome
        return scan_it

    outcomes = run_together(app, [job(code, f"Gate {g}") for code in codes for g in "AB"])
    assert sorted(outcomes) == ["duplicate"] * 3 + ["ok"] * 3
    for person in people:
        assert db.session.scalar(select(func.count()).where(
            CheckIn.registration_id == person.id, CheckIn.outcome == "ok")) == 1
