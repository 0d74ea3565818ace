"""Absolute links (e-mails, calendar feeds, schedule exports) point where the app really is.

Reproduced before the fix: `flask run --port 5071` without BASE_URL mailed confirmation links to port 5000.
In development, without BASE_URL, links follow the address a request came in on; outside a request they
use BASE_URL or the `make run` address. Production never builds a link from the request's Host.
"""
import importlib
import logging
import re

import pytest
from icalendar import Calendar

import config
from eventhub import create_app
from eventhub.core import urls
from eventhub.extensions import db
from tests.factories import last_message, make_session, open_event, publish_agenda
from tests.test_registration_pages import form

ELSEWHERE = "http://127.0.0.1:5071"  # flask run --port 5071


@pytest.fixture
def make_app(app, monkeypatch):
    """An app as the named environment starts it from config.py, BASE_URL unset unless given, on the test
    database (the secret from the environment, so no instance/ file is written)."""
    made = []

    def build(environment: str, base_url: str | None = None):
        if base_url is None:
            monkeypatch.delenv("BASE_URL", raising=False)
        else:
            monkeypatch.setenv("BASE_URL", base_url)
        monkeypatch.setenv("SECRET_KEY", "dev-links-secret")
        importlib.reload(config)
        made.append(create_app({"EVENTHUB_ENV": environment,
                                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                                "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False}}))
        return made[-1]

    yield build
    monkeypatch.undo()
    importlib.reload(config)
    for other in made:
        with other.app_context():
            db.engine.dispose()


def register_at(app, base_url: str, event) -> int:
    """Register through the public form as a browser that opened the app at base_url (its own cookies)."""
    client, url = app.test_client(), f"/events/{event.slug}/register"
    page = client.get(url, base_url=base_url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = {**form(not_listed="y", organisation_name="Villa"), "csrf_token": token}
    return client.post(url, base_url=base_url, data=data, headers={"Referer": f"{base_url}{url}"}).status_code


def mailed_link(email: str) -> str:
    return re.search(r"https?://\S+/registrations/[^\s/]+", last_message(email).text_body).group(0)


def test_flask_run_on_another_port_mails_links_to_that_port(make_app):
    event = open_event()
    assert register_at(make_app("development"), ELSEWHERE, event) == 302
    assert mailed_link("ana@example.org").startswith(f"{ELSEWHERE}/registrations/")
    assert ":5000" not in last_message("ana@example.org").text_body


def test_feeds_and_exports_follow_the_address_but_their_identifiers_do_not(make_app):
    event = publish_agenda(open_event())
    session = make_session(event, title="Opening")
    client = make_app("development").test_client()
    feeds = {base: Calendar.from_ical(client.get(f"/events/{event.slug}/agenda.ics", base_url=base).data)
             for base in (ELSEWHERE, "http://192.168.1.20:8443")}
    for base, feed in feeds.items():
        (entry,) = feed.walk("VEVENT")
        assert str(entry["URL"]) == f"{base}/events/{event.slug}/sessions/{session.id}"
    # A calendar app keeps an entry by its UID, a schedule app a session by its GUID: neither may change
    # with the address a feed was fetched from.
    assert len({str(feed.walk("VEVENT")[0]["UID"]) for feed in feeds.values()}) == 1
    schedules = [client.get(f"/events/{event.slug}/schedule.json", base_url=base).get_json()
                 for base in (ELSEWHERE, "http://localhost:5071")]
    assert schedules[0]["schedule"]["base_url"] == f"{ELSEWHERE}/"
    rooms = [schedule["schedule"]["conference"]["rooms"] for schedule in schedules]
    assert rooms[0] == rooms[1]


def test_outside_a_request_links_use_base_url_or_the_make_run_address(make_app):
    with make_app("development").app_context():
        assert urls.external_url("events.index") == "http://127.0.0.1:5000/"
    with make_app("development", "http://10.1.2.3:5071").app_context():
        assert urls.external_url("events.detail", slug="bonn") == "http://10.1.2.3:5071/events/bonn"


def test_base_url_set_in_development_wins_over_the_request(make_app):
    event = open_event()
    assert register_at(make_app("development", "https://dev.example.org"), ELSEWHERE, event) == 302
    assert mailed_link("ana@example.org").startswith("https://dev.example.org/registrations/")


def test_production_never_builds_links_from_the_host_header(make_app):
    event = open_event()
    assert register_at(make_app("production", "https://events.example.org"), "https://evil.example", event) == 302
    assert mailed_link("ana@example.org").startswith("https://events.example.org/registrations/")


def test_production_without_base_url_says_so_instead_of_trusting_the_host(make_app, caplog):
    event = open_event()
    production = make_app("production")
    with caplog.at_level(logging.WARNING):
        assert register_at(production, "https://evil.example", event) == 302
    assert "evil.example" not in mailed_link("ana@example.org")
    assert any("BASE_URL is not set" in record.getMessage() for record in caplog.records)


def demo_output(app, *args: str) -> str:
    """`flask demo` run by that app (in its own context: the CLI otherwise reuses the test app's)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=["demo", *args]).output


def test_flask_demo_says_where_the_app_is_and_where_links_point(make_app):
    output = demo_output(make_app("development"), "--members", "0", "--attendees", "0", "--sessions", "0")
    assert "EventHub is at http://127.0.0.1:5000 with `make run`, or at the address `flask run` prints" in output
    assert "Links in e-mails and calendar feeds point at the address you open it at; set BASE_URL" in output
    output = demo_output(make_app("development", "https://dev.example.org"), "--if-empty")
    assert "EventHub is at https://dev.example.org (BASE_URL)" in output
