"""Someone who cancels (or is rejected) gives back their workshop places, and their personal feed empties."""
import pytest
from icalendar import Calendar
from sqlalchemy import select

from eventhub.agenda.models import SignUp
from eventhub.agenda.signups import sign_up, star
from eventhub.audit.models import AuditEntry
from eventhub.audit.services import REGISTRANT, SYSTEM, Actor
from eventhub.extensions import db
from eventhub.registration import services
from tests.factories import at, make_registration, make_session, make_workshop, open_event, publish_agenda


@pytest.fixture
def event():
    return publish_agenda(open_event(capacity=100))


@pytest.fixture
def workshop(event):
    """A one-seat workshop: one person signed up, one waiting."""
    return make_workshop(event, title="Solar rooftops")


@pytest.fixture
def seated(event, workshop):
    registration = make_registration(event, full_name="Łucja Żółć")
    sign_up(workshop, registration, REGISTRANT)
    return registration


@pytest.fixture
def waiting(event, workshop, seated):
    registration = make_registration(event, full_name="Олег Петренко")
    assert sign_up(workshop, registration, REGISTRANT).status == "waitlisted"
    return registration


def signup_of(registration) -> SignUp:
    return db.session.scalar(select(SignUp).where(SignUp.registration_id == registration.id))


def test_cancelling_on_the_manage_page_frees_the_seat_for_the_next_in_line(browser, seated, waiting):
    browser.post(f"/registrations/{seated.manage_token}/cancel", {"confirm": "y"})
    db.session.refresh(seated)
    assert seated.status == "cancelled"
    assert signup_of(seated).status == "cancelled"
    assert signup_of(waiting).status == "confirmed"


def test_a_rejected_registration_frees_its_seat_too(seated, waiting):
    organiser = Actor("organiser@example.org")
    services.reject(seated, organiser)
    assert (signup_of(seated).status, signup_of(waiting).status) == ("cancelled", "confirmed")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "signup.cancelled"))
    assert entry.actor == organiser.label and entry.changes["registration"] == "rejected"


def test_leaving_also_drops_a_place_on_a_session_waiting_list(seated, waiting):
    services.cancel(waiting, SYSTEM)
    assert signup_of(waiting).status == "cancelled"
    assert signup_of(seated).status == "confirmed"


def test_the_personal_feed_of_someone_who_cancelled_is_empty_but_still_answers(client, event, seated, workshop):
    star(seated, make_session(event, title="Closing plenary", start=at(event, 17), end=at(event, 18)))
    feed = f"/calendar/{seated.calendar_token}.ics"
    assert len(Calendar.from_ical(client.get(feed).data).walk("VEVENT")) == 2
    services.cancel(seated)
    response = client.get(feed)
    assert response.status_code == 200
    assert Calendar.from_ical(response.data).walk("VEVENT") == []
