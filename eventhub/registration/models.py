"""Registrations of people for events, city delegations and the events' custom questions."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.core import tokens
from eventhub.core.types import UTCDateTime, utcnow
from eventhub.events.models import CATEGORIES, Event
from eventhub.extensions import db
from eventhub.members.models import Organisation


def N_(label: str) -> str:
    """Marks a label for the catalogue (pybabel extracts N_) without translating it here: it is
    translated where it is shown, _(label), in the language of that page or mail."""
    return label


STATUSES = {
    # Made through a public form and not yet confirmed through the link mailed to its address: holds no place.
    "unconfirmed": N_("E-mail address not confirmed yet"),
    "pending": N_("Pending approval"),
    "confirmed": N_("Confirmed"),
    "waitlisted": N_("On the waiting list"),
    "cancelled": N_("Cancelled"),
    "rejected": N_("Rejected"),
}
# Registrations that still hold (or wait for) a place.
ACTIVE_STATUSES = ("pending", "confirmed", "waitlisted")
QUESTION_KINDS = {
    "short_text": N_("Short text"),
    "long_text": N_("Long text"),
    "single_choice": N_("Single choice"),
    "multiple_choice": N_("Multiple choice"),
    "checkbox": N_("Checkbox"),
    "country": N_("Country"),
}


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class LinkSecrets:
    """The secret links of a row, kept as digest and salt columns (see eventhub.core.tokens).

    `<name>_token` rebuilds a link's secret for the pages and e-mails; `issue_<name>_token()` makes
    a new one, which kills the old link. A link issued before secrets were derived cannot be
    rebuilt; while its owner uses it (the lookup remembers what was presented), it is known.
    """

    def _secret(self, name: str) -> str | None:
        stored = getattr(self, f"{name}_token_digest")
        presented = self.__dict__.get(f"_presented_{name}")
        if presented and tokens.digest(presented) == stored:
            return presented
        return tokens.rebuild(f"{self.audit_type}-{name}", getattr(self, f"{name}_token_salt"), stored)

    def _issue(self, name: str) -> str:
        secret, salt, digest = tokens.issue(f"{self.audit_type}-{name}")
        setattr(self, f"{name}_token_salt", salt)
        setattr(self, f"{name}_token_digest", digest)
        return secret

    @classmethod
    def new_link_columns(cls, *names: str) -> dict:
        """The columns of new links, for rows inserted in bulk (the demo); their secrets can be rebuilt."""
        columns = {}
        for name in names:
            _secret, columns[f"{name}_token_salt"], columns[f"{name}_token_digest"] = tokens.issue(
                f"{cls.audit_type}-{name}")
        return columns

    @classmethod
    def by_digest(cls, name: str, value: str | None):
        """The row whose `name` link has this digest, else None."""
        column = getattr(cls, f"{name}_token_digest")
        return db.session.scalar(select(cls).where(column == value)) if value else None

    @classmethod
    def by_secret(cls, name: str, secret: str | None):
        """The row a link opens, else None; it remembers the secret, which its pages link with."""
        row = cls.by_digest(name, tokens.digest(secret)) if secret else None
        if row is not None:
            row.__dict__[f"_presented_{name}"] = secret
        return row


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


class Delegation(LinkSecrets, db.Model):
    """Several named delegates of one organisation, registered together by a head of delegation."""

    __tablename__ = "delegations"
    audit_type = "delegation"  # what its audit entries are filed under (eventhub.audit)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    organisation_name: Mapped[str | None] = mapped_column(String(200))
    head_name: Mapped[str] = mapped_column(String(200))
    head_email: Mapped[str] = mapped_column(String(254))
    # The head's manage link (/delegations/<token>): its digest (the lookup key) and the salt it is
    # derived from (LinkSecrets); no salt for links issued before migration 0013.
    manage_token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    manage_token_salt: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the head proved the address through the mailed link (None: the delegates hold no place yet).
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    registrations: Mapped[list["Registration"]] = relationship(
        back_populates="delegation", order_by="Registration.id"
    )

    @property
    def audit_label(self) -> str:
        """How other records' audit entries name this one."""
        return self.organisation_name or (self.organisation.name if self.organisation else "")

    @property
    def manage_token(self) -> str | None:
        """The secret of the head's manage link, for the pages and e-mails."""
        return self._secret("manage")

    def issue_manage_token(self) -> str:
        """A new manage link for the head (the old one stops working)."""
        return self._issue("manage")


class Registration(LinkSecrets, db.Model):
    __tablename__ = "registrations"
    audit_type = "registration"  # what its audit entries are filed under (eventhub.audit)
    __table_args__ = (
        UniqueConstraint("event_id", "email", name="uq_registrations_event_email"),
        CheckConstraint(_in("status", STATUSES), name="status_known"),
        CheckConstraint(_in("category", CATEGORIES), name="category_known"),
        # The organisers' list of a congress (migration 0021): counts per status, the first order, the sort
        # by name, and the organisation box and the sorts by organisation and country without the rows.
        Index("ix_registrations_event_status", "event_id", "status"),
        Index("ix_registrations_event_created", "event_id", "created_at"),
        Index("ix_registrations_event_search", "event_id", "search_text"),
        Index("ix_registrations_event_organisation", "event_id", "organisation_id", "organisation_name", "search_text"),
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
    # The language every e-mail to the person is written in: the form's, changeable on the manage page.
    locale: Mapped[str] = mapped_column(String(10), default="en", server_default="en")
    # The manage link (/registrations/<token>): its digest (the lookup key) and the salt it is
    # derived from (LinkSecrets); no salt for links issued before migration 0013.
    manage_token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    manage_token_salt: Mapped[str | None] = mapped_column(String(32))
    # The personal calendar feed (/calendar/<token>.ics), likewise; rotating it kills the old URL.
    calendar_token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    calendar_token_salt: Mapped[str | None] = mapped_column(String(32))
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

    @property
    def manage_token(self) -> str | None:
        """The secret of the manage link, for the pages and e-mails."""
        return self._secret("manage")

    @property
    def calendar_token(self) -> str | None:
        """The secret of the personal calendar feed, for the manage page."""
        return self._secret("calendar")

    def issue_manage_token(self) -> str:
        """A new manage link (the old one stops working)."""
        return self._issue("manage")

    def issue_calendar_token(self) -> str:
        """A new calendar feed address (the old one stops working)."""
        return self._issue("calendar")

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
