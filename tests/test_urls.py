"""URLs in and out: redirect targets never leave the site; mails, feeds and exports link to BASE_URL."""
import pytest

from eventhub.core.urls import external_url, safe_redirect_target
from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage
from tests.factories import make_event, make_registration, make_user, open_event, publish_agenda
from tests.conftest import PASSWORD

# What browsers turn into another host: tabs and line breaks are dropped, backslashes read as slashes.
LEAVING = ["//evil.example/", "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/\\evil.example",
           "\\\\evil.example", "https://evil.example/", "javascript:alert(1)", "evil.example", " /x", "/\x00/evil"]
STAYING = ["/", "/events/bonn?x=1#agenda", "/manage/events/bonn/registrations?page=2&q=ana"]


@pytest.mark.parametrize("target", LEAVING)
def test_a_target_that_could_leave_the_site_falls_back(target):
    assert safe_redirect_target(target, "/home") == "/home"


@pytest.mark.parametrize("target", STAYING)
def test_a_path_on_this_site_is_followed(target):
    assert safe_redirect_target(target, "/home") == target


@pytest.mark.parametrize("target", ["/\t/evil.example", "//evil.example/", "/\\evil.example"])
def test_signing_in_never_sends_people_to_another_site(browser, target):
    user = make_user()
    response = browser.post("/auth/login", {"email": user.email, "password": PASSWORD},
                            query_string={"next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_organiser_buttons_never_return_to_another_site(organiser_browser):
    event = open_event()
    person = make_registration(event)
    response = organiser_browser.post(f"/manage/events/{event.slug}/registrations/{person.id}/action",
                                      {"action": "cancel", "next": "/\t/evil.example"})
    assert response.headers["Location"] == f"/manage/events/{event.slug}/registrations/{person.id}"


def test_links_in_mail_use_base_url_whatever_host_the_request_came_in_on(client, public_base_url):
    event = open_event(title="Bonn Summit")
    client.post(f"/events/{event.slug}/register", base_url="http://10.0.0.7:8000")  # the request's host is not it
    person = make_registration(event)
    message = db.session.query(OutboxMessage).filter_by(recipient=person.email).one()
    assert f"{public_base_url}/registrations/{person.manage_token}" in message.text_body
    assert "10.0.0.7" not in message.text_body


def test_external_urls_are_built_by_the_routes_from_base_url(app, public_base_url):
    event = make_event(slug="bonn-summit")
    with app.test_request_context("/", base_url="http://internal:8000"):
        assert external_url("events.detail", slug=event.slug) == f"{public_base_url}/events/bonn-summit"
    # Outside any request too (the CLI, the mail worker), with the route's own escaping.
    assert external_url("registration.manage", token="a b") == f"{public_base_url}/registrations/a%20b"
    app.config["BASE_URL"] = "https://example.org/eventhub/"
    try:
        assert external_url("agenda.agenda", slug="bonn") == "https://example.org/eventhub/events/bonn/agenda"
    finally:
        app.config["BASE_URL"] = public_base_url


def test_feeds_link_sessions_on_base_url(client, public_base_url):
    from icalendar import Calendar

    from tests.factories import make_session

    event = publish_agenda(open_event())
    session = make_session(event, title="Opening")
    feed = Calendar.from_ical(client.get(f"/events/{event.slug}/agenda.ics", base_url="http://internal").data)
    urls = [str(entry["URL"]) for entry in feed.walk("VEVENT")]
    assert urls == [f"{public_base_url}/events/{event.slug}/sessions/{session.id}"]
