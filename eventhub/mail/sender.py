"""Sending the outbox over SMTP: claim what is due, send it, record the outcome, retry with back-off.

A message is claimed with a conditional UPDATE that moves its next_attempt_at past a lease: only
the worker whose UPDATE matched (rowcount 1) sends it, on SQLite and PostgreSQL alike, without a
"sending" status. If that worker dies mid-send, the lease runs out and the message is due again,
so nothing is lost (at worst it is sent twice, never zero times).
"""
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import ContentTypeHeader
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, parseaddr

from flask import current_app
from sqlalchemy import select, update

from eventhub.core.transaction import atomic
from eventhub.core.types import utcnow
from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage

MAX_ATTEMPTS = 10
# How long a claimed message stays invisible to other workers: far longer than one SMTP send.
CLAIM_LEASE = timedelta(minutes=10)
SMTP_TIMEOUT = 30  # seconds for connecting and for each SMTP reply
# 7-bit transfer encodings (quoted-printable or base64) and RFC 2047 headers get any script
# through any relay, whether or not it speaks 8BITMIME or SMTPUTF8.
POLICY = SMTP_POLICY.clone(cte_type="7bit")


@dataclass
class Report:
    """What one run of the sender did."""

    sent: int = 0
    failed: int = 0  # given up on for good in this run
    retrying: int = 0  # failed this time, queued for a later attempt


def backoff(attempts: int) -> timedelta:
    """The wait after the n-th failed attempt: 1, 2, 4, 8 … minutes, never more than an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def due_ids(now: datetime, limit: int) -> list[int]:
    """Queued messages whose time has come, oldest first."""
    query = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def claim(message_id: int, now: datetime) -> bool:
    """Take one message for this worker; False when another worker got it first.

    The UPDATE only matches while the message is still queued and due, and a concurrent
    UPDATE of the same row waits for ours and then no longer matches.
    """
    with atomic():
        result = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == "queued",
                   OutboxMessage.next_attempt_at <= now)
            .values(next_attempt_at=now + CLAIM_LEASE)
            .execution_options(synchronize_session=False)
        )
    return result.rowcount == 1


def build_email(message: OutboxMessage) -> EmailMessage:
    """The outbox row as a MIME message: text, HTML alternative, then the attachments."""
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    email = EmailMessage(policy=POLICY)
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = message_id_header(message)
    email.set_content(message.text_body)
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html")
    for attachment in message.attachments or []:
        _attach(email, attachment)
    return email


def message_id_header(message: OutboxMessage) -> str:
    """The same Message-ID on every attempt, so a copy sent twice (a worker died after sending) reads as one."""
    domain = sender_address().rpartition("@")[2] or "eventhub.invalid"
    return f"<outbox.{message.id}.{int(message.created_at.timestamp())}@{domain}>"


def _attach(email: EmailMessage, attachment: dict) -> None:
    """Add one stored attachment, keeping parameters such as METHOD=REQUEST of a calendar."""
    content_type = ContentTypeHeader.value_parser(attachment.get("content_type") or "application/octet-stream")
    maintype, subtype = content_type.maintype, content_type.subtype
    params = {k: v for k, v in content_type.params if k.lower() != "charset"}
    content = attachment["content"]
    if maintype == "text":
        email.add_attachment(content, subtype=subtype, filename=attachment["filename"], params=params)
    else:
        data = content.encode("utf-8") if isinstance(content, str) else content
        email.add_attachment(data, maintype=maintype, subtype=subtype, filename=attachment["filename"], params=params)


def connect() -> smtplib.SMTP:
    """One SMTP connection to the configured server."""
    return smtplib.SMTP(current_app.config["MAIL_SERVER"], current_app.config["MAIL_PORT"], timeout=SMTP_TIMEOUT)


class Connection:
    """The one SMTP connection of a batch, opened on first use.

    A server that cannot be reached fails the rest of the batch at once, rather than waiting
    out a connection timeout for every message.
    """

    def __init__(self):
        self.smtp, self.error = None, None

    def send(self, email: EmailMessage, recipient: str) -> None:
        """Hand one message to the server; raises OSError or SMTPException when it did not take it."""
        if self.error is not None:
            raise self.error
        if self.smtp is None:
            try:
                self.smtp = connect()
            except (OSError, smtplib.SMTPException) as error:
                self.error = error
                raise
        try:
            self.smtp.send_message(email, from_addr=sender_address(), to_addrs=[recipient])
        except (OSError, smtplib.SMTPServerDisconnected):
            self.close()  # the next message opens a fresh connection
            raise

    def close(self) -> None:
        """Say goodbye if the server still listens; close the socket either way."""
        if self.smtp is None:
            return
        try:
            self.smtp.quit()
        except (OSError, smtplib.SMTPException):
            self.smtp.close()
        self.smtp = None


def sender_address() -> str:
    """The bare address of MAIL_DEFAULT_SENDER, for the SMTP envelope."""
    return parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]


def mark_sent(message: OutboxMessage, now: datetime) -> None:
    """The server took the message: done, for good (last_error stays as the story of earlier attempts)."""
    with atomic():
        message.status, message.sent_at = "sent", now
        message.attempts += 1


def mark_failed_attempt(message: OutboxMessage, error: Exception, now: datetime) -> str:
    """Record a failed attempt: retry later with back-off, or give up after MAX_ATTEMPTS. Returns the status."""
    with atomic():
        message.attempts += 1
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            # Kept, never deleted: `flask mail status` shows it and `flask mail retry` queues it again.
            message.status, message.next_attempt_at = "failed", now
        else:
            message.next_attempt_at = now + backoff(message.attempts)
    current_app.logger.warning(
        "Mail %s to %s: attempt %s failed (%s): %s",
        message.id, message.recipient, message.attempts, message.status, message.last_error,
    )
    return message.status


def send_due(limit: int = 100, now: datetime | None = None) -> Report:
    """Send up to `limit` due messages over one SMTP connection; each claim and each outcome is its own
    unit of work, so a crash loses at most the message in hand (and its lease brings it back).

    `now` lets tests travel in time instead of sleeping.
    """
    now = now or utcnow()
    report, connection = Report(), Connection()
    try:
        for message_id in due_ids(now, limit):
            if not claim(message_id, now):
                continue  # another worker has it
            message = db.session.get(OutboxMessage, message_id)
            try:
                connection.send(build_email(message), message.recipient)
            # Anything, not only SMTP errors: one message that cannot be built (a malformed
            # address, say) must not stop the ones behind it.
            except Exception as error:  # noqa: BLE001
                if mark_failed_attempt(message, error, now) == "failed":
                    report.failed += 1
                else:
                    report.retrying += 1
            else:
                mark_sent(message, now)
                report.sent += 1
    finally:
        connection.close()
    return report
