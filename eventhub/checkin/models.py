"""Scans at the door. Every scan is a row, the refused ones too: per-day attendance and a full history."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.core.types import UTCDateTime, utcnow
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Registration


class CheckIn(db.Model):
    __tablename__ = "checkins"
    audit_type = "checkin"  # what its audit entries are filed under (eventhub.audit)
    __table_args__ = (
        CheckConstraint("outcome IN ('ok', 'duplicate', 'invalid')", name="outcome_known"),
        # The check-in of a day: one per registration, whatever runs at once, until undone.
        Index("uq_checkins_one_per_registration_and_day", "registration_id", "day", unique=True,
              sqlite_where=text("outcome = 'ok' AND undone_at IS NULL"),
              postgresql_where=text("outcome = 'ok' AND undone_at IS NULL")),
        Index("ix_checkins_event_day", "event_id", "day"),
        # A station's count of the day: every scan's answer shows it.
        Index("ix_checkins_standing_by_station", "event_id", "day", "station",
              sqlite_where=text("outcome = 'ok' AND undone_at IS NULL"),
              postgresql_where=text("outcome = 'ok' AND undone_at IS NULL")),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    # None for a code that belongs to nobody (or to another event's attendee: not this event's business).
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"),
                                                        index=True)
    # The event day it counts for, on the venue's calendar (eventhub.checkin.services.event_day).
    day: Mapped[date] = mapped_column(Date)
    station: Mapped[str] = mapped_column(String(60))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # When the device scanned it (an offline device sends it later) and when the server heard of it.
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(String(10))
    # Why a scan was refused (eventhub.badges.services outcomes: unknown, revoked, ...), or None.
    reason: Mapped[str | None] = mapped_column(String(20))
    # The device's id for this scan: sending it again (a retry, an offline replay) changes nothing.
    scan_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    registration: Mapped[Registration | None] = relationship()
    event: Mapped[Event] = relationship()

    @property
    def audit_label(self) -> str:
        return f"check-in #{self.id}"
