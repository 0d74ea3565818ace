"""Sending the outbox to a real SMTP server (aiosmtpd on 127.0.0.1) and checking what arrived."""
import re
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar
from sqlalchemy import select

from eventhub.core.transaction import atomic
from eventhub.events.services import save_event
from eventhub.extensions import db
from eventhub.mail import sender
from eventhub.mail.models import OutboxMessage
from eventhub.mail.services import queue_message
from eventhub.core.types import utcnow
from eventhub.registration import services
from eventhub.registration.notifications import notify_delegation_head
from tests.factories import make_delegation, make_organisation, make_registration, open_event


@dataclass
class Received:
    """One message as the server got it: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list
    raw: bytes
    message: EmailMessage
    peer: tuple


class Inbox:
    """An aiosmtpd handler that keeps every message; recipients starting with "reject" get a 550."""

    def __init__(self):
        self.received: list[Received] = []
        self.port: int | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = BytesParser(policy=policy.default).parsebytes(raw)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), raw, message, session.peer))
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A port nothing listens on (the OS just handed it out and it was closed again)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(app):
    """A real SMTP server for this test; the app sends to it."""
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    saved = app.config["MAIL_SERVER"], app.config["MAIL_PORT"]
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = "127.0.0.1", controller.port
    handler.port = controller.port
    yield handler
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = saved
    controller.stop()


class Outage:
    """The mail server is unreachable (the app points at a port where nothing listens) until end()."""

    def __init__(self, app, inbox):
        self.app, self.inbox = app, inbox
        app.config["MAIL_PORT"] = free_port()

    def end(self):
        self.app.config["MAIL_PORT"] = self.inbox.port


@pytest.fixture
def outage(app, inbox):
    return Outage(app, inbox)


def outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def queue(n: int = 1, recipient: str = "ana{}@example.org") -> None:
    for i in range(n):
        queue_message(recipient.format(i), f"Message {i}", f"Body {i}", f"<p>Body {i}</p>")
    db.session.commit()


def test_confirmation_arrives_with_text_html_and_a_calendar_invitation(inbox):
    event = open_event(title="서울 Urban Forum", timezone="Asia/Seoul", start=datetime(2099, 6, 15, 9),
                       end=datetime(2099, 6, 17, 17), venue_name="COEX")
    make_registration(event, full_name="Łucja Wiśniewska", email="lucja@example.org")
    report = sender.send_due()
    assert (report.sent, report.failed, report.retrying) == (1, 0, 0)
    [got] = inbox.received
    assert got.mail_from == "noreply@localhost" and got.rcpt_tos == ["lucja@example.org"]
    assert got.message["To"] == "lucja@example.org"
    assert got.message["Subject"] == "Your registration for 서울 Urban Forum is confirmed"
    assert max(got.raw) < 128, "7-bit on the wire, so any relay passes it on"
    text = got.message.get_body(("plain",)).get_content()
    html = got.message.get_body(("html",)).get_content()
    assert "Dear Łucja Wiśniewska," in text and "Łucja Wiśniewska" in html
    assert "9:00\u202fAM" in text and "9:00\u202fAM" in html
    [attachment] = list(got.message.iter_attachments())
    assert attachment.get_filename() == f"{event.slug}.ics"
    assert attachment.get_content_type() == "text/calendar" and attachment.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(attachment.get_content())
    assert calendar["METHOD"] == "REQUEST"
    entry = calendar.walk("VEVENT")[0]
    assert entry["ATTENDEE"] == "mailto:lucja@example.org" and entry["ATTENDEE"].params["CN"] == "Łucja Wiśniewska"
    assert entry["DTSTART"].params["TZID"] == "Asia/Seoul"
    assert entry.start == datetime(2099, 6, 15, 9, tzinfo=ZoneInfo("Asia/Seoul"))
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Asia/Seoul"
    [message] = outbox()
    assert message.status == "sent" and message.sent_at is not None and message.attempts == 1


def test_non_ascii_subjects_survive_the_trip(inbox):
    queue_message("kim@example.org", "Für Łucja Wiśniewska — 서울 · Αθήνα · القاهرة", "Текст")
    db.session.commit()
    sender.send_due()
    [got] = inbox.received
    assert got.message["Subject"] == "Für Łucja Wiśniewska — 서울 · Αθήνα · القاهرة"
    assert got.message.get_body(("plain",)).get_content().strip() == "Текст"


def test_one_connection_carries_the_whole_batch(inbox):
    queue(3)
    assert sender.send_due().sent == 3
    assert len({got.peer for got in inbox.received}) == 1
    assert sorted(got.rcpt_tos[0] for got in inbox.received) == [f"ana{n}@example.org" for n in range(3)]


def test_while_the_mail_server_is_down_messages_stay_queued_and_a_later_run_sends_them(inbox, outage):
    queue(2)
    before = utcnow()
    report = sender.send_due()
    assert (report.sent, report.retrying) == (0, 2)
    for message in outbox():
        assert message.status == "queued" and message.attempts == 1
        assert message.next_attempt_at > before and "ConnectionRefused" in message.last_error
    outage.end()
    assert sender.send_due().sent == 0, "not due yet: back-off"
    assert sender.send_due(now=utcnow() + timedelta(minutes=2)).sent == 2
    assert len(inbox.received) == 2
    assert [(m.status, m.attempts) for m in outbox()] == [("sent", 2), ("sent", 2)]


def test_a_refused_recipient_is_retried_and_does_not_hold_up_the_others(inbox):
    queue_message("reject@example.org", "Bounce", "Body")
    queue_message("ok@example.org", "Fine", "Body")
    db.session.commit()
    report = sender.send_due()
    assert (report.sent, report.retrying) == (1, 1)
    assert [got.rcpt_tos for got in inbox.received] == [["ok@example.org"]]
    refused = outbox()[0]
    assert refused.status == "queued" and refused.attempts == 1 and "550" in refused.last_error


def test_backoff_doubles_from_a_minute_up_to_an_hour():
    assert [sender.backoff(n) for n in range(1, 9)] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60)]


def test_after_the_last_attempt_a_message_is_failed_and_kept(inbox, outage):
    queue(1)
    now = utcnow()
    for attempt in range(1, sender.MAX_ATTEMPTS + 1):
        report = sender.send_due(now=now)
        assert outbox()[0].attempts == attempt
        now += timedelta(hours=2)
    assert report.failed == 1
    [message] = outbox()
    assert message.status == "failed" and message.last_error
    outage.end()
    assert sender.send_due(now=now + timedelta(days=1)).sent == 0, "failed messages are not retried on their own"
    assert inbox.received == []


def test_two_runs_back_to_back_send_each_message_once(inbox):
    queue(2)
    sender.send_due()
    sender.send_due()
    sender.send_due(now=utcnow() + timedelta(hours=1))
    assert len(inbox.received) == 2


def test_only_one_worker_wins_the_claim_on_a_message():
    queue(2)
    first, second = (m.id for m in outbox())
    now = utcnow()
    assert sender.claim_batch([first], now) == [first]
    assert sender.claim_batch([second, first], now) == [second]  # the second worker, a moment later
    # A worker that died holding the claim does not lose the message: the lease runs out.
    assert sender.claim_batch([first, second], now + sender.CLAIM_LEASE) == [first, second]


def at_once(app, work, workers: int = 3, timeout: float = 60) -> list:
    """Run `work` in `workers` threads released together, each in its own app context and database session,
    as separate mail workers would; what each returned. An exception in any of them fails the test."""
    barrier, errors, results = threading.Barrier(workers), [], []

    def worker():
        with app.app_context():
            try:
                barrier.wait()
                results.append(work())
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert errors == []
    return results


def test_concurrent_workers_send_every_message_exactly_once(app, inbox):
    queue(30)
    at_once(app, lambda: sender.send_due(limit=30))
    recipients = [got.rcpt_tos[0] for got in inbox.received]
    assert len(recipients) == 30 and len(set(recipients)) == 30
    assert {m.status for m in outbox()} == {"sent"}


def test_flask_mail_send_prints_a_summary(runner, inbox):
    queue(2)
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 2, failed 0, still queued 0." in result.output
    assert len(inbox.received) == 2


def test_flask_mail_send_loop_runs_until_interrupted(runner, inbox, monkeypatch):
    queue(1)
    real_send_due, calls = sender.send_due, []

    def send_then_interrupt(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_send_due(*args, **kwargs)

    monkeypatch.setattr(sender, "send_due", send_then_interrupt)
    result = runner.invoke(args=["mail", "send", "--loop", "--interval", "0"])
    assert result.exit_code == 0, result.output
    assert "Sent 1, failed 0, still queued 0." in result.output and "Stopped." in result.output
    assert len(inbox.received) == 1


def test_flask_mail_status_counts_and_shows_the_errors(runner, inbox, outage):
    queue(2)
    sender.send_due()
    outage.end()
    sender.send_due(now=utcnow() + timedelta(minutes=2), limit=1)
    result = runner.invoke(args=["mail", "status"])
    assert result.exit_code == 0, result.output
    assert "queued: 1, sent: 1, failed: 0" in result.output
    assert "ana1@example.org, 1 attempt(s)" in result.output and "ConnectionRefused" in result.output


def test_flask_mail_retry_gives_failed_messages_another_chance(runner, inbox):
    queue(1)
    message = outbox()[0]
    message.status, message.attempts, message.last_error = "failed", sender.MAX_ATTEMPTS, "SMTPDataError: 554"
    db.session.commit()
    result = runner.invoke(args=["mail", "retry"])
    assert "Queued 1 failed message(s) again." in result.output
    assert sender.send_due().sent == 1 and len(inbox.received) == 1


# The envelope: who writes (the event), where replies go (its organisers), and the contact in the footer.

def test_a_message_comes_from_the_event_and_replies_go_to_its_organisers(inbox):
    event = open_event(title="Kraków “Cities” Forum, 2099 · 서울", contact_email="forum@krakow.pl",
                       contact_phone="+48 12 616 12 00")
    registration = make_registration(event, full_name="Łucja Wiśniewska", email="lucja@example.org")
    services.cancel(registration)
    sender.send_due()
    cancelled = next(got for got in inbox.received if "cancelled" in got.message["Subject"])
    assert max(cancelled.raw) < 128, "the title is RFC 2047-encoded, not sent raw"
    assert cancelled.mail_from == "noreply@localhost"
    [author] = cancelled.message["From"].addresses
    assert (author.display_name, author.addr_spec) == ("Kraków “Cities” Forum, 2099 · 서울", "noreply@localhost")
    [reply_to] = cancelled.message["Reply-To"].addresses
    assert reply_to.addr_spec == "forum@krakow.pl"
    text = cancelled.message.get_body(("plain",)).get_content()
    html = cancelled.message.get_body(("html",)).get_content()
    assert "If this is a mistake, please contact the organisers: forum@krakow.pl · +48 12 616 12 00" in text
    footer = text.split("-- \n")[0].rstrip().splitlines()
    assert "Questions? Contact the organisers of Kraków “Cities” Forum, 2099 · 서울: forum@krakow.pl · +48 12 616 12 00" \
        in footer
    assert '<a href="mailto:forum@krakow.pl">forum@krakow.pl</a>' in html
    assert re.search(r'<a href="tel:\+48126161200"[^>]*>\+48 12 616 12 00</a>', html)
    assert re.search(r'<p id="contact">.*forum@krakow\.pl', html)


def test_every_message_about_an_event_carries_its_envelope_and_footer(inbox):
    event = open_event(title="Urban Forum", contact_email="urban@seoul.go.kr", capacity=1)
    make_registration(event, email="first@example.org")
    make_registration(event, email="second@example.org")  # waitlisted
    delegation = make_delegation(event, make_organisation(name="Seoul"), delegates=1)
    with atomic():
        notify_delegation_head(delegation)
    sender.send_due()
    assert len(inbox.received) >= 4
    for got in inbox.received:
        assert got.message["From"].addresses[0].display_name == "Urban Forum", got.message["Subject"]
        assert got.message["Reply-To"].addresses[0].addr_spec == "urban@seoul.go.kr"
        for part in ("plain", "html"):
            assert "urban@seoul.go.kr" in got.message.get_body((part,)).get_content(), (got.message["Subject"], part)


def test_an_international_contact_domain_is_sent_in_its_ascii_form(inbox):
    event = open_event(title="Москва 2099", contact_email="info@москва.рф")
    make_registration(event, email="ivan@example.org")
    sender.send_due()
    [got] = inbox.received
    assert got.message["Reply-To"].addresses[0].addr_spec == "info@xn--80adxhks.xn--p1ai"
    assert "info@москва.рф" in got.message.get_body(("plain",)).get_content()


def test_an_event_without_contact_sends_no_reply_to_and_points_to_its_page(inbox):
    event = open_event(title="Forum sans contact")
    services.cancel(make_registration(event, email="amelie@example.org"))
    sender.send_due()
    got = inbox.received[-1]
    assert got.message["From"].addresses[0].display_name == "Forum sans contact"
    assert got.message["Reply-To"] is None
    text = got.message.get_body(("plain",)).get_content()
    assert f"please contact the organisers: http://127.0.0.1:5000/events/{event.slug}" in text
    assert "Questions?" not in text


def test_a_message_queued_before_the_contact_changed_keeps_the_envelope_it_was_written_with(inbox):
    event = open_event(title="Forum", contact_email="old@example.org")
    make_registration(event, email="ana@example.org")
    with atomic():
        save_event({"contact_email": "new@example.org", "title": "Forum renamed"}, event)
    sender.send_due()
    [got] = inbox.received
    assert got.message["Reply-To"].addresses[0].addr_spec == "old@example.org"
    assert got.message["From"].addresses[0].display_name == "Forum"


def test_in_production_the_worker_refuses_a_sender_that_is_not_a_real_address(app, runner, inbox):
    queue(1)
    saved = app.config["TESTING"], app.config["MAIL_DEFAULT_SENDER"]
    app.config["TESTING"] = False
    try:
        for unusable in ("EventHub <noreply@localhost>", "", "events@mailhost"):
            app.config["MAIL_DEFAULT_SENDER"] = unusable
            result = runner.invoke(args=["mail", "send"])
            assert result.exit_code == 1 and "MAIL_DEFAULT_SENDER" in result.output, unusable
        assert inbox.received == [] and outbox()[0].status == "queued"
        app.config["MAIL_DEFAULT_SENDER"] = "EventHub Congresses <congress@network.example>"
        assert runner.invoke(args=["mail", "send"]).exit_code == 0
    finally:
        app.config["TESTING"], app.config["MAIL_DEFAULT_SENDER"] = saved
    [got] = inbox.received
    assert got.mail_from == "congress@network.example"
    assert str(got.message["From"]) == "EventHub Congresses <congress@network.example>"


def test_production_has_no_default_sender():
    """Read in a fresh interpreter: reloading config here would swap the classes the test app was built from."""
    import os
    import subprocess
    import sys

    def production_sender(**env) -> str:
        environment = {k: v for k, v in os.environ.items() if k != "MAIL_DEFAULT_SENDER"} | env
        code = "import config; print(repr(config.ProductionConfig.MAIL_DEFAULT_SENDER))"
        return subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True,
                              check=True).stdout.strip()

    assert production_sender() == "''"
    assert production_sender(MAIL_DEFAULT_SENDER="Congresses <c@network.example>") == "'Congresses <c@network.example>'"


def test_flask_mail_show_names_who_writes_and_where_replies_go(runner):
    event = open_event(title="Forum Kraków", contact_email="forum@krakow.pl")
    make_registration(event, email="ola@example.org")
    shown = runner.invoke(args=["mail", "show", "ola@example.org"])
    assert shown.exit_code == 0
    assert shown.output.startswith("From: Forum Kraków\nReply-To: forum@krakow.pl\nTo: ola@example.org\n")
