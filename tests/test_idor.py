"""Attendee pages against other people's tokens and ids (insecure direct object references).

Each registrant's pages are opened by a secret in the URL (the manage link, the calendar feed) or by the
person this browser remembers; check-in and organiser pages take an event and an id. None of them may
show or change another person's data: not with someone else's secret of another kind, not with a made-up
one, not with an id that belongs to another event.
"""
import pytest
from sqlalchemy import func, select

from eventhub.agenda.models import SignUp, Star
from eventhub.audit.services import SYSTEM
from eventhub.badges.services import valid_badge
from eventhub.checkin.models import CheckIn
from eventhub.checkin.services import record_scan
from eventhub.core.transaction import atomic
from eventhub.extensions import db
from tests.badge_support import page_texts, scanned_codes
from tests.factories import (
    make_delegation,
    make_organisation,
    make_registration,
    make_session,
    make_user,
    make_workshop,
    open_event,
    publish_agenda,
)
from tests.test_agenda_personal import PersonBrowser, remember, signup_url

MADE_UP = "Zm9yZ2VkLXRva2VuLTEyMzQ1Njc4OTAxMjM0NTY"


@pytest.fixture
def event():
    return publish_agenda(open_event(title="Congreso de Ciudades", capacity=100))


@pytest.fixture
def alice(event):
    return make_registration(event, full_name="Alicja Nowak", email="alicja@example.org")


@pytest.fixture
def bongani(event):
    return make_registration(event, full_name="Bongani Dlamini", email="bongani@example.org")


def secret_pages(registration) -> dict[str, str]:
    """The person's pages that a secret in the URL opens, by what they are."""
    manage, calendar = registration.manage_token, registration.calendar_token
    return {
        "manage": f"/registrations/{manage}",
        "cancel": f"/registrations/{manage}/cancel",
        "personal agenda": f"/registrations/{manage}/agenda",
        "badge": f"/registrations/{manage}/badge.pdf",
        "calendar feed": f"/calendar/{calendar}.ics",
    }


def test_each_secret_link_shows_its_owner_and_nobody_else(client, alice, bongani):
    for person, other in ((alice, bongani), (bongani, alice)):
        for what, url in secret_pages(person).items():
            response = client.get(url)
            assert response.status_code == 200, (what, response.status_code)
            text = " ".join(page_texts(response.data)) if what == "badge" else response.get_data(as_text=True)
            if what != "calendar feed":  # the feed carries the agenda, not the person's name
                assert person.full_name.split()[0] in text, what
            assert other.full_name.split()[0] not in text, what


def test_the_badge_behind_a_link_carries_its_owners_code(client, alice, bongani):
    pdf = client.get(secret_pages(alice)["badge"]).data
    assert scanned_codes(pdf) == [[valid_badge(alice).token]]
    assert valid_badge(bongani).token not in str(scanned_codes(pdf))


def test_a_secret_of_another_kind_opens_nothing(client, alice):
    """The calendar token is not a manage link, the manage token not a feed, a badge code neither."""
    calendar, manage, badge = alice.calendar_token, alice.manage_token, valid_badge(alice).token
    for url in (f"/registrations/{calendar}", f"/registrations/{calendar}/agenda",
                f"/registrations/{calendar}/badge.pdf", f"/registrations/{badge}", f"/registrations/{badge}/badge.pdf",
                f"/calendar/{manage}.ics", f"/calendar/{badge}.ics", f"/delegations/{manage}",
                f"/delegations/{manage}/withdraw"):
        assert client.get(url).status_code == 404, url


def test_a_delegation_link_is_not_a_registration_link(client, event):
    delegation = make_delegation(event, make_organisation(name="eThekwini", country="ZA"))
    assert client.get(f"/delegations/{delegation.manage_token}").status_code == 200
    for url in (f"/registrations/{delegation.manage_token}", f"/registrations/{delegation.manage_token}/badge.pdf",
                f"/calendar/{delegation.manage_token}.ics"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("url", [
    f"/registrations/{MADE_UP}", f"/registrations/{MADE_UP}/cancel", f"/registrations/{MADE_UP}/agenda",
    f"/registrations/{MADE_UP}/badge.pdf", f"/calendar/{MADE_UP}.ics", f"/delegations/{MADE_UP}",
    f"/delegations/{MADE_UP}/withdraw",
])
def test_a_made_up_secret_is_a_404(client, alice, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [
    f"/registrations/{MADE_UP}", f"/registrations/{MADE_UP}/cancel", f"/registrations/{MADE_UP}/calendar/rotate",
    f"/delegations/{MADE_UP}", f"/delegations/{MADE_UP}/withdraw",
])
def test_a_made_up_secret_changes_nothing(browser, alice, url):
    assert browser.post(url, {"full_name": "Mallory"}).status_code == 404
    db.session.refresh(alice)
    assert alice.full_name == "Alicja Nowak" and alice.status == "confirmed"


def test_the_badge_link_of_a_cancelled_registration_gives_no_badge(browser, alice):
    url = secret_pages(alice)["badge"]
    browser.post(secret_pages(alice)["cancel"], {"confirm": "y"})
    db.session.refresh(alice)
    assert alice.status == "cancelled"
    response = browser.get(url)
    assert response.status_code in (302, 404) and response.mimetype != "application/pdf"


def test_a_remembered_person_cannot_cancel_someone_elses_sign_up(app, event, alice, bongani):
    workshop = make_workshop(event, seats=5)
    bongani_browser, alice_browser = PersonBrowser(app.test_client()), PersonBrowser(app.test_client())
    remember(bongani_browser, bongani)
    bongani_browser.post(signup_url(event, workshop))
    remember(alice_browser, alice)
    alice_browser.post(signup_url(event, workshop, "cancel-signup"))
    status = db.session.scalar(select(SignUp.status).where(SignUp.registration_id == bongani.id))
    assert status == "confirmed"


def test_a_person_remembered_at_one_event_acts_at_no_other(app, event, alice):
    other = publish_agenda(open_event(title="Network meeting", capacity=10))
    elsewhere = make_session(other, title="Peer exchange")
    browser = PersonBrowser(app.test_client())
    remember(browser, alice)
    browser.post(signup_url(other, elsewhere, "star"))
    browser.post(f"/events/{event.slug}/sessions/{elsewhere.id}/star")  # this event's slug, the other's session
    assert db.session.scalar(select(func.count()).select_from(Star)) == 0
    browser.post(signup_url(event, make_session(event, title="Plenary"), "star"))
    assert db.session.scalar(select(func.count()).select_from(Star)) == 1  # at her own event she can


@pytest.fixture
def door(browser):
    browser.login(make_user(roles=["checkin"]))
    return browser


def test_check_in_staff_cannot_check_in_a_person_of_another_event_through_this_one(door, event):
    elsewhere = make_registration(open_event(title="Other congress"), full_name="Chen Wei")
    response = door.post(f"/checkin/{event.slug}/registrations/{elsewhere.id}", {"station": "Gate A"})
    assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_check_in_staff_cannot_undo_a_check_in_of_another_event_through_this_one(door, event):
    other = open_event(title="Other congress")
    person = make_registration(other, full_name="Chen Wei")
    with atomic():
        checkin = record_scan(other, valid_badge(person).token, "Gate B", SYSTEM).checkin
    assert door.post(f"/checkin/{event.slug}/checkins/{checkin.id}/undo").status_code == 404
    db.session.refresh(checkin)
    assert checkin.undone_at is None


@pytest.mark.parametrize("path", [
    "registrations/{id}", "registrations/{id}/badge.pdf",
])
def test_organiser_pages_refuse_a_registration_of_another_event(organiser_browser, event, path):
    elsewhere = make_registration(open_event(title="Other congress"))
    url = f"/manage/events/{event.slug}/" + path.format(id=elsewhere.id)
    assert organiser_browser.get(url).status_code == 404
