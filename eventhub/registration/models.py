"""Registrations of people for events, city delegations and the events' custom questions."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.core.types import UTCDateTime, utcnow
from eventhub.events.models import CATEGORIES, Event
from eventhub.extensions import db
from eventhub.members.models import Organisation

STATUSES = {
    "pending": "Pending approval",
    "confirmed": "Confirmed",
    "waitlisted": "On the waiting list",
    "cancelled": "Cancelled",
    "rejected": "Rejected",
}
# Registrations that still hold (or wait for) a place.
ACTIVE_STATUSES = ("pending", "confirmed", "waitlisted")
QUESTION_KINDS = {
    "short_text": "Short text",
    "long_text": "Long text",
    "single_choice": "Single choice",
    "multiple_choice": "Multiple choice",
    "checkbox": "Checkbox",
    "country": "Country",
}


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Question(db.Model):
    """A custom question on an event's registration form, e.g. dietary needs."""

    __tablename__ = "registration_questions"
    audit_type = "question"  # what its audit entries are filed under (eventhub.audit)
    __table_args__ = (
        UniqueConstraint("event_id", "key", name="uq_registration_questions_event_key"),
        CheckConstraint(_in("kind", QUESTION_KINDS), name="kind_known"),
        # Ids never come back after a delete, so no new row inherits a deleted one's audit trail.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # Stable identifier used in answers, CSV headers and the API, e.g. "dietary_needs".
    key: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(300))
    help_text: Mapped[str | None] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20))
    required: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    # The choices of single and multiple choice questions.
    options: Mapped[list] = mapped_column(JSON, default=list)

    event: Mapped[Event] = relationship()

    @property
    def audit_label(self) -> str:
        """How other records' audit entries name this one."""
        return self.key


class Delegation(db.Model):
    """Several named delegates of one organisation, registered together by a head of delegation."""

    __tablename__ = "delegations"
    audit_type = "delegation"  # what its audit entries are filed under (eventhub.audit)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    organisation_name: Mapped[str | None] = mapped_column(String(200))
    head_name: Mapped[str] = mapped_column(String(200))
    head_email: Mapped[str] = mapped_column(String(254))
    # Secret of the head's manage link (/delegations/<token>).
    manage_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    registrations: Mapped[list["Registration"]] = relationship(
        back_populates="delegation", order_by="Registration.id"
    )

    @property
    def audit_label(self) -> str:
        """How other records' audit entries name this one."""
        return self.organisation_name or (self.organisation.name if self.organisation else "")


class Registration(db.Model):
    __tablename__ = "registrations"
    audit_type = "registration"  # what its audit entries are filed under (eventhub.audit)
    __table_args__ = (
        UniqueConstraint("event_id", "email", name="uq_registrations_event_email"),
        CheckConstraint(_in("status", STATUSES), name="status_known"),
        CheckConstraint(_in("category", CATEGORIES), name="category_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    # Lower-cased by the service, so the unique constraint is case-insensitive.
    email: Mapped[str] = mapped_column(String(254))
    position: Mapped[str | None] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    # Free text when the organisation is not in the member records; organisers may link it later.
    organisation_name: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20), default="delegate")
    status: Mapped[str] = mapped_column(String(20), index=True)
    # Question key -> answer (text, list of choices, bool, or country code).
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    privacy_consent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Whether the person agreed to appear in the participant list.
    listed: Mapped[bool] = mapped_column(default=False)
    # Secret of the manage link (/registrations/<token>).
    manage_token: Mapped[str] = mapped_column(String(64), unique=True)
    # Secret of the personal calendar feed (/calendar/<token>.ics); rotating it kills the old URL.
    calendar_token: Mapped[str] = mapped_column(String(64), unique=True)
    # Times the calendar entry mailed to this person was withdrawn or sent again after that; added
    # to the event's sequence, so a CANCEL outranks the REQUEST before it, and a return the CANCEL.
    invitation_sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    delegation_id: Mapped[int | None] = mapped_column(ForeignKey("delegations.id", ondelete="SET NULL"), index=True)
    # Folded name, email and typed organisation (eventhub.core.text.fold), for accent-insensitive search.
    search_text: Mapped[str] = mapped_column(String(700), default="")
    # Order on the waiting list: when the registration joined it (None when not waitlisted).
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    delegation: Mapped[Delegation | None] = relationship(back_populates="registrations")

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    def refresh_search_text(self) -> None:
        """Keep search_text in step with the fields it folds."""
        from eventhub.core.text import fold

        self.search_text = fold(" ".join(filter(None, (self.full_name, self.email, self.organisation_name))))

    @property
    def category_label(self) -> str:
        return CATEGORIES.get(self.category, self.category)

    @property
    def organisation_display(self) -> str:
        """The linked record's name, else the name the person typed."""
        return self.organisation.name if self.organisation else (self.organisation_name or "")

    def __repr__(self) -> str:
        return f"<Registration {self.email} {self.status}>"

    @property
    def audit_label(self) -> str:
        """How other records' audit entries name this one."""
        return self.email
