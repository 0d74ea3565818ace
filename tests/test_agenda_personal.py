"""Delegates choosing: the remembered manage link, sign-up with a waiting list, stars and the personal agenda."""

import pytest
from flask import g

from eventhub.agenda.models import Room, SignUp
from eventhub.extensions import db
from tests.conftest import Browser
from tests.factories import at, make_registration, make_session, make_workshop, open_event, publish_agenda


@pytest.fixture
def event():
    return publish_agenda(open_event(capacity=100))


@pytest.fixture
def workshop(event):
    return make_workshop(event)


@pytest.fixture
def delegate(event):
    return make_registration(event, full_name="Łucja Żółć", email="lucja@example.org")


def remember(browser, registration):
    """Open one's personal link on this device, as from the registration e-mail."""
    response = browser.get(f"/registrations/{registration.manage_token}/agenda")
    assert response.status_code == 200
    return response


class PersonBrowser(Browser):
    """One of several people's browsers in a test. The tests share one app context, where Flask-WTF
    caches the CSRF token in `g`: drop it, so each browser gets the token of its own session."""

    def token(self) -> str:
        g.pop("csrf_token", None)
        return super().token()


def signup_url(event, session, action="signup"):
    return f"/events/{event.slug}/sessions/{session.id}/{action}"


def test_personal_agenda_needs_a_real_token_and_keeps_it_private(browser, delegate):
    assert browser.get("/registrations/not-a-token/agenda").status_code == 404
    response = remember(browser, delegate)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Łucja Żółć" in response.get_data(as_text=True)


def test_buttons_appear_only_for_the_remembered_confirmed_registrant(browser, event, workshop, delegate):
    url = f"/events/{event.slug}/sessions/{workshop.id}"
    html = browser.get(url).get_data(as_text=True)
    assert "Add to my agenda" not in html and "Open the personal link" in html
    browser.get(f"/registrations/{delegate.manage_token}")  # the manage page remembers too
    html = browser.get(url).get_data(as_text=True)
    assert "☆ Add to my agenda" in html and "Sign up" in html and "Łucja Żółć" in html
    browser.post("/agenda/forget-me", {"next": url})
    assert "Add to my agenda" not in browser.get(url).get_data(as_text=True)


def test_one_device_remembers_its_person_at_each_event(browser, event, workshop, delegate):
    meeting = publish_agenda(open_event(title="Network meeting"))
    talk = make_session(meeting, title="Peer exchange", start=at(meeting, 10), end=at(meeting, 11))
    at_meeting = make_registration(meeting, full_name="Łucja Żółć", email="lucja@example.org")
    remember(browser, delegate)
    remember(browser, at_meeting)  # a second event's link does not make the device forget the first
    for item, host in ((workshop, event), (talk, meeting)):
        html = browser.get(f"/events/{host.slug}/sessions/{item.id}").get_data(as_text=True)
        assert "☆ Add to my agenda" in html, host.title
    browser.post("/agenda/forget-me")
    assert "Add to my agenda" not in browser.get(f"/events/{meeting.slug}/sessions/{talk.id}").get_data(as_text=True)


def test_people_not_confirmed_see_why_and_are_refused(browser, event, workshop):
    pending = make_registration(event, full_name="Pending Person")
    pending.status = "pending"
    db.session.commit()
    remember(browser, pending)
    url = f"/events/{event.slug}/sessions/{workshop.id}"
    html = browser.get(url).get_data(as_text=True)
    assert "Sign up</button>" not in html and "only confirmed participants" in html
    html = browser.post(signup_url(event, workshop), follow_redirects=True).get_data(as_text=True)
    assert "Only confirmed participants of this event can sign up." in html
    assert db.session.query(SignUp).count() == 0


def test_anonymous_visitors_cannot_sign_up(browser, event, workshop):
    html = browser.post(signup_url(event, workshop), follow_redirects=True).get_data(as_text=True)
    assert "Open the personal link from your registration e-mail" in html
    assert db.session.query(SignUp).count() == 0


def test_posts_need_the_csrf_token(client, event, workshop, delegate):
    client.get(f"/registrations/{delegate.manage_token}/agenda")
    assert client.post(signup_url(event, workshop)).status_code == 400
    assert db.session.query(SignUp).count() == 0


def test_sign_up_confirmed_then_waitlisted_then_promoted(app, event, workshop, delegate):
    browser = PersonBrowser(app.test_client())
    remember(browser, delegate)
    html = browser.post(signup_url(event, workshop), follow_redirects=True).get_data(as_text=True)
    assert "You have a place in “Solar rooftops workshop”." in html and "0 left" in html

    other = PersonBrowser(app.test_client())
    remember(other, make_registration(event, full_name="Иван Петров"))
    html = other.post(signup_url(event, workshop), follow_redirects=True).get_data(as_text=True)
    assert "you are number 1 on its waiting list" in html

    html = browser.post(signup_url(event, workshop, "cancel-signup"), follow_redirects=True).get_data(as_text=True)
    assert "Your sign-up for “Solar rooftops workshop” is cancelled." in html
    assert "You have a place in this session." in other.get(f"/events/{event.slug}/sessions/{workshop.id}").get_data(as_text=True)


def test_overlapping_sign_up_is_refused(browser, event, workshop, delegate):
    other_room = Room(event_id=event.id, name="Site visit bus", capacity=20)
    db.session.add(other_room)
    db.session.commit()
    visit = make_session(event, title="Green roofs site visit", room_id=other_room.id, signup_required=True,
                         start=at(event, 15), end=at(event, 17))
    remember(browser, delegate)
    browser.post(signup_url(event, workshop))
    html = browser.post(signup_url(event, visit), follow_redirects=True).get_data(as_text=True)
    assert "You are already signed up for “Solar rooftops workshop” at that time." in html
    assert db.session.query(SignUp).filter_by(session_id=visit.id).count() == 0


def test_star_three_sessions_and_see_them_with_overlaps_on_the_personal_agenda(browser, event, delegate):
    rooms = [Room(event_id=event.id, name=name) for name in ("Hall A", "Hall B")]
    db.session.add_all(rooms)
    db.session.commit()
    morning = make_session(event, title="Morning plenary", room_id=rooms[0].id, start=at(event, 9), end=at(event, 10))
    water = make_session(event, title="Água e cidades", room_id=rooms[0].id, start=at(event, 11), end=at(event, 12))
    energy = make_session(event, title="Energy parallel", room_id=rooms[1].id, start=at(event, 11, 30), end=at(event, 13))
    make_session(event, title="Not starred", room_id=rooms[1].id, start=at(event, 9), end=at(event, 10))
    remember(browser, delegate)
    agenda_url = f"/events/{event.slug}/agenda"
    for session in (morning, water, energy):
        response = browser.post(signup_url(event, session, "star"), {"next": agenda_url})
        assert response.status_code == 302 and response.headers["Location"].endswith(agenda_url)
    assert browser.get(agenda_url).get_data(as_text=True).count("★ Remove from my agenda") == 3

    html = browser.get(f"/registrations/{delegate.manage_token}/agenda").get_data(as_text=True)
    assert all(title in html for title in ("Morning plenary", "Água e cidades", "Energy parallel"))
    assert "Not starred" not in html
    assert html.count("Overlaps another session on your agenda.") == 2
    morning_part = html[html.index("Morning plenary"):html.index("Água e cidades")]
    assert "Overlaps" not in morning_part

    browser.post(signup_url(event, energy, "unstar"))
    html = browser.get(f"/registrations/{delegate.manage_token}/agenda").get_data(as_text=True)
    assert f'id="session-{energy.id}"' not in html and "Overlaps another session" not in html


def test_going_back_stays_on_this_site(browser, event, workshop, delegate):
    remember(browser, delegate)
    response = browser.post(signup_url(event, workshop, "star"), {"next": "//evil.example/"})
    assert response.headers["Location"].endswith(f"/events/{event.slug}/sessions/{workshop.id}")


def test_personal_agenda_before_the_agenda_is_published(browser, event, delegate):
    event.agenda_published_at = None
    db.session.commit()
    html = remember(browser, delegate).get_data(as_text=True)
    assert "is not published yet" in html


def test_manage_page_links_to_the_personal_agenda(browser, delegate):
    html = browser.get(f"/registrations/{delegate.manage_token}").get_data(as_text=True)
    assert f"/registrations/{delegate.manage_token}/agenda" in html


def test_agenda_page_query_count_does_not_grow_for_a_remembered_person(browser, event, delegate, count_queries):
    remember(browser, delegate)
    make_session(event, title="One")
    with count_queries() as few:
        browser.get(f"/events/{event.slug}/agenda")
    room = Room(event_id=event.id, name="Hall")
    db.session.add(room)
    db.session.commit()
    for n in range(6):
        session = make_session(event, title=f"More {n}", room_id=room.id, signup_required=True,
                               start=at(event, 8 + n), end=at(event, 9 + n))
        browser.post(signup_url(event, session, "star"))
    with count_queries() as more:
        html = browser.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    assert html.count("★ Remove from my agenda") == 6
    assert len(more) == len(few)
