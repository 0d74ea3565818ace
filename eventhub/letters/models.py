"""Visa invitation letters and, per event, who signs them.

What the person typed (passport name, nationality, passport number, date of birth, embassy) is kept only
as one encrypted blob (eventhub.letters.crypto), erased by the retention job after the event; the rest
of the row is what an embassy's check of the verification code needs.
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.core.types import UTCDateTime, utcnow
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Registration

STATUSES = ("requested", "approved", "refused", "withdrawn")
# A registration has at most one letter in these at once; a refused or withdrawn one may be asked again.
OPEN_STATUSES = ("requested", "approved")


class VisaLetterSettings(db.Model):
    """Who signs an event's letters, and what the letterhead says besides the event."""

    __tablename__ = "visa_letter_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    signatory_name: Mapped[str] = mapped_column(String(200))
    signatory_title: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200))
    # Printed under the event's title at the top of every letter (address, registration number...).
    letterhead: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()


class VisaLetter(db.Model):
    """One request for a letter, from its request to its approval, refusal or withdrawal."""

    __tablename__ = "visa_letters"
    audit_type = "visa_letter"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in STATUSES)})", name="status_known"),
        CheckConstraint("status != 'approved' OR code IS NOT NULL", name="approved_has_code"),
        # One open request or approved letter per registration, whatever runs at once.
        Index("uq_visa_letters_one_open_per_registration", "registration_id", unique=True,
              sqlite_where=text("status IN ('requested', 'approved')"),
              postgresql_where=text("status IN ('requested', 'approved')")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="requested")
    # Fernet token of the JSON of the passport details; None once erased after the event.
    sealed: Mapped[str | None] = mapped_column(Text)
    # The passport name of an approved letter, shown to an embassy checking the code (a request's stays sealed);
    # None once the event is anonymised.
    holder_name: Mapped[str | None] = mapped_column(String(200))
    # The verification code printed on the letter and in its QR code (/letters/<code>); set on approval.
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    refusal_reason: Mapped[str | None] = mapped_column(String(500))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # When the passport details were erased (eventhub.letters.listeners, after the event).
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    registration: Mapped[Registration] = relationship()

    def __repr__(self) -> str:
        return f"<VisaLetter {self.id} registration={self.registration_id} {self.status}>"
