"""One unit of work per request: all of a change or none of it, and a GET never writes."""
import re

import pytest
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import func, select

from eventhub.agenda.models import AgendaSession, Room
from eventhub.audit.models import AuditEntry
from eventhub.core import signals
from eventhub.core.transaction import atomic
from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage
from eventhub.registration import services
from tests.factories import (
    at,
    make_delegation,
    make_network,
    make_organisation,
    make_question,
    make_registration,
    make_session,
    make_token,
    make_user,
    make_workshop,
    open_event,
    publish_agenda,
)
from tests.test_access import _letter_values

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def count(model) -> int:
    """Rows of a table as the database has them."""
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def commits(app):
    """Count the transactions committed inside `with commits() as done:`."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        done = []
        listener = lambda connection: done.append(1)  # noqa: E731
        sqlalchemy_event.listen(db.engine, "commit", listener)
        try:
            yield done
        finally:
            sqlalchemy_event.remove(db.engine, "commit", listener)

    return counting


# --- The ghost session (reproduced: the session was saved while the form showed an error) ------


def _session_form(event, room, **people) -> dict:
    return {"title": "Nature-based solutions", "start": at(event, 10)[:16], "end": at(event, 11)[:16],
            "room_id": room.id, "status": "scheduled", "language": "en", "kind_id": "", "track_id": "", **people}


def test_a_session_with_a_bad_person_is_not_half_saved_from_the_form(organiser_browser):
    event = open_event(title="Congresso")
    room = Room(event_id=event.id, name="Sala Ipê")
    db.session.add(room)
    db.session.commit()
    url = f"/manage/events/{event.slug}/agenda/sessions/new"
    page = organiser_browser.post(url, _session_form(event, room, **{"people-0-registration_id": "abc"}))
    assert page.status_code == 200 and "No such registration for this event." in page.get_data(as_text=True)
    assert 'value="Nature-based solutions"' in page.get_data(as_text=True)  # nothing typed is lost
    assert count(AgendaSession) == 0
    assert not db.session.scalars(select(AuditEntry).where(AuditEntry.subject_type == "session")).all()
    # The corrected form saves: no half-saved session holds the room.
    again = organiser_browser.post(url, _session_form(event, room, **{"people-0-name": "Ana Souza"}))
    assert again.status_code == 302, again.get_data(as_text=True)
    assert [s.people[0].name for s in db.session.scalars(select(AgendaSession))] == ["Ana Souza"]


def test_a_session_with_a_bad_person_is_not_half_saved_through_the_api(client, organiser):
    event = open_event()
    room = Room(event_id=event.id, name="Sala Ipê")
    db.session.add(room)
    db.session.commit()
    headers = {"Authorization": f"Bearer {make_token(organiser)[1]}"}
    body = {"title": "Plenary", "start": at(event, 10), "end": at(event, 11), "room_id": room.id,
            "people": [{"registration_id": 2_000_000}]}
    refused = client.post(f"/api/v1/events/{event.slug}/sessions", json=body, headers=headers)
    assert refused.status_code == 422 and "people-0-registration_id" in refused.json["errors"]["json"]
    assert count(AgendaSession) == 0
    body["people"] = [{"name": "Ana Souza"}]
    assert client.post(f"/api/v1/events/{event.slug}/sessions", json=body, headers=headers).status_code == 201


# --- All or nothing -------------------------------------------------------------------------------


def test_a_reaction_that_fails_undoes_the_change_its_audit_entry_and_its_mail():
    event = open_event(capacity=10)
    registration = make_registration(event)
    entries, messages = count(AuditEntry.__table__), count(OutboxMessage)

    def broken(sender, **kwargs):
        raise RuntimeError("the badge printer caught fire")

    signals.registration_left.connect(broken)
    try:
        with pytest.raises(RuntimeError), atomic():
            services.cancel(registration)
    finally:
        signals.registration_left.disconnect(broken)
    db.session.expire_all()
    assert registration.status == "confirmed"
    assert (count(AuditEntry.__table__), count(OutboxMessage)) == (entries, messages)


def test_saving_an_event_is_one_commit_even_when_the_waiting_list_moves_up(organiser_browser, commits):
    event = open_event(capacity=1, title="Forum")
    make_registration(event)
    waiting = make_registration(event)
    assert waiting.status == "waitlisted"
    form = organiser_browser.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    data = {name: value for name, value in re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', form)}
    data.update(title="Forum", kind="congress", timezone=event.timezone, capacity="2", non_member_policy="confirm",
                public_categories="delegate")
    with commits() as done:
        response = organiser_browser.post(f"/manage/events/{event.slug}/edit", data)
    assert response.status_code == 302
    assert len(done) == 1
    db.session.expire_all()
    assert waiting.status == "confirmed"


# --- A GET never writes ---------------------------------------------------------------------------


@pytest.fixture
def everything(organiser):
    """One of every object a page can show: an event with registrations, a delegation, questions, an agenda."""
    city = make_organisation(name="Malmö", country="SE")
    make_network("Circular Cities", members=[city])
    event = open_event(title="World Congress", host_organisation_id=city.id, capacity=2)
    question = make_question(event, {"label": "Dietary needs", "kind": "short_text"})
    person = make_registration(event, organisation_id=city.id)
    make_registration(event), make_registration(event)  # the last one waits
    delegation = make_delegation(event, city)
    workshop = make_workshop(event)
    session = make_session(event, title="Opening plenary")
    publish_agenda(event)
    room = db.session.get(Room, workshop.room_id)
    return {
        "slug": event.slug, "token": person.manage_token, "registration_id": person.id, "session_id": session.id,
        "room_id": room.id, "track_id": None, "kind_id": 1, "question_id": question.id, "id": city.id,
        "member_id": city.id, "delegation": delegation.manage_token, "calendar": person.calendar_token,
        "version": "0" * 16, "ext": "png",  # the event's image: none uploaded, still only looked at
        "code": "fr",  # the language switcher's link sets a cookie; a letter's public check is a 404 for it
        **_meeting_values(event, person, delegation),
        "letter_id": _letter_values(event, person)["letter_id"],  # an approved visa letter of the person
    }


def _meeting_values(event, person, delegation) -> dict:
    """A table and window, and a meeting booked for the person, for the meetings pages (a head's: a delegate's)."""
    from eventhub.audit.services import REGISTRANT
    from eventhub.meetings.services import accept
    from eventhub.registration.models import Registration
    from tests.factories import make_meeting_request, make_meeting_setup

    _tables, slots = make_meeting_setup(event)
    other = db.session.scalars(select(Registration).where(  # the event is full: the other one with a place
        Registration.event_id == event.id, Registration.status == "confirmed", Registration.id != person.id)).first()
    with atomic():
        other.listed = True
    with atomic():
        accept(make_meeting_request(person, other, slots[:1]), slots[0].id, other, REGISTRANT)
    return {"delegate_id": delegation.registrations[0].id}


def _urls(app, values):
    """Every GET page and resource of the app with real values in its URL (tracks: none made, skipped)."""
    tokens = {"delegations.delegation": "delegation", "delegations.withdraw": "delegation",
              "calendars.personal_feed": "calendar"}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        # A head of delegation's page for a delegate (meetings) opens with the delegation's token.
        token = "delegation" if "delegate_id" in rule.arguments else tokens.get(rule.endpoint, "token")
        arguments = {name: values[token if name == "token" else name] for name in rule.arguments}
        if None in arguments.values():
            continue
        yield rule.endpoint, rule.build(arguments, append_unknown=False)[1]


def test_no_page_or_resource_writes_when_it_is_only_looked_at(app, organiser_browser, everything, count_queries):
    headers = {"Authorization": f"Bearer {make_token(make_user(roles=['organiser']))[1]}"}
    organiser_browser.get("/api/v1/events", headers=headers)  # the token's use is noted once an hour, beforehand
    organiser_browser.get(f"/registrations/{everything['token']}")
    looked_at = 0
    for endpoint, url in _urls(app, everything):
        with count_queries() as statements:
            response = organiser_browser.get(url, headers=headers if url.startswith("/api/") else {})
        assert response.status_code < 500, (url, response.status_code)
        assert not [s for s in statements if WRITES.match(s)], (url, [s for s in statements if WRITES.match(s)])
        looked_at += 1
    assert looked_at >= 60


def test_a_manage_page_shows_the_calendar_feed_without_writing(client, count_queries):
    person = make_registration(publish_agenda(open_event()))
    assert person.calendar_token  # made with the registration, not on the first look
    with count_queries() as statements:
        page = client.get(f"/registrations/{person.manage_token}").get_data(as_text=True)
    assert f"/calendar/{person.calendar_token}.ics" in page
    assert not [s for s in statements if WRITES.match(s)]


def test_writing_inside_a_get_fails_loudly(app):
    with app.test_request_context("/", method="GET"):
        with pytest.raises(RuntimeError, match="must not write"), atomic():
            pass
