"""The outbox: every message waits here until the sender has handed it to the SMTP server."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eventhub.core.types import UTCDateTime, utcnow
from eventhub.extensions import db


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (CheckConstraint("status IN ('queued', 'sent', 'failed')", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    # The From display name (the event's title; None: MAIL_DEFAULT_SENDER's own) and where replies go
    # (the event's contact; None: no Reply-To). The address itself is always MAIL_DEFAULT_SENDER's.
    sender_name: Mapped[str | None] = mapped_column(String(200))
    reply_to: Mapped[str | None] = mapped_column(String(254))
    # [{"filename", "content_type", "content"}] with text content (e.g. an .ics file).
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    # queued until sent; failed only after the last retry.
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
