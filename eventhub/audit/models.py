"""Audit entries: who changed what, when."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from eventhub.core.types import UTCDateTime, utcnow
from eventhub.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        # An object's history (its page, and the trail filtered on it), newest first.
        Index("ix_audit_entries_subject", "subject_type", "subject_id", "at"),
        # An event's trail, newest first (eventhub/trail).
        Index("ix_audit_entries_event_at", "event_id", "at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The signed-in user or token owner; None when the registrant or the system acted.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Who acted, as shown in the trail: a user's email, "registrant", "system", "cli".
    actor: Mapped[str] = mapped_column(String(254))
    # e.g. "registration.confirmed", "registration.updated".
    action: Mapped[str] = mapped_column(String(60), index=True)
    # The subject's stable audit_type ("event", "session", "user"…), never a Python class name.
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column()
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # {"field": [old, new]} for updates, or any details of the action.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
