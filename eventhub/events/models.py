"""Events: congresses and network meetings."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.core.translated import Translatable
from eventhub.core.types import UTCDateTime, utcnow
from eventhub.events.image_model import EventImage
from eventhub.extensions import db
from eventhub.members.models import Network, Organisation

# Stored value -> label in the language being spoken. The labels are lazy (translated when shown): str()
# one before keeping or comparing it; the database, the API and CSV files hold the keys.
KINDS = {"congress": _l("Congress"), "network_meeting": _l("Network meeting")}
# In context: an event's status agrees with "event" (masculine in French and Portuguese, unlike a session).
STATUSES = {"draft": lazy_pgettext("event status", "Draft"), "published": lazy_pgettext("event status", "Published"),
            "cancelled": lazy_pgettext("event status", "Cancelled")}
# The categories people take part in; each event says which of them the public may choose.
CATEGORIES = {"delegate": _l("Delegate"), "speaker": _l("Speaker"), "partner": _l("Partner"), "press": _l("Press"),
              "staff": _l("Staff")}


class Event(Translatable, db.Model):
    __tablename__ = "events"
    audit_type = "event"  # what its audit entries are filed under (eventhub.audit)
    TRANSLATABLE = ("title", "summary", "description")
    __table_args__ = (
        CheckConstraint("kind IN ('congress', 'network_meeting')", name="kind_known"),
        CheckConstraint("status IN ('draft', 'published', 'cancelled')", name="status_known"),
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_positive"),
        CheckConstraint("delegate_quota IS NULL OR delegate_quota >= 1", name="delegate_quota_positive"),
        CheckConstraint("non_member_policy IN ('confirm', 'approve')", name="non_member_policy_known"),
        CheckConstraint(
            "registration_opens IS NULL OR registration_closes IS NULL OR registration_closes > registration_opens",
            name="registration_window_ordered",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    # Used in public URLs; generated from the title, editable by organisers.
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    summary: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    # The main language (eventhub.core.languages): the one title, summary and description are written in,
    # that printed programmes and badges are labelled in, and that new registrations default to.
    language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")
    host_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    # How participants reach the organisers: shown on the event page and in every mail about the event,
    # whose replies go to the address (Reply-To). Optional, so events made before it existed stay valid.
    contact_email: Mapped[str | None] = mapped_column(String(254))
    # Free international format ("+55 11 3396-1234"), checked leniently by events.validation.
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    venue_name: Mapped[str | None] = mapped_column(String(200))
    venue_address: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    # IANA name such as "America/Sao_Paulo"; all times are shown in it.
    timezone: Mapped[str] = mapped_column(String(64))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    # iCal SEQUENCE of event.ics: raised when dates, zone, venue or status change, so calendars update their copy.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    registration_opens: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes: Mapped[datetime | None] = mapped_column(UTCDateTime)
    capacity: Mapped[int | None]
    # For a network meeting: when set, only members of this network may register.
    network_id: Mapped[int | None] = mapped_column(ForeignKey("networks.id", ondelete="SET NULL"), index=True)
    # At most this many active registrations per organisation (None: no limit).
    delegate_quota: Mapped[int | None]
    # Registrations from non-members or unlisted organisations: "confirm" directly or "approve" first.
    non_member_policy: Mapped[str] = mapped_column(String(10), default="confirm", server_default="confirm")
    # When the session agenda was made public; None while organisers are still building it.
    agenda_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Categories the public may choose on the form, comma-separated; organisers may set any.
    public_categories: Mapped[str] = mapped_column(String(100), default="delegate", server_default="delegate")
    # When its registrations were anonymised (eventhub.registration.retention); None while they are whole.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    host_organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    network: Mapped[Network | None] = relationship()
    # Its logo or banner (eventhub.events.images); the image's bytes load only when asked for.
    image: Mapped[EventImage | None] = relationship(lazy="select", passive_deletes=True)

    @property
    def kind_label(self) -> str:
        """The kind in the language being spoken, e.g. "Congrès"."""
        return str(KINDS.get(self.kind, self.kind))

    @property
    def status_label(self) -> str:
        """The status in the language being spoken, e.g. "Publié"."""
        return str(STATUSES.get(self.status, self.status))

    @property
    def public_category_list(self) -> list[str]:
        return [c for c in self.public_categories.split(",") if c]

    @property
    def location(self) -> str | None:
        """Venue name and address on one line, as calendars and printed pages show it."""
        # Addresses typed into a browser's text box come back with \r\n line ends.
        address = ", ".join(line.strip() for line in (self.venue_address or "").splitlines() if line.strip())
        return ", ".join(part for part in (self.venue_name, address) if part) or None

    @property
    def contact_phone_uri(self) -> str | None:
        """The contact phone as a tel: link a phone can dial: "+55 (11) 3396-1234" -> "tel:+551133961234"."""
        if not self.contact_phone:
            return None
        return "tel:+" + "".join(character for character in self.contact_phone if character.isdigit())

    @property
    def is_public(self) -> bool:
        """Published and cancelled events have public pages; drafts do not."""
        return self.status != "draft"

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"

    @property
    def audit_label(self) -> str:
        """How other records' audit entries name this one."""
        return self.title
