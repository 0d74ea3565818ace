"""Anonymising an ended event: no trace of a person anywhere in the database, the same statistics after."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import JSON, String, Text, func, select

from eventhub.audit.models import AuditEntry
from eventhub.audit.services import SYSTEM
from eventhub.badges.services import resolve, valid_badge
from eventhub.checkin import dashboard
from eventhub.checkin.services import event_day, record_scan
from eventhub.core.signals import answers, event_figures, member_participation
from eventhub.core.transaction import atomic
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage
from eventhub.members.validation import list_regions
from eventhub.registration import queries, services
from eventhub.registration.delegations.services import register_delegation
from eventhub.registration.models import Registration
from tests.factories import (
    make_event,
    make_organisation,
    make_question,
    make_registration,
    make_session,
    make_user,
)

# People in several scripts; every one of these texts must be gone from the database afterwards.
PEOPLE = [
    {"full_name": "Zoë Ångström-Łukasiewicz", "email": "zoe.angstrom@malmo.example", "position": "Deputy Mayor",
     "category": "speaker"},
    {"full_name": "Иван Петров", "email": "ivan.petrov@kazan.example", "position": "Глава департамента"},
    {"full_name": "김민준", "email": "minjun.kim@seoul.example", "position": "기후 담당관"},
    {"full_name": "محمد العلي", "email": "m.alali@amman.example", "position": "مستشار",
     "organisation_name": "Bürgerverein Nordstadt"},
]
FORMER_NAME = "Ivan Petrov-Sidorov"  # Иван's name before he corrected it: the trail held both
ANSWER = "Allergic to peanuts — Зоя"
HEAD = {"head_name": "Nguyễn Thị Hà", "head_email": "ha.nguyen@hanoi.example"}
DELEGATES = [{"full_name": "Trần Văn Minh", "email": "minh.tran@hanoi.example"},
             {"full_name": "Λεωνίδας Παπαδόπουλος", "email": "leonidas@athens.example"}]


def personal_texts() -> list[str]:
    texts = [FORMER_NAME, ANSWER, HEAD["head_name"], HEAD["head_email"]]
    texts += [text for delegate in DELEGATES for text in delegate.values()]
    for person in PEOPLE:
        texts += [person["full_name"], person["email"], person["position"], person.get("organisation_name")]
    return [text for text in texts if text]


def traces(texts) -> list[tuple[str, str, str]]:
    """(table, column, text) for every text or JSON column of every table holding one of the texts."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
        for row in db.session.execute(select(*columns)).all() if columns else []:
            for column, value in zip(columns, row, strict=True):
                value = json.dumps(value, ensure_ascii=False) if isinstance(column.type, JSON) else value or ""
                found += [(table.name, column.name, t) for t in texts if t.casefold() in value.casefold()]
    return found


def statistics(event, organisations) -> dict:
    """Every figure the pages count for the event: participation overview, statuses, arrivals, member pages."""
    day = event_day(event, event.start_at)
    participation = {org.id: len([r for r in answers(member_participation, org)["registrations"]
                                  if r.event_id == event.id]) for org in organisations}
    return {"overview": queries.participation_overview(event), "statuses": queries.status_counts(event),
            "arrivals": dashboard.figures(event, day), "no_shows": dashboard.no_shows(event, 100)[1],
            "figures": answers(event_figures, event), "members": participation}


@pytest.fixture
def ended(app):
    """An event of last week with people in several scripts, a delegation, a speaker, a check-in, a
    cancellation, edits and mail; then its dates in the past."""
    region = list_regions()[0]
    malmo = make_organisation(name="Malmö", country="SE", region=region.name)
    seoul = make_organisation(name="Seoul", country="KR", kind="city")
    event = make_event(days_from_now=10, length_days=2)
    question = make_question(event, {"label": "Dietary needs", "kind": "short_text"})
    organisations = [malmo, seoul, malmo, None]
    people = []
    for person, organisation in zip(PEOPLE, organisations, strict=True):
        values = {**person, "organisation_id": organisation.id if organisation else None}
        if person is PEOPLE[0]:
            values["answers"] = {question.key: ANSWER}
        people.append(make_registration(event, **values))
    zoe, ivan, minjun, _mohammed = people
    with atomic():
        services.update_details(ivan, {"full_name": FORMER_NAME}, SYSTEM, organiser=True)
    with atomic():
        services.update_details(ivan, {"full_name": PEOPLE[1]["full_name"]}, SYSTEM, organiser=True)
    with atomic():
        services.cancel(minjun, SYSTEM)
    with atomic():
        delegation = register_delegation(event, {**HEAD, "organisation_id": seoul.id, "delegates": DELEGATES},
                                         actor=SYSTEM, organiser=True)
    make_session(event, title="Climate-ready cities", people=[{"registration_id": zoe.id, "role": "speaker"}])
    with atomic():
        record_scan(event, valid_badge(zoe).token, "Gate A", SYSTEM, scanned_at=event.start_at + timedelta(hours=1))
    with atomic():
        event.start_at -= timedelta(days=20)
        event.end_at -= timedelta(days=20)
    return event, [malmo, seoul], people, delegation


def anonymise(browser, event, **data):
    return browser.post(f"/manage/events/{event.slug}/anonymise", {"confirm": "y", **data})


def test_the_anonymised_event_holds_no_trace_of_anyone_and_the_same_statistics(organiser_browser, ended):
    event, organisations, people, delegation = ended
    texts = personal_texts()
    assert {table for table, _column, _text in traces(texts)} >= {"registrations", "audit_entries",
                                                                  "outbox_messages", "session_people"}
    before = statistics(event, organisations)
    zoe_code = valid_badge(people[0]).token
    links = [people[0].manage_token, people[0].calendar_token]

    response = anonymise(organiser_browser, event)

    assert response.status_code == 302
    db.session.expire_all()
    assert traces(texts) == []
    assert statistics(event, organisations) == before
    assert db.session.get(Event, event.id).anonymised_at is not None
    assert resolve(zoe_code, event.id).outcome == "revoked"
    for token in links:
        assert organiser_browser.get(f"/registrations/{token}").status_code == 404
        assert organiser_browser.get(f"/calendar/{token}.ics").status_code == 404
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "event.anonymised"))
    assert entry.changes["registrations"] == len(PEOPLE) + 2 and entry.changes["delegations"] == 1
    page = organiser_browser.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    assert "anonymised on" in page


def test_the_confirmation_page_says_what_is_lost_and_kept_and_needs_the_ticked_box(organiser_browser, ended):
    event, *_rest = ended
    page = organiser_browser.get(f"/manage/events/{event.slug}/anonymise").get_data(as_text=True)
    assert "What will be lost" in page and "What is kept" in page and 'name="confirm"' in page

    unticked = organiser_browser.post(f"/manage/events/{event.slug}/anonymise", {})
    assert "tick the box" in unticked.get_data(as_text=True)
    forged = organiser_browser.client.post(f"/manage/events/{event.slug}/anonymise", data={"confirm": "y"})
    assert forged.status_code == 400  # no CSRF token

    db.session.expire_all()
    assert db.session.get(Event, event.id).anonymised_at is None
    assert db.session.scalar(select(func.count()).where(Registration.full_name == PEOPLE[1]["full_name"])) == 1


@pytest.mark.parametrize("roles", [[], ["checkin"]])
def test_only_organisers_anonymise(browser, ended, roles):
    event, *_rest = ended
    browser.login(make_user(roles=roles))
    assert anonymise(browser, event).status_code == 403
    db.session.expire_all()
    assert db.session.get(Event, event.id).anonymised_at is None


def test_an_event_that_has_not_ended_is_refused(organiser_browser):
    event = make_event(days_from_now=-1, length_days=3)  # under way
    person = make_registration(event, full_name="Ana Lima", email="ana.lima@recife.example")

    response = anonymise(organiser_browser, event)

    assert "has not ended yet" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Registration, person.id).full_name == "Ana Lima"
    assert db.session.get(Event, event.id).anonymised_at is None


def test_anonymising_twice_changes_nothing(organiser_browser, ended):
    event, *_rest = ended
    anonymise(organiser_browser, event)
    db.session.expire_all()
    first = db.session.get(Event, event.id).anonymised_at
    rows = [(r.full_name, r.email, r.manage_token_digest) for r in db.session.scalars(select(Registration))]

    response = anonymise(organiser_browser, event)

    assert response.status_code == 302
    assert "anonymised before; nothing was changed" in organiser_browser.get(response.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).anonymised_at == first
    assert [(r.full_name, r.email, r.manage_token_digest) for r in db.session.scalars(select(Registration))] == rows
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "event.anonymised")) == 1


def test_the_same_person_at_another_event_keeps_their_registration_and_mail(organiser_browser, ended):
    event, *_rest = ended
    later = make_event(days_from_now=60)
    again = make_registration(later, full_name=PEOPLE[0]["full_name"], email=PEOPLE[0]["email"])

    anonymise(organiser_browser, event)

    db.session.expire_all()
    assert db.session.get(Registration, again.id).full_name == PEOPLE[0]["full_name"]
    subjects = db.session.scalars(select(OutboxMessage.subject).where(OutboxMessage.recipient == PEOPLE[0]["email"]))
    assert [subject for subject in subjects if later.title in subject]


def test_the_cli_asks_then_anonymises(runner, ended):
    event, *_rest = ended
    declined = runner.invoke(args=["events", "anonymise", event.slug], input="n\n")
    assert declined.exit_code == 1
    db.session.expire_all()
    assert db.session.get(Event, event.id).anonymised_at is None

    result = runner.invoke(args=["events", "anonymise", event.slug, "--yes"])

    assert result.exit_code == 0, result.output
    assert "Anonymised 6 registration(s) and 1 delegation(s)" in result.output
    db.session.expire_all()
    assert traces(personal_texts()) == []
    again = runner.invoke(args=["events", "anonymise", event.slug, "--yes"])
    assert again.exit_code == 0 and "nothing to do" in again.output


def test_the_cli_refuses_an_event_that_has_not_ended_and_an_unknown_one(runner):
    event = make_event(days_from_now=30)
    result = runner.invoke(args=["events", "anonymise", event.slug, "--yes"])
    assert result.exit_code == 1 and "has not ended yet" in result.output
    assert runner.invoke(args=["events", "anonymise", "no-such-event", "--yes"]).exit_code == 1


def test_an_anonymised_event_takes_no_new_registration_nor_edit_even_from_organisers():
    from eventhub.core.errors import Refused
    from eventhub.registration import retention

    event = make_event(days_from_now=-10, length_days=2)
    person = make_registration(event)
    with atomic():
        retention.anonymise(event, SYSTEM)
    for attempt in (lambda: services.register(event, {"full_name": "Nova Pessoa", "email": "nova@example.org",
                                                        "organisation_name": "Villa"}, SYSTEM, organiser=True),
                    lambda: services.update_details(person, {"full_name": "Back Again"}, SYSTEM, organiser=True)):
        with pytest.raises(Refused) as refused, atomic():
            attempt()
        assert refused.value.reason == "anonymised"
