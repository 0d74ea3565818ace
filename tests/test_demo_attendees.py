"""`flask demo --attendees N`: exactly N realistic registrations, with the statuses the registration rules give."""
import re
import unicodedata
from collections import Counter

import pytest
from sqlalchemy import func, select

from eventhub.audit.models import AuditEntry
from eventhub.demo.attendees import DEFAULT_ATTENDEES
from eventhub.demo.cli import MAX_ATTENDEES, existing_data
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage
from eventhub.members.models import Region
from eventhub.registration import cleaning, rules
from eventhub.registration.models import Delegation, Registration
from eventhub.registration.questions import event_questions
from tests.demo_support import restore, seed_once

SCRIPTS = {
    "JP": {"CJK", "HIRAGANA", "KATAKANA"}, "KR": {"HANGUL"}, "CN": {"CJK"}, "TW": {"CJK"}, "EG": {"ARABIC"},
    "MA": {"ARABIC"}, "PK": {"ARABIC"}, "RU": {"CYRILLIC"}, "UA": {"CYRILLIC"}, "GR": {"GREEK"},
    "IN": {"DEVANAGARI"}, "TH": {"THAI"}, "ET": {"ETHIOPIC"}, "BD": {"BENGALI"}, "PL": {"LATIN"},
}


def _demo(runner, *args) -> str:
    # The agenda has its own demo tests; leaving it out keeps these fast.
    result = runner.invoke(args=["demo", "--sessions", "0", *args])
    assert result.exit_code == 0 and result.exception is None, result.output
    return result.output


def _event(kind: str) -> Event:
    return db.session.scalars(select(Event).where(Event.kind == kind, Event.status == "published")).one()


def _registrations(event=None) -> list[Registration]:
    query = select(Registration).order_by(Registration.id)
    if event is not None:
        query = query.where(Registration.event_id == event.id)
    return list(db.session.scalars(query))


def _scripts(names) -> set[str]:
    """Unicode scripts the names are written in, by the first word of each letter's name (LATIN, CJK, ...)."""
    return {unicodedata.name(ch).split()[0] for name in names for ch in name if ch.isalpha()}


def _snapshot() -> list[tuple]:
    """Everything the seed decides about registrations, without times and secrets."""
    return [
        (r.event.slug, r.full_name, r.email, r.position, r.organisation_id and r.organisation.name, r.organisation_name,
         r.category, r.status, tuple(sorted(r.answers.items())), r.listed, r.delegation_id is not None)
        for r in _registrations()
    ]


def _empty_database() -> None:
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            if table.name != Region.__tablename__:
                connection.execute(table.delete())


@pytest.fixture(scope="module")
def sixty_members(app):
    """120 people from 60 members, seeded once for the module."""
    return seed_once(app, "--sessions", "0", "--members", "60", "--attendees", "120")


@pytest.fixture
def seeded(sixty_members):
    """The database after seeding 120 people from 60 members; the value is the command's output."""
    output, rows = sixty_members
    restore(rows)
    return output


def test_default_run_registers_people_for_both_events(runner):
    output = _demo(runner)
    registrations = _registrations()
    assert len(registrations) == DEFAULT_ATTENDEES == 200
    assert f"Created {DEFAULT_ATTENDEES} registrations" in output
    congress, meeting = _event("congress"), _event("network_meeting")
    statuses = [r.status for r in registrations]
    assert statuses.count("confirmed") > 120
    assert {"waitlisted", "pending", "cancelled"} <= set(statuses)
    assert congress.capacity == 1500 and congress.non_member_policy == "approve"
    meeting_people = _registrations(meeting)
    assert 20 <= len(meeting_people) < 100
    # Invented people on .example domains get no mail: the outbox stays empty.
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    # The organiser account made them: the audit trail says so.
    actors = set(db.session.scalars(select(AuditEntry.actor).where(AuditEntry.action.like("registration.%"))))
    assert "organiser@eventhub.test" in actors


def test_people_look_real(seeded):
    registrations = _registrations()
    checked = 0
    for r in registrations:
        if r.organisation is not None and r.organisation.country in SCRIPTS:
            # Names in the script of the city's country.
            assert _scripts([r.full_name]) <= SCRIPTS[r.organisation.country], (r.full_name, r.organisation.name)
            checked += 1
    assert checked >= 20
    assert _scripts(r.full_name for r in registrations) >= {"LATIN", "CYRILLIC", "GREEK", "ARABIC", "HANGUL", "CJK"}
    assert any(re.search("[ąćęłńśźżåäöøüßéèñçãõ]", r.full_name, re.IGNORECASE) for r in registrations)
    emails = [r.email for r in registrations]
    assert len(set(emails)) == len(emails) and all(e.isascii() and e.endswith(".example") for e in emails)
    categories = [r.category for r in registrations]
    assert categories.count("delegate") > len(categories) / 2
    assert {"speaker", "partner", "press"} <= set(categories)
    assert {"Mayor", "Deputy Mayor", "Councillor", "City officer", "Climate advisor"} & {r.position for r in registrations}
    mayors = [(r.event_id, r.organisation_id) for r in registrations if r.position == "Mayor"]
    assert len(mayors) == len(set(mayors))  # one mayor per city and event
    assert any(r.organisation_id is None and r.organisation_name for r in registrations)


def test_questions_delegations_approvals_and_the_meeting_waiting_list(seeded):
    congress = _event("congress")
    questions = {q.key: q for q in event_questions(congress)}
    assert [q.kind for q in questions.values()] == ["single_choice", "single_choice", "short_text"]
    people = _registrations(congress)
    for r in people:
        assert r.answers["dietary_needs"] in questions["dietary_needs"].options
        assert r.answers["interpretation_language"] in questions["interpretation_language"].options
    assert len({r.answers["dietary_needs"] for r in people}) >= 3
    delegations = list(db.session.scalars(select(Delegation)))
    assert 2 <= len(delegations) <= 6
    for delegation in delegations:
        assert 3 <= len(delegation.registrations) <= 6
        assert {r.organisation_id for r in delegation.registrations} == {delegation.organisation_id}
        assert delegation.head_email == delegation.registrations[0].email
    # Pending: non-members and unlisted organisations, as the congress asks approval for them.
    meeting = _event("network_meeting")
    pending = [r for r in _registrations(congress) if r.status == "pending"]
    assert pending and all(r.organisation is None or r.organisation.status != "member" for r in pending)
    meeting_people = _registrations(meeting)
    members = {o.id for o in meeting.network.members}
    assert all(r.organisation_id in members for r in meeting_people)
    assert sum(r.status == "confirmed" for r in meeting_people) == meeting.capacity
    positions = rules.waitlist_positions(meeting)
    assert sorted(positions.values()) == list(range(1, len(positions) + 1)) and positions
    assert sum(r.status == "cancelled" for r in meeting_people) == 2


def test_same_seed_same_people_other_seed_other_people(runner):
    _demo(runner, "--members", "30", "--attendees", "50", "--seed", "7")
    first = _snapshot()
    assert len(first) == 50
    _empty_database()
    _demo(runner, "--members", "30", "--attendees", "50", "--seed", "7")
    assert _snapshot() == first
    _empty_database()
    _demo(runner, "--members", "30", "--attendees", "50", "--seed", "8")
    assert _snapshot() != first


def test_zero_attendees_and_tiny_member_lists(runner):
    output = _demo(runner, "--members", "10", "--attendees", "0")
    assert _registrations() == [] and "registrations" not in output
    _empty_database()
    _demo(runner, "--members", "0", "--attendees", "12")
    registrations = _registrations()
    assert len(registrations) == 12
    # No member records at all: everyone typed their organisation and waits for approval, except
    # the partners the organiser has already approved.
    assert all(r.organisation_id is None and r.organisation_name for r in registrations)
    assert all(r.status == "pending" or (r.status == "confirmed" and r.category == "partner") for r in registrations)
    assert "pending" in {r.status for r in registrations}


def test_seeded_people_pass_the_registration_forms_checks(seeded):
    """The bulk path skips the per-person services: what it wrote must be what they would accept."""
    congress, meeting = _event("congress"), _event("network_meeting")
    for registration in _registrations():
        event = congress if registration.event_id == congress.id else meeting
        data = {"full_name": registration.full_name, "email": registration.email, "position": registration.position,
                "category": registration.category, "listed": registration.listed, "answers": registration.answers,
                "organisation_id": registration.organisation_id, "organisation_name": registration.organisation_name,
                "locale": registration.locale}
        applicants = cleaning.clean_registration(event, data, organiser=True)
        assert applicants.people[0] == {key: data[key] for key in applicants.people[0]}, registration.email
        organisation = registration.organisation
        if registration.status == "pending":
            assert rules.needs_approval(event, organisation)
        if event is meeting:
            rules.check_eligible(event, organisation)


def test_every_registration_has_its_audit_trail(seeded):
    registrations = {r.id: r for r in _registrations()}
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.subject_type == "registration")
                                 .order_by(AuditEntry.at, AuditEntry.id)).all()
    first = {}
    for entry in entries:
        first.setdefault(entry.subject_id, entry)
    assert first.keys() == registrations.keys()
    for registration_id, entry in first.items():
        registration = registrations[registration_id]
        assert entry.action.startswith("registration.") and entry.changes == {"email": registration.email}
        assert entry.actor == "organiser@eventhub.test" and entry.event_id == registration.event_id
    actions = Counter(e.action for e in entries)
    assert actions["registration.cancelled"] == 2 and actions["registration.promoted"] == 2
    delegations = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "delegation.created")).all()
    assert len(delegations) == db.session.scalar(select(func.count()).select_from(Delegation))
    tokens = [r.manage_token for r in registrations.values()] + [r.calendar_token for r in registrations.values()]
    assert len(set(tokens)) == len(tokens) and all(len(token) >= 40 for token in tokens)


def test_thousands_of_attendees_are_exactly_that_many(runner):
    output = _demo(runner, "--members", "60", "--attendees", "2500")
    assert "Created 2500 registrations" in output
    registrations = _registrations()
    assert len(registrations) == 2500
    congress, meeting = _event("congress"), _event("network_meeting")
    people = _registrations(congress)
    # More people than the congress hall holds: the congress moves to a larger venue (see registrations.py).
    assert congress.capacity >= len(people) > 1500
    assert {r.status for r in people} == {"confirmed", "pending"}
    # The meeting keeps its waiting list, in the order people came.
    waiting = sorted((r for r in _registrations(meeting) if r.status == "waitlisted"), key=lambda r: r.id)
    assert waiting and [r.waitlisted_at for r in waiting] == sorted(r.waitlisted_at for r in waiting)
    assert sum(r.status == "confirmed" for r in _registrations(meeting)) == meeting.capacity
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    delegations = db.session.scalars(select(Delegation)).all()
    assert len(delegations) > 5 and all(d.registrations for d in delegations)


def test_more_attendees_than_supported_are_refused_before_anything_is_written(runner):
    result = runner.invoke(args=["demo", "--attendees", str(MAX_ATTENDEES + 1)])
    assert result.exit_code == 2
    assert f"at most {MAX_ATTENDEES:,} registrations" in result.output
    assert existing_data() == ""


def test_every_confirmed_demo_registration_has_one_badge_that_scans(seeded):
    from eventhub.badges.models import Badge
    from eventhub.badges.services import resolve

    confirmed = {r.id: r for r in _registrations() if r.status == "confirmed"}
    badges = db.session.scalars(select(Badge)).all()
    assert sorted(b.registration_id for b in badges) == sorted(confirmed)
    sample = badges[0]
    assert resolve(sample.token, sample.event_id).holder.registration_id == sample.registration_id
