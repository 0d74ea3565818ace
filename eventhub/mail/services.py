"""Queueing messages; sending lives in eventhub.mail.sender."""
from contextlib import contextmanager

from flask_babel import force_locale
from sqlalchemy import delete, func, select, update

from eventhub.core import languages
from eventhub.core.types import utcnow
from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage


@contextmanager
def written_in(language: str | None):
    """Write a message in its reader's language: inside, gettext, dates, numbers and |localized event
    content speak `language` (a registrant's or an account's), whatever the request around it speaks
    (an organiser approving someone, say). Works outside requests too (the CLI, the mail worker).
    An unknown code writes English rather than failing to send."""
    with force_locale(languages.normalise(language) or languages.DEFAULT):
        yield


def queue_message(
    recipient: str, subject: str, text_body: str, html_body: str | None = None, attachments: list[dict] | None = None,
    sender_name: str | None = None, reply_to: str | None = None,
) -> OutboxMessage:
    """Put a message in the outbox within the caller's transaction: no commit here, so the message
    exists if and only if the change it reports is committed.

    sender_name: the From display name (an event's title), sent from MAIL_DEFAULT_SENDER's address;
    reply_to: where replies go (the event's contact). Both are kept with the message, so it goes out
    as it was written even if the event changes before the worker sends it.

    The subject and sender name are made one line: a header with a line break in it cannot be sent
    at all, and a title typed before such input was refused must not hold a person's mail back.
    """
    message = OutboxMessage(
        recipient=recipient, subject=_one_line(subject, 300), text_body=text_body, html_body=html_body,
        attachments=attachments or [], sender_name=_one_line(sender_name, 200) or None, reply_to=reply_to or None,
    )
    db.session.add(message)
    return message


def withdraw_queued(recipient: str, subject: str) -> int:
    """Take back messages to this recipient with this subject that no worker has picked up yet (a newer
    message says the same thing better); how many. One conditional DELETE: a message a worker has just
    claimed (its next attempt moved past now) or tried is left alone and goes out."""
    result = db.session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.recipient == recipient, OutboxMessage.subject == _one_line(subject, 300),
               OutboxMessage.status == "queued", OutboxMessage.attempts == 0,
               OutboxMessage.next_attempt_at <= utcnow())
        .execution_options(synchronize_session=False))
    return result.rowcount


def _one_line(text: str | None, limit: int) -> str:
    """Text for a mail header: whitespace runs (line breaks included) as one space, cut at the column's length."""
    return " ".join((text or "").split())[:limit]


def counts_by_status() -> dict[str, int]:
    """How many messages are queued, sent and failed (every status present, zero when none)."""
    rows = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    return {"queued": 0, "sent": 0, "failed": 0, **{status: count for status, count in rows}}


def recent_errors(limit: int = 10) -> list[OutboxMessage]:
    """Unsent messages that have failed at least once, the latest first."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status != "sent", OutboxMessage.last_error.is_not(None))
        .order_by(OutboxMessage.next_attempt_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def requeue_failed(now=None) -> int:
    """Give every failed message a fresh set of attempts (after fixing the mail server, say). Returns how many."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "failed")
        .values(status="queued", attempts=0, next_attempt_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def newest_for(recipient: str) -> OutboxMessage | None:
    """The newest message queued for an address (compared in lower case, as registrations store them)."""
    query = select(OutboxMessage).where(func.lower(OutboxMessage.recipient) == recipient.strip().lower())
    return db.session.scalars(query.order_by(OutboxMessage.id.desc()).limit(1)).first()
