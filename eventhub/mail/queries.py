"""Read-side queries for the organisers' outbox page: who and what, never the bodies (they hold private links)."""
from sqlalchemy import select
from sqlalchemy.orm import load_only

from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage

# What the page may show of a message; the bodies and attachments are not even loaded.
LISTED = (OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.subject, OutboxMessage.status,
          OutboxMessage.attempts, OutboxMessage.last_error, OutboxMessage.next_attempt_at,
          OutboxMessage.created_at)


def latest(status: str, limit: int) -> list[OutboxMessage]:
    """The newest `limit` messages in this status, newest first."""
    query = (
        select(OutboxMessage)
        .options(load_only(*LISTED))
        .where(OutboxMessage.status == status)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
