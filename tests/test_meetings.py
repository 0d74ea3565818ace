"""Bilateral meetings: two participants agree a time, a table is booked, both see it in their agenda and
calendar feed; the rules (free times, one meeting per table and per person at once, anti-spam, delegations)."""
from zoneinfo import ZoneInfo

import pytest
from flask import g
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from eventhub.agenda.signups import star
from eventhub.audit.models import AuditEntry
from eventhub.audit.services import REGISTRANT, SYSTEM
from eventhub.core.errors import Refused, ValidationError
from eventhub.core.transaction import atomic
from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage
from eventhub.meetings import services, setup
from eventhub.meetings.models import Meeting, MeetingParticipant, MeetingRequest
from tests.conftest import Browser
from tests.factories import (
    at,
    last_message,
    make_delegation,
    make_meeting_request,
    make_meeting_setup,
    make_organisation,
    make_registration,
    make_session,
    open_event,
)


class PersonBrowser(Browser):
    """One of several people's browsers in a test: each gets the CSRF token of its own session."""

    def token(self) -> str:
        g.pop("csrf_token", None)
        return super().token()


@pytest.fixture
def event():
    return open_event(title="Congresso das Cidades", capacity=100, timezone="America/Sao_Paulo")


@pytest.fixture
def ana(event):
    return make_registration(event, full_name="Ana Lima", email="ana@example.org", listed=True,
                             organisation_name="Prefeitura de Curitiba")


@pytest.fixture
def sato(event):
    return make_registration(event, full_name="佐藤 花子", email="sato@example.org", listed=True, locale="fr",
                             organisation_name="横浜市")


@pytest.fixture
def tables_and_slots(event):
    return make_meeting_setup(event, tables=("Table 7",))


def slot_at(slots, event, hour, minute):
    """The slot that starts at this local time."""
    zone = ZoneInfo(event.timezone)
    return next(s for s in slots if (s.start_at.astimezone(zone).hour, s.start_at.astimezone(zone).minute) == (hour, minute))


def meetings_url(registration, *rest) -> str:
    return "/".join([f"/registrations/{registration.manage_token}/meetings", *map(str, rest)])


def said(registration, message: str, **values) -> str:
    """A message in the person's language, as their e-mails, feed and agenda say it."""
    from flask_babel import gettext

    from eventhub.mail.services import written_in

    with written_in(registration.locale):
        return gettext(message, **values)


def feed_entries(client, registration) -> list:
    """The VEVENTs of the person's calendar feed, parsed as a calendar app would."""
    from icalendar import Calendar

    response = client.get(f"/calendar/{registration.calendar_token}.ics")
    assert response.status_code == 200
    return [c for c in Calendar.from_ical(response.data).walk("VEVENT")]


def test_two_delegates_agree_a_meeting_at_table_7_at_10_20_and_both_see_it_in_their_calendars(
        app, client, event, ana, sato, tables_and_slots):
    _tables, slots = tables_and_slots
    ten_twenty, eleven = slot_at(slots, event, 10, 20), slot_at(slots, event, 11, 0)
    ana_browser, sato_browser = PersonBrowser(app.test_client()), PersonBrowser(app.test_client())

    form = ana_browser.get(meetings_url(ana, "request") + f"?to={sato.id}")
    assert form.status_code == 200 and "佐藤 花子" in form.get_data(as_text=True)
    response = ana_browser.post(meetings_url(ana, "request"), {
        "recipient_id": sato.id, "slot_ids": [ten_twenty.id, eleven.id], "message": "Bondes e ônibus elétricos?"})
    assert response.status_code == 302
    request_row = db.session.scalar(select(MeetingRequest))
    assert (request_row.requester_id, request_row.recipient_id, request_row.status) == (ana.id, sato.id, "requested")
    invitation = last_message(sato)
    assert "Ana Lima" in invitation.subject and "Bondes e ônibus elétricos?" in invitation.text_body
    assert "10:20" in invitation.text_body  # the venue's time, not UTC

    page = sato_browser.get(meetings_url(sato)).get_data(as_text=True)
    assert "Ana Lima" in page and "Accept this time" in page
    response = sato_browser.post(meetings_url(sato, "requests", request_row.id, "accept"), {"slot_id": ten_twenty.id})
    assert response.status_code == 302

    meeting = db.session.scalar(select(Meeting))
    assert (meeting.area.name, meeting.slot_id, meeting.status) == ("Table 7", ten_twenty.id, "confirmed")
    for person, other in ((ana, "佐藤 花子"), (sato, "Ana Lima")):
        assert "Table 7" in last_message(person).text_body and other in last_message(person).subject
        (entry,) = feed_entries(client, person)
        assert str(entry["summary"]) == said(person, "Meeting with %(name)s", name=other)  # Sato's in French
        assert "Table 7" in str(entry["location"])
        start = entry.decoded("dtstart")
        assert (start.hour, start.minute, str(start.tzinfo)) == (10, 20, "America/Sao_Paulo")
        assert str(entry["status"]) == "CONFIRMED"
        agenda = client.get(f"/registrations/{person.manage_token}/agenda").get_data(as_text=True)
        assert f"Meeting with {other}" in agenda and "Table 7" in agenda  # the page in the browser's language

    # Either side cancels: the entry stays in both feeds, cancelled, so calendar apps drop it.
    response = ana_browser.post(meetings_url(ana, meeting.id, "cancel"))
    assert response.status_code == 302
    db.session.expire_all()
    assert meeting.status == "cancelled"
    for person in (ana, sato):
        (entry,) = feed_entries(client, person)
        assert str(entry["status"]) == "CANCELLED" and entry["sequence"] == 1
    assert last_message(sato).subject == said(sato, "Your meeting with %(name)s is cancelled", name="Ana Lima")
    assert "Table 7" not in client.get(f"/registrations/{sato.manage_token}/agenda").get_data(as_text=True)


def test_each_side_is_written_to_in_their_own_language(app, event, ana, sato, tables_and_slots):
    _tables, slots = tables_and_slots
    request_row = make_meeting_request(ana, sato, slots[:1])
    assert last_message(sato).subject == said(sato, "%(name)s would like to meet you", name="Ana Lima")
    assert last_message(sato).subject != "Ana Lima would like to meet you"  # French, once translated
    with atomic():
        services.accept(request_row, slots[0].id, sato, REGISTRANT)
    assert last_message(ana).subject == "Your meeting with 佐藤 花子 is confirmed"


def test_two_simultaneous_acceptances_of_one_table_give_one_meeting_in_order(event, tables_and_slots):
    """The second acceptance of the only table in a slot is refused with a clear reason (the threaded race is in
    test_meetings_concurrency.py)."""
    _tables, slots = tables_and_slots
    people = [make_registration(event, listed=True) for _ in range(4)]
    first = make_meeting_request(people[0], people[1], slots[:1])
    second = make_meeting_request(people[2], people[3], slots[:1])
    with atomic():
        services.accept(first, slots[0].id, people[1], REGISTRANT)
    with pytest.raises(Refused) as refused, atomic():
        services.accept(second, slots[0].id, people[3], REGISTRANT)
    assert refused.value.reason == "no_table"
    assert db.session.scalar(select(func.count(Meeting.id))) == 1
    db.session.expire_all()
    assert second.status == "requested"  # still open: another time can be proposed


def test_no_two_meetings_for_one_person_at_once(event, ana, sato):
    _tables, slots = make_meeting_setup(event, tables=("Table 1", "Table 2"))
    third = make_registration(event, full_name="Maria Kowalska", listed=True)
    from_sato = make_meeting_request(sato, ana, slots[:1])
    from_third = make_meeting_request(third, ana, slots[:2])
    with atomic():
        services.accept(from_sato, slots[0].id, ana, REGISTRANT)
    with pytest.raises(ValidationError) as refused, atomic():
        services.accept(from_third, slots[0].id, ana, REGISTRANT)
    assert "not free" in " ".join(refused.value.messages)
    with atomic():  # another time of the same request is fine
        services.accept(from_third, slots[1].id, ana, REGISTRANT)
    assert db.session.scalar(select(func.count(Meeting.id))) == 2
    # And the database itself refuses a person twice in one slot.
    meeting = db.session.scalar(select(Meeting).where(Meeting.slot_id == slots[0].id))
    with pytest.raises(IntegrityError):
        db.session.add(MeetingParticipant(meeting_id=meeting.id, registration_id=ana.id, active_slot_id=slots[0].id))
        db.session.flush()
    db.session.rollback()


def test_a_new_request_cannot_propose_a_time_when_either_person_is_busy(event, ana, sato, tables_and_slots):
    _tables, slots = tables_and_slots
    session = make_session(event, title="Mobilidade urbana", start=at(event, 10, day=1), end=at(event, 10, 30, day=1))
    with atomic():
        star(sato, session)
    with pytest.raises(ValidationError) as refused, atomic():
        services.request_meeting(ana, sato, {"slot_ids": [slot_at(slots, event, 10, 20).id]}, REGISTRANT)
    assert refused.value.errors["slot_ids"] == ["佐藤 花子 is not free at one of these times: choose others."]
    # The page offers only the times when both are free.
    assert setup.slots(event)[0].id not in {s.id for s in services_free(ana, sato, slots)}
    made = make_meeting_request(ana, sato, [slot_at(slots, event, 11, 0)])
    assert made.status == "requested"


def services_free(one, other, slots):
    from eventhub.meetings.availability import free_slots

    return free_slots([one.id, other.id], slots)


def test_the_other_side_proposes_another_time_and_the_requester_accepts_it(event, ana, sato, tables_and_slots):
    _tables, slots = tables_and_slots
    request_row = make_meeting_request(ana, sato, slots[:1])
    with atomic():
        services.propose(request_row, {"slot_ids": [slots[3].id]}, sato, REGISTRANT)
    assert (request_row.status, request_row.awaiting_id) == ("counter_proposed", ana.id)
    assert "proposes another time" in last_message(ana).subject
    with pytest.raises(Refused), atomic():  # the proposer cannot accept their own proposal
        services.accept(request_row, slots[3].id, sato, REGISTRANT)
    with pytest.raises(ValidationError), atomic():  # nor can the requester pick a time no longer proposed
        services.accept(request_row, slots[0].id, ana, REGISTRANT)
    with atomic():
        meeting = services.accept(request_row, slots[3].id, ana, REGISTRANT)
    assert meeting.slot_id == slots[3].id and request_row.status == "accepted"


def test_declining_says_nothing_hurtful_and_stops_further_requests_to_that_person(event, ana, sato, tables_and_slots):
    _tables, slots = tables_and_slots
    request_row = make_meeting_request(ana, sato, slots[:1])
    with atomic():
        services.decline(request_row, sato, REGISTRANT)
    message = last_message(ana)
    assert message.subject == "About your meeting request to 佐藤 花子"
    assert not any(word in message.text_body.lower() for word in ("declin", "reject", "refus"))
    with pytest.raises(Refused) as refused, atomic():
        services.request_meeting(ana, sato, {"slot_ids": [slots[1].id]}, REGISTRANT)
    assert refused.value.reason == "declined_before"
    # The person who declined may still ask later.
    assert make_meeting_request(sato, ana, slots[1:2]).status == "requested"


def test_at_most_the_organisers_number_of_open_requests(organiser_browser, event, ana, tables_and_slots):
    _tables, slots = tables_and_slots
    response = organiser_browser.post(f"/manage/events/{event.slug}/meetings/settings",
                                      {"settings-max_open_requests": "2"})
    assert response.status_code == 302 and setup.max_open_requests(event) == 2
    others = [make_registration(event, listed=True) for _ in range(3)]
    first = make_meeting_request(ana, others[0], slots[:1])
    make_meeting_request(ana, others[1], slots[:1])
    with pytest.raises(Refused) as refused, atomic():
        services.request_meeting(ana, others[2], {"slot_ids": [slots[0].id]}, REGISTRANT)
    assert refused.value.reason == "too_many"
    with atomic():
        services.withdraw(first, ana, REGISTRANT)
    assert make_meeting_request(ana, others[2], slots[:1]).status == "requested"
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "meeting_settings.updated")) == 1


def test_one_open_request_between_two_people(event, ana, sato, tables_and_slots):
    _tables, slots = tables_and_slots
    make_meeting_request(ana, sato, slots[:1])
    for one, other in ((ana, sato), (sato, ana)):
        with pytest.raises(Refused) as refused, atomic():
            services.request_meeting(one, other, {"slot_ids": [slots[1].id]}, REGISTRANT)
        assert refused.value.reason == "duplicate"


def test_a_head_of_delegation_books_and_answers_for_their_delegates(app, event, ana, tables_and_slots):
    _tables, slots = tables_and_slots
    delegation = make_delegation(event, make_organisation(name="Ville de Dakar", country="SN"), delegates=2)
    mayor, other_delegation = delegation.registrations[0], make_delegation(event, make_organisation(), delegates=1)
    head = PersonBrowser(app.test_client())
    base = f"/delegations/{delegation.manage_token}/delegates/{mayor.id}/meetings"
    assert base in head.get(f"/delegations/{delegation.manage_token}").get_data(as_text=True)
    assert head.get(base).status_code == 200
    response = head.post(base + "/request", {"recipient_id": ana.id, "slot_ids": [slots[2].id], "message": "Bonjour"})
    assert response.status_code == 302
    request_row = db.session.scalar(select(MeetingRequest))
    assert request_row.requester_id == mayor.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "meeting_request.created"))
    assert entry.actor == "head of delegation"
    # Ana proposes another time; the head accepts it for the mayor, who gets the e-mail.
    with atomic():
        services.propose(request_row, {"slot_ids": [slots[4].id]}, ana, REGISTRANT)
    response = head.post(base + f"/requests/{request_row.id}/accept", {"slot_id": slots[4].id})
    assert response.status_code == 302
    assert db.session.scalar(select(Meeting)).slot_id == slots[4].id
    assert "confirmed" in last_message(mayor).subject
    # Not through another delegation's link, nor for someone outside the delegation.
    assert head.get(f"/delegations/{other_delegation.manage_token}/delegates/{mayor.id}/meetings").status_code == 404
    assert head.get(f"/delegations/{delegation.manage_token}/delegates/{ana.id}/meetings").status_code == 404


def test_another_persons_token_is_refused(app, event, ana, sato, tables_and_slots):
    _tables, slots = tables_and_slots
    stranger = make_registration(event, full_name="Kwame Mensah", listed=True)
    request_row = make_meeting_request(ana, sato, slots[:1])
    browser = PersonBrowser(app.test_client())
    # The stranger's link cannot see, answer or cancel the request of others: 404, nothing changes.
    assert "佐藤" not in browser.get(meetings_url(stranger)).get_data(as_text=True)
    for action in ("accept", "propose", "decline", "withdraw"):
        response = browser.post(meetings_url(stranger, "requests", request_row.id, action), {"slot_id": slots[0].id})
        assert response.status_code == 404, action
    # The requester cannot accept on the other's behalf.
    browser.post(meetings_url(ana, "requests", request_row.id, "accept"), {"slot_id": slots[0].id})
    assert db.session.scalar(select(func.count(Meeting.id))) == 0
    with atomic():
        meeting = services.accept(request_row, slots[0].id, sato, REGISTRANT)
    assert browser.post(meetings_url(stranger, meeting.id, "cancel")).status_code == 404
    assert browser.get("/registrations/not-a-real-token/meetings").status_code == 404
    db.session.expire_all()
    assert meeting.status == "confirmed" and request_row.status == "accepted"


@pytest.mark.parametrize("data, field", [
    ({"slot_ids": ["abc"]}, "slot_ids"),
    ({"slot_ids": []}, "slot_ids"),
    ({"slot_ids": "many"}, "slot_ids"),
    ({"slot_ids": ["99999999999999"]}, "slot_ids"),
    ({"slot_ids": "first four", "message": "x"}, "slot_ids"),
    ({"slot_ids": "first", "message": "x" * 1001}, "message"),
    ({"slot_ids": "first", "recipient_id": "self"}, "recipient_id"),
    ({"slot_ids": "first", "recipient_id": "unlisted"}, "recipient_id"),
    ({"slot_ids": "first", "recipient_id": "other event"}, "recipient_id"),
])
def test_bad_input_is_refused_with_a_message_and_changes_nothing(app, event, ana, sato, tables_and_slots, data, field):
    _tables, slots = tables_and_slots
    other_event = open_event()
    _other_tables, other_slots = make_meeting_setup(other_event, tables=("Mesa 1",))
    recipients = {"self": ana.id, "unlisted": make_registration(event, listed=False).id,
                  "other event": make_registration(other_event, listed=True).id}
    chosen = {"first": [slots[0].id], "first four": [s.id for s in slots[:4]], "many": ["1", "x", ""]}
    form = {"recipient_id": recipients.get(data.get("recipient_id"), sato.id), "message": data.get("message", "")}
    raw = data["slot_ids"]
    form["slot_ids"] = chosen.get(raw, raw) if isinstance(raw, str) else raw
    if raw == ["99999999999999"]:
        form["slot_ids"] = [other_slots[0].id]
    mail_before = db.session.scalar(select(func.count(OutboxMessage.id)))
    browser = PersonBrowser(app.test_client())
    response = browser.post(meetings_url(ana, "request"), form)
    assert response.status_code == 200
    assert 'class="field-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(MeetingRequest.id))) == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == mail_before


def test_organisers_set_up_tables_and_windows_and_bad_windows_are_refused(organiser_browser, event):
    base = f"/manage/events/{event.slug}/meetings"
    assert organiser_browser.get(base).status_code == 200
    assert organiser_browser.post(base + "/areas", {"area-name": "Table 7", "area-location": "Foyer"}).status_code == 302
    response = organiser_browser.post(base + "/areas", {"area-name": "Table 7"})
    assert "already a table" in response.get_data(as_text=True)
    window = {"window-start": at(event, 10, day=1)[:16], "window-end": at(event, 12, day=1)[:16],
              "window-slot_minutes": "20"}
    assert organiser_browser.post(base + "/windows", window).status_code == 302
    assert [s.start_at.astimezone(ZoneInfo(event.timezone)).strftime("%H:%M") for s in setup.slots(event)] == [
        "10:00", "10:20", "10:40", "11:00", "11:20", "11:40"]
    for bad, message in (
            ({**window, "window-start": at(event, 11, day=1)[:16]}, "overlaps another"),
            ({**window, "window-end": at(event, 9, day=1)[:16]}, "must end after"),
            ({**window, "window-slot_minutes": "25"}, "Not a valid choice"),
            ({**window, "window-start": "next tuesday"}, "Not a valid datetime"),
            ({"window-start": at(event, 10, day=30)[:16], "window-end": at(event, 11, day=30)[:16],
              "window-slot_minutes": "30"}, "within the event"),
    ):
        response = organiser_browser.post(base + "/windows", bad)
        assert response.status_code == 200 and message in response.get_data(as_text=True), message
    assert len(setup.slots(event)) == 6 and len(setup.windows(event)) == 1


def test_a_table_with_a_booked_meeting_is_not_deleted(organiser_browser, event, ana, sato, tables_and_slots):
    (table,), slots = tables_and_slots
    with atomic():
        services.accept(make_meeting_request(ana, sato, slots[:1]), slots[0].id, sato, REGISTRANT)
    base = f"/manage/events/{event.slug}/meetings"
    organiser_browser.post(f"{base}/areas/{table.id}/delete", {"confirm": "y"})
    organiser_browser.post(f"{base}/windows/{slots[0].window_id}/delete", {"confirm": "y"})
    assert len(setup.areas(event)) == 1 and len(setup.slots(event)) == 6
    page = organiser_browser.get(base).get_data(as_text=True)
    assert "1 meeting booked" in page


def test_someone_who_leaves_the_event_frees_their_table_and_the_other_person_is_told(event, ana, sato, tables_and_slots):
    from eventhub.registration.services import cancel

    _tables, slots = tables_and_slots
    with atomic():
        meeting = services.accept(make_meeting_request(ana, sato, slots[:1]), slots[0].id, sato, REGISTRANT)
    third = make_registration(event, listed=True)
    pending = make_meeting_request(third, ana, slots[1:2])
    with atomic():
        cancel(ana)
    db.session.expire_all()
    assert meeting.status == "cancelled" and pending.status == "cancelled"
    assert last_message(sato).subject == said(sato, "Your meeting with %(name)s is cancelled", name="Ana Lima")
    with atomic():  # the table is free again in that slot
        other = make_registration(event, listed=True)
        services.accept(make_meeting_request(other, sato, slots[:1]), slots[0].id, sato, SYSTEM)


def test_the_organisers_overview_counts_requests_slots_tables_and_regions(organiser_browser, event, ana, sato):
    from eventhub.members.models import Region

    tables, slots = make_meeting_setup(event, tables=("Table 6", "Table 7"))
    assert {"Europe", "East Asia"} <= set(db.session.scalars(select(Region.name)))
    lyon = make_registration(event, full_name="Élodie Durand", listed=True,
                             organisation_id=make_organisation(name="Lyon", country="FR", region="Europe").id)
    busan = make_registration(event, full_name="김민준", listed=True,
                              organisation_id=make_organisation(name="Busan", country="KR", region="East Asia").id)
    with atomic():
        services.accept(make_meeting_request(lyon, busan, slots[:1]), slots[0].id, busan, REGISTRANT)
        services.accept(make_meeting_request(ana, lyon, slots[1:2]), slots[1].id, lyon, REGISTRANT)
        services.decline(make_meeting_request(ana, sato, slots[2:3]), sato, REGISTRANT)
    make_meeting_request(sato, busan, slots[3:4])
    page = organiser_browser.get(f"/manage/events/{event.slug}/meetings/overview").get_data(as_text=True)
    assert "4 requests" in page and "67% of the answered requests accepted" in page
    figures = __import__("eventhub.meetings.overview", fromlist=["overview"]).overview(event)
    assert figures.matrix[("East Asia", "Europe")] == figures.matrix[("Europe", "East Asia")] == 1
    assert figures.matrix[("", "Europe")] == 1 and figures.per_area == {tables[0].id: 2}
    assert figures.per_slot == {slots[0].id: 1, slots[1].id: 1}
    csv = organiser_browser.get(f"/manage/events/{event.slug}/meetings/meetings.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.data.decode("utf-8-sig").splitlines()
    assert len(lines) == 3 and "Table 6" in lines[1] and "김민준" in lines[1] and "East Asia" in lines[1]
    assert lines[1].split(",")[1] == "10:00"  # the venue's time


def test_the_request_page_offers_listed_participants_only(app, event, ana, sato, tables_and_slots):
    hidden = make_registration(event, full_name="Not Listed", listed=False)
    page = PersonBrowser(app.test_client()).get(meetings_url(ana, "request")).get_data(as_text=True)
    assert "佐藤 花子" in page and "Not Listed" not in page and "Ana Lima" not in page.split("<select")[1]
    assert hidden.id


def test_anonymising_an_ended_event_forgets_what_people_wrote_in_their_requests():
    from eventhub.meetings.models import ProposedSlot
    from eventhub.registration.retention import anonymise
    from tests.factories import make_event

    past = make_event(title="Past Summit", days_from_now=-10, length_days=2)
    one, other = (make_registration(past, full_name=name, listed=True) for name in ("Ana Lima", "Kwame Mensah"))
    with atomic():  # written when the event was ahead: today the service would refuse the past slot
        _tables, slots = make_meeting_setup(past, day=0)
        db.session.add(MeetingRequest(event_id=past.id, requester_id=one.id, recipient_id=other.id, awaiting_id=other.id,
                                      message="Call me on +55 41 99999-0000",
                                      proposals=[ProposedSlot(slot_id=slots[0].id)]))
    with atomic():
        anonymise(past, SYSTEM)
    assert db.session.scalar(select(MeetingRequest.message)) is None


def test_an_organiser_cancels_a_booked_meeting_and_both_people_are_told(organiser_browser, event, ana, sato,
                                                                        tables_and_slots):
    _tables, slots = tables_and_slots
    with atomic():
        meeting = services.accept(make_meeting_request(ana, sato, slots[:1]), slots[0].id, sato, REGISTRANT)
    base = f"/manage/events/{event.slug}/meetings"
    assert "佐藤 花子" in organiser_browser.get(base + "/overview").get_data(as_text=True)
    other_event = open_event()
    assert organiser_browser.post(f"/manage/events/{other_event.slug}/meetings/{meeting.id}/cancel").status_code == 404
    assert organiser_browser.post(f"{base}/{meeting.id}/cancel").status_code == 302
    db.session.expire_all()
    assert meeting.status == "cancelled"
    for person, other in ((ana, "佐藤 花子"), (sato, "Ana Lima")):
        assert last_message(person).subject == said(person, "Your meeting with %(name)s is cancelled", name=other)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "meeting.cancelled"))
    assert entry.actor == "organiser@example.org"


def test_a_cancelled_event_takes_its_meetings_out_of_the_calendars_and_closes_its_requests(
        client, event, ana, sato, tables_and_slots):
    from eventhub.events.services import cancel_event

    _tables, slots = tables_and_slots
    asked = make_meeting_request(ana, sato, slots[:1])
    with atomic():
        services.accept(asked, slots[0].id, sato, REGISTRANT)
    third = make_registration(event, full_name="Li Wei", listed=True)
    waiting = make_meeting_request(third, ana, slots[1:2])
    with atomic():
        cancel_event(event, SYSTEM)
    db.session.expire_all()
    meeting = db.session.scalar(select(Meeting))
    assert meeting.status == "cancelled"
    assert db.session.get(MeetingRequest, waiting.id).status == "cancelled"
    (entry,) = feed_entries(client, sato)  # kept, marked cancelled, so calendar apps drop it
    assert str(entry["status"]) == "CANCELLED"
    # The event's own notice tells people; no second mail per meeting.
    assert last_message(ana).subject == "Congresso das Cidades is cancelled"


def test_deleting_a_window_closes_the_requests_left_with_no_time_to_accept(event, ana, sato, tables_and_slots):
    _tables, slots = tables_and_slots
    _areas, later = make_meeting_setup(event, tables=(), day=1, start=(14, 0), end=(15, 0))
    stranded = make_meeting_request(ana, sato, slots[:2])
    third = make_registration(event, full_name="Li Wei", listed=True)
    kept = make_meeting_request(third, sato, [slots[0], later[0]])
    with atomic():
        setup.delete_window(slots[0].window, SYSTEM)
    db.session.expire_all()
    assert db.session.get(MeetingRequest, stranded.id).status == "cancelled"
    still = db.session.get(MeetingRequest, kept.id)
    assert still.status == "requested" and [p.slot_id for p in still.proposals] == [later[0].id]
