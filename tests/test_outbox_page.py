"""The outbox page: organisers see whether mail goes out on congress day, and queue failed mail again."""
import pytest
from sqlalchemy import select

from eventhub.core.transaction import atomic
from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage
from tests.factories import last_message, make_event, make_registration, make_user


@pytest.fixture
def stuck_mail(app):
    """A confirmation the mail server refused until the last attempt, and one still waiting."""
    registration = make_registration(make_event(), email="ana@example.org")
    failed = last_message(registration)
    with atomic():
        failed.status, failed.attempts, failed.last_error = "failed", 8, "550 5.1.1 mailbox unavailable"
        waiting = OutboxMessage(recipient="bo@example.org", subject="Your badge", text_body="see /registrations/bo-secret")
        db.session.add(waiting)
    assert registration.manage_token in failed.text_body
    return failed, waiting, registration.manage_token


def test_organisers_see_counts_errors_and_waiting_mail_but_no_bodies(organiser_browser, stuck_mail):
    failed, waiting, token = stuck_mail
    page = organiser_browser.get("/outbox/").get_data(as_text=True)
    assert "550 5.1.1 mailbox unavailable" in page and "ana@example.org" in page and failed.subject in page
    assert "bo@example.org" in page and "Your badge" in page
    assert "<strong>1</strong> queued" in " ".join(page.split()) and "<strong>1</strong> failed" in " ".join(page.split())
    assert token not in page and "bo-secret" not in page  # the bodies' private links


def test_the_outbox_is_in_the_organisers_navigation(organiser_browser):
    assert 'href="/outbox/"' in organiser_browser.get("/").get_data(as_text=True)


@pytest.mark.parametrize("roles", [[], ["checkin"]])
def test_other_accounts_are_refused(browser, roles, stuck_mail):
    browser.login(make_user(roles=roles))
    assert browser.get("/outbox/").status_code == 403
    assert browser.post("/outbox/retry").status_code == 403
    assert stuck_mail[0].status == "failed"


def test_retry_queues_the_failed_mail_again_as_flask_mail_retry_does(organiser_browser, stuck_mail):
    failed = stuck_mail[0]
    response = organiser_browser.post("/outbox/retry", follow_redirects=True)
    assert "1 failed message queued again." in response.get_data(as_text=True)
    db.session.expire_all()
    assert (failed.status, failed.attempts) == ("queued", 0)


def test_retry_without_the_form_token_changes_nothing(organiser_browser, stuck_mail):
    response = organiser_browser.client.post("/outbox/retry")
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.scalar(select(OutboxMessage.status).where(OutboxMessage.id == stuck_mail[0].id)) == "failed"
