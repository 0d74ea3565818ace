"""Secret links are not in the database: manage links and calendar feeds are stored as digests, and the
app rebuilds them (HMAC of a stored salt under SECRET_KEY) for the pages and e-mails. Links sent
before keep working after the migration; the session cookie carries no manage token."""
import re

import pytest
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from eventhub.core.tokens import digest
from eventhub.extensions import db
from eventhub.registration.models import Delegation, Registration
from tests.factories import last_message, make_delegation, make_organisation, make_registration, make_session, \
    open_event, publish_agenda

LINK = re.compile(r"/(?:registrations|delegations)/([A-Za-z0-9_-]{40,})")
FEED = re.compile(r"/calendar/([A-Za-z0-9_-]{40,})\.ics")


def mailed_token(recipient) -> str:
    """The secret of the personal link in the newest e-mail to this person."""
    return LINK.search(last_message(recipient).text_body).group(1)


def every_value(table: str) -> str:
    """Every value of every row of a table, as one text to search."""
    with db.engine.connect() as connection:
        return " ".join(str(value) for row in connection.execute(text(f"SELECT * FROM {table}")) for value in row)


def test_the_database_holds_no_link_and_the_mailed_links_work(client):
    event = publish_agenda(open_event())
    make_session(event, title="Opening plenary")
    person = make_registration(event, full_name="Nomvula Dlamini")
    delegation = make_delegation(event, make_organisation(name="eThekwini"))
    manage, head = mailed_token(person), mailed_token(delegation.head_email)
    page = client.get(f"/registrations/{manage}")
    assert page.status_code == 200 and "Nomvula Dlamini" in page.text
    feed = FEED.search(page.text).group(1)
    assert client.get(f"/calendar/{feed}.ics").status_code == 200
    assert client.get(f"/delegations/{head}").status_code == 200
    stored = every_value("registrations") + every_value("delegations")
    for secret in (manage, feed, head):
        assert secret not in stored
        assert digest(secret) in stored  # what the lookup compares
    # Every later message carries the same link, rebuilt by the app.
    with db.session.no_autoflush:
        assert person.manage_token == manage and person.calendar_token == feed


def test_asking_for_the_link_again_mails_the_same_link_and_kills_none(browser):
    event = open_event()
    person = make_registration(event)
    first, first_message_id = mailed_token(person), last_message(person).id
    browser.post(f"/events/{event.slug}/resend", {"email": person.email})
    assert last_message(person).id != first_message_id  # the link went out again
    assert mailed_token(person) == first and browser.get(f"/registrations/{first}").status_code == 200


def test_a_wrong_or_missing_token_opens_nothing(client):
    person = make_registration(open_event())
    for url in ("/registrations/x", f"/registrations/{person.manage_token_digest}", "/calendar/x.ics",
                f"/calendar/{person.calendar_token_digest}.ics", "/delegations/x"):
        assert client.get(url).status_code == 404, url


def test_links_made_under_a_retired_secret_key_still_go_out(app, client):
    person = make_registration(open_event())
    manage = person.manage_token
    app.config.update(SECRET_KEY="the new key", SECRET_KEY_FALLBACKS=[app.config["SECRET_KEY"]])
    try:
        db.session.expire_all()
        assert db.session.get(Registration, person.id).manage_token == manage
    finally:
        app.config.update(SECRET_KEY=app.config["SECRET_KEY_FALLBACKS"][0], SECRET_KEY_FALLBACKS=[])


def session_content(client) -> str:
    """What anyone with the browser can read in the (signed, not encrypted) session cookie."""
    cookie = client.get_cookie("session")
    return str(current_app.session_interface.get_signing_serializer(current_app).loads(cookie.value))


def test_the_session_cookie_holds_no_manage_token(client):
    event = publish_agenda(open_event())
    talk = make_session(event, title="Opening plenary")
    person = make_registration(event)
    token = person.manage_token
    assert client.get(f"/registrations/{token}").status_code == 200
    assert token not in session_content(client) and token not in client.get_cookie("session").value
    assert "Add to my agenda" in client.get(f"/events/{event.slug}/sessions/{talk.id}").text


def test_a_cookie_from_before_is_cleaned_and_still_recognises_its_person(client):
    event = publish_agenda(open_event())
    talk = make_session(event, title="Opening plenary")
    token = make_registration(event).manage_token
    with client.session_transaction() as session:
        session["registration_tokens"] = {str(event.id): token}
    assert "Add to my agenda" in client.get(f"/events/{event.slug}/sessions/{talk.id}").text
    assert token not in session_content(client)


LEGACY = {"manage": "legacy-manage-link-mailed-before-the-upgrade-0001",
          "calendar": "legacy-calendar-feed-subscribed-before-the-upgrade",
          "head": "legacy-delegation-link-mailed-before-the-upgrade-01"}


@pytest.fixture
def legacy_rows(app):
    """A registration and a delegation written before migration 0013, with their tokens in clear."""
    db.session.remove()
    try:
        downgrade(revision="0012")
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO events (id, kind, title, slug, timezone, start_at, end_at, status, sequence, "
                "non_member_policy, public_categories, agenda_published_at, created_at, updated_at) VALUES (1, "
                "'congress', 'E', 'e', 'UTC', '2030-01-01 09:00', '2030-01-02 18:00', 'published', 0, 'confirm', "
                "'delegate', '2026-01-01 00:00', '2026-01-01 00:00', '2026-01-01 00:00')",
                "INSERT INTO delegations (id, event_id, organisation_name, head_name, head_email, manage_token, "
                f"created_at) VALUES (1, 1, 'Quito', 'Head', 'head@example.org', '{LEGACY['head']}', '2026-01-01')",
                "INSERT INTO registrations (id, event_id, full_name, email, category, status, answers, "
                "privacy_consent_at, listed, manage_token, calendar_token, invitation_sequence, search_text, "
                "delegation_id, created_at, updated_at) VALUES (1, 1, 'Ana', 'ana@example.org', 'delegate', "
                f"'confirmed', '{{}}', '2026-01-01 00:00', false, '{LEGACY['manage']}', '{LEGACY['calendar']}', 0, "
                "'', 1, '2026-01-01 00:00', '2026-01-01 00:00')",
                "INSERT INTO registrations (id, event_id, full_name, email, category, status, answers, "
                "privacy_consent_at, listed, manage_token, calendar_token, invitation_sequence, search_text, "
                "created_at, updated_at) VALUES (2, 1, 'Bo', 'bo@example.org', 'delegate', 'cancelled', '{}', "
                "'2026-01-01 00:00', false, 'manage-2', 'calendar-2', 0, '', '2026-01-01 00:00', '2026-01-01 00:00')",
                "INSERT INTO agenda_sessions (id, event_id, uuid, title, start_at, end_at, language, interpretation, "
                "signup_required, status, sequence, created_at, updated_at) VALUES (1, 1, 'u-1', 'Opening', "
                "'2030-01-01 10:00', '2030-01-01 11:00', 'en', false, false, 'scheduled', 0, '2026-01-01 00:00', "
                "'2026-01-01 00:00')",
                "INSERT INTO agenda_stars (id, registration_id, session_id, created_at) VALUES (1, 1, 1, '2026-01-01')",
                "INSERT INTO agenda_stars (id, registration_id, session_id, created_at) VALUES (2, 2, 1, '2026-01-01')",
            ):
                connection.execute(text(statement))
    finally:
        upgrade()


def test_links_sent_before_the_migration_keep_working_and_are_not_stored(client, legacy_rows):
    stored = every_value("registrations") + every_value("delegations")
    assert not any(secret in stored for secret in LEGACY.values())
    page = client.get(f"/registrations/{LEGACY['manage']}")
    assert page.status_code == 200 and f"/registrations/{LEGACY['manage']}/cancel" in page.text
    assert client.get(f"/calendar/{LEGACY['calendar']}.ics").status_code == 200
    assert client.get(f"/delegations/{LEGACY['head']}").status_code == 200


def test_the_migration_drops_the_stars_of_registrations_that_left(legacy_rows):
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT registration_id FROM agenda_stars")).scalars().all() == [1]


def test_a_feed_from_before_cannot_be_shown_again_but_a_new_one_can_be_had(browser, legacy_rows):
    page = browser.get(f"/registrations/{LEGACY['manage']}")
    assert not FEED.search(page.text) and "get a new address" in page.text
    browser.post(f"/registrations/{LEGACY['manage']}/calendar/rotate")
    feed = FEED.search(browser.get(f"/registrations/{LEGACY['manage']}").text)
    assert browser.get(f"/calendar/{feed.group(1)}.ics").status_code == 200
    assert browser.get(f"/calendar/{LEGACY['calendar']}.ics").status_code == 404


def test_the_next_mail_about_a_link_from_before_carries_a_new_working_link(browser, legacy_rows):
    event = db.session.get(Registration, 1).event
    browser.post(f"/events/{event.slug}/resend", {"email": "ana@example.org"})
    fresh = mailed_token("ana@example.org")
    assert fresh != LEGACY["manage"] and browser.get(f"/registrations/{fresh}").status_code == 200
    assert db.session.get(Delegation, 1).manage_token is None  # nothing rebuilds what was never stored
