"""Sending the outbox over SMTP: claim what is due, send it, record the outcome, retry with back-off.

Messages are claimed a batch at a time with a conditional UPDATE that moves their next_attempt_at
past a lease: only the worker whose UPDATE matched a row (RETURNING names them) sends it, on SQLite
and PostgreSQL alike, without a "sending" status. If that worker dies mid-send, the lease runs out
and the message is due again, so nothing is lost (at worst it is sent twice, never zero times).
"""
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address, ContentTypeHeader
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, parseaddr
from time import monotonic

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
    found: int = 0  # due messages the run looked at (some may have gone to another worker)

    @property
    def handled(self) -> int:
        """Messages this run tried to send."""
        return self.sent + self.failed + self.retrying

    def add(self, other: "Report") -> None:
        """Count another batch's outcome into these totals."""
        self.sent, self.failed = self.sent + other.sent, self.failed + other.failed
        self.retrying, self.found = self.retrying + other.retrying, self.found + other.found


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


def build_email(message: OutboxMessage) -> EmailMessage:
    """The outbox row as a MIME message: text, HTML alternative, then the attachments.

    From is MAIL_DEFAULT_SENDER's address under the event's title ("Kraków Summit" <events@…>), so
    people see who writes; Reply-To is the event's contact, so a reply reaches its organisers rather
    than the sending mailbox. Headerregistry's Address quotes and RFC 2047-encodes any title.
    """
    configured_name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"] or "")
    email = EmailMessage(policy=POLICY)
    email["From"] = Address(display_name=message.sender_name or configured_name, addr_spec=address)
    if message.reply_to:
        email["Reply-To"] = Address(display_name=message.sender_name or "", addr_spec=ascii_address(message.reply_to))
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


def ascii_address(address: str) -> str:
    """An address with an internationalised domain (info@москва.рф) as every relay reads it (info@xn--….xn--p1ai).

    events.validation accepts only ASCII mailbox names, so the domain is the only part to convert.
    """
    local, _at, domain = address.rpartition("@")
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return address  # sending reports it as that message's error


def configuration_problem() -> str | None:
    """Why mail cannot go out as configured, or None. Outside development and tests the sender must be
    a real address: a "noreply@localhost" From is refused or filed as spam by the receiving servers."""
    address = sender_address()
    if current_app.debug or current_app.testing:
        return None
    domain = address.rpartition("@")[2].lower()
    if not address or "." not in domain or domain.endswith((".localhost", ".local")) or domain == "localhost":
        return ("MAIL_DEFAULT_SENDER is not set to a real address (it is {!r}). Set it to the address e-mails "
                "come from, e.g. 'EventHub <events@network.example>'.").format(address)
    return None


def sender_address() -> str:
    """The bare address of MAIL_DEFAULT_SENDER, for the SMTP envelope."""
    return parseaddr(current_app.config["MAIL_DEFAULT_SENDER"] or "")[1]


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


def claim_batch(message_ids: list[int], now: datetime) -> list[int]:
    """Take these messages for this worker in one transaction; returns the ones it got, in the given order.

    The UPDATE matches only rows still queued and due. A concurrent UPDATE of the same rows waits for
    ours (PostgreSQL's row locks, SQLite's single writer) and then no longer matches them: each message
    goes to one worker.
    """
    if not message_ids:
        return []
    table = OutboxMessage.__table__
    with atomic():
        taken = set(db.session.scalars(
            update(table)
            .where(table.c.id.in_(message_ids), table.c.status == "queued", table.c.next_attempt_at <= now)
            .values(next_attempt_at=now + CLAIM_LEASE)
            .returning(table.c.id)
        ))
    return [message_id for message_id in message_ids if message_id in taken]


def release(message_ids: list[int], now: datetime) -> None:
    """Hand claimed but unsent messages back at once (due again), rather than when their lease runs out."""
    if not message_ids:
        return
    with atomic():
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(message_ids), OutboxMessage.status == "queued",
                   OutboxMessage.next_attempt_at == now + CLAIM_LEASE)
            .values(next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )


def _send_one(connection: "Connection", message: OutboxMessage, now: datetime, report: Report) -> None:
    """Send one claimed message and record the outcome (its own unit of work)."""
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


def send_due(limit: int = 100, now: datetime | None = None) -> Report:
    """Send one batch: up to `limit` due messages, claimed together (one transaction), sent over one SMTP
    connection, each outcome recorded in its own unit of work, so a crash loses at most the message in
    hand (and its lease brings it back, as it does the unsent rest of the batch).

    A batch that takes so long that its lease is about to run out hands its unsent rest back, so
    that no other worker sends them while this one still might. `now` lets tests travel in time.
    """
    now = now or utcnow()
    report, connection = Report(), Connection()
    report.found = len(found := due_ids(now, limit))
    claimed = claim_batch(found, now) if found else []
    # Leave a margin of two SMTP timeouts: the message in hand may take that long.
    deadline = monotonic() + (CLAIM_LEASE.total_seconds() - 2 * SMTP_TIMEOUT)
    try:
        for position, message_id in enumerate(claimed):
            if monotonic() > deadline:
                release(claimed[position:], now)
                break
            _send_one(connection, db.session.get(OutboxMessage, message_id), now, report)
    finally:
        connection.close()
    return report


def send_all(batch: int = 100, now: datetime | None = None, progress=None, stop=None) -> Report:
    """Send everything that is due, batch after batch, until none is left; returns the totals.

    Several workers may run at once: each message is claimed by one of them, and each worker stops
    when it finds nothing due that it could take. Messages that fail are retried later (back-off), not
    within this run. `progress(totals)` is called after each full batch, when more may follow; `stop()`
    is asked before each batch (a worker told to stop finishes its batch, not the whole queue).
    """
    totals = Report()
    while stop is None or not stop():
        report = send_due(batch, now)
        totals.add(report)
        if report.handled and report.found >= batch and progress is not None:
            progress(totals)  # a full batch: more may follow
        if not report.found:
            break
    return totals
