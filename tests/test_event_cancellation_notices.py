"""Cancelling a whole event tells everyone registered and takes it out of their calendars; reinstating puts it back."""
import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from eventhub.registration.invitation import invitation_ics
from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage
from eventhub.registration import services
from eventhub.registration.notifications import manage_url
from tests.factories import last_message, make_organisation, make_registration, open_event


@pytest.fixture
def congress():
    """One place: a confirmed delegate, one on the waiting list, one who cancelled."""
    event = open_event(title="Конгресс городов 2027", capacity=1)
    people = {
        "confirmed": make_registration(event, full_name="Zoë Łukasiewicz"),
        "waitlisted": make_registration(event, full_name="김민준"),
        "cancelled": make_registration(event, full_name="مريم الحسن"),
    }
    services.cancel(people["cancelled"])
    return event, people


def only_event(attachment) -> Calendar:
    return Calendar.from_ical(attachment["content"]).walk("VEVENT")[0]


def cancel_from_the_page(browser, event):
    response = browser.post(f"/manage/events/{event.slug}/cancel", {"confirm": "y"})
    assert response.status_code == 302


def test_everyone_still_registered_is_told(organiser_browser, congress):
    event, people = congress
    before = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    cancel_from_the_page(organiser_browser, event)
    for status in ("confirmed", "waitlisted"):
        message = last_message(people[status])
        assert message.subject == "Конгресс городов 2027 is cancelled"
        assert "has been cancelled by the organisers" in message.text_body
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == before + 2
    # Someone who had cancelled already hears nothing more: their last message is their own cancellation.
    assert last_message(people["cancelled"]).subject == "Your registration for Конгресс городов 2027 is cancelled"


def test_a_delegate_with_a_place_gets_the_calendar_entry_withdrawn(organiser_browser, congress):
    event, people = congress
    invited = Calendar.from_ical(invitation_ics(people["confirmed"], manage_url(people["confirmed"]))).walk("VEVENT")[0]
    cancel_from_the_page(organiser_browser, event)
    [attachment] = last_message(people["confirmed"]).attachments
    assert "METHOD:CANCEL" in attachment["content"]
    withdrawn = only_event(attachment)
    assert withdrawn["UID"] == invited["UID"] and withdrawn["SEQUENCE"] > invited["SEQUENCE"]
    assert withdrawn["STATUS"] == "CANCELLED"
    assert last_message(people["waitlisted"]).attachments == []  # never had it in their calendar


def test_publishing_again_puts_the_event_back_in_their_calendars(organiser_browser, congress):
    event, people = congress
    cancel_from_the_page(organiser_browser, event)
    [cancel] = last_message(people["confirmed"]).attachments
    organiser_browser.post(f"/manage/events/{event.slug}/publish")
    message = last_message(people["confirmed"])
    assert message.subject == "Конгресс городов 2027 takes place after all"
    [attachment] = message.attachments
    assert "METHOD:REQUEST" in attachment["content"]
    assert only_event(attachment)["SEQUENCE"] > only_event(cancel)["SEQUENCE"]
    waiting = last_message(people["waitlisted"])
    assert "takes place after all" in waiting.subject and waiting.attachments == []


def test_other_status_changes_send_nothing(organiser_browser, congress):
    event, _people = congress
    before = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    organiser_browser.post(f"/manage/events/{event.slug}/unpublish")
    organiser_browser.post(f"/manage/events/{event.slug}/publish")
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == before


def test_the_cancel_form_says_who_will_be_told(organiser_browser, congress):
    event, _people = congress
    page = organiser_browser.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    assert "Everyone registered is told by e-mail" in page


def test_back_to_draft_warns_that_registrants_are_not_told(organiser_browser, congress):
    event, _people = congress
    page = organiser_browser.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    # Two live registrations (confirmed, waitlisted); the cancelled one does not count.
    assert "2 people are registered. Back to draft hides the event" in page and "without telling them" in page


def test_no_warning_without_registrants(organiser_browser):
    event = open_event()
    page = organiser_browser.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    assert "Back to draft hides" not in page


def _register(event, count):
    """`count` people from member cities; past the one place, they wait in line."""
    for n in range(count):
        city = make_organisation(name=f"Ciudad {event.id}-{n}")
        make_registration(event, full_name=f"Делегат {n}", organisation_id=city.id)


@pytest.mark.parametrize("kind", ["event_cancelled", "event_reinstated"])
def test_telling_everyone_costs_the_same_queries_however_many_are_registered(count_queries, kind):
    from eventhub.registration.notifications import notify_everyone

    sizes = {}
    for count in (3, 12):
        event = open_event(capacity=1)
        _register(event, count)
        db.session.expire_all()
        with count_queries() as queries:
            assert notify_everyone(event, kind) == count
        sizes[count] = len(queries)
        db.session.rollback()
    assert sizes[12] == sizes[3], sizes
