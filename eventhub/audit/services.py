"""Writing and reading the audit trail."""
from dataclasses import dataclass

from sqlalchemy import select

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user (organiser, API token owner) or a label such as "registrant"."""

    label: str
    user_id: int | None = None

    @classmethod
    def for_user(cls, user) -> "Actor":
        return cls(label=user.email, user_id=user.id)


SYSTEM = Actor("system")
REGISTRANT = Actor("registrant")


def record(actor: Actor, action: str, subject, event_id: int | None = None, changes: dict | None = None) -> AuditEntry:
    """Add an entry to the current transaction; the caller's commit makes it permanent with the change."""
    if subject.id is None:
        db.session.flush()
    entry = AuditEntry(
        actor=actor.label,
        user_id=actor.user_id,
        action=action,
        subject_type=type(subject).__name__.lower(),
        subject_id=subject.id,
        event_id=event_id,
        changes=changes or {},
    )
    db.session.add(entry)
    return entry


def trail(subject_type: str, subject_id: int, newest_first: bool = False) -> list[AuditEntry]:
    """The entries about one object, oldest first (newest first for the history tables on the pages)."""
    order = (AuditEntry.at.desc(), AuditEntry.id.desc()) if newest_first else (AuditEntry.at, AuditEntry.id)
    query = (
        select(AuditEntry)
        .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
        .order_by(*order)
    )
    return list(db.session.scalars(query))
