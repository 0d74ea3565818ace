"""The session agenda of an event."""
import uuid
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.core.translated import Translatable
from eventhub.core.types import UTCDateTime, utcnow
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.members.models import Organisation
from eventhub.registration.models import Registration

# Stored value -> label in the language being spoken (lazy: str() one before keeping or comparing it).
SESSION_STATUSES = {"draft": _l("Draft"), "scheduled": _l("Scheduled"), "cancelled": _l("Cancelled")}
PERSON_ROLES = {"speaker": _l("Speaker"), "moderator": _l("Moderator"), "panellist": _l("Panellist")}
SIGNUP_STATUSES = {"confirmed": _l("Confirmed"), "waitlisted": _l("On the waiting list"), "cancelled": _l("Cancelled")}
# The session kinds the migrations seed: rows of the database, named as organisers may rename them.
DEFAULT_KINDS = ("Plenary", "Parallel session", "Workshop", "Side event", "Site visit", "Networking", "Break")


class Room(db.Model):
    __tablename__ = "rooms"
    audit_type = "room"  # what its audit entries are filed under (eventhub.audit)
    __table_args__ = (
        UniqueConstraint("event_id", "name", name="uq_rooms_event_name"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_positive"),
        # Ids never come back after a delete, so no new row inherits a deleted one's audit trail.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    capacity: Mapped[int | None]
    location: Mapped[str | None] = mapped_column(String(200))
    accessibility: Mapped[str | None] = mapped_column(String(500))
    # Column order in the timetable.
    position: Mapped[int] = mapped_column(default=0)

    @property
    def audit_label(self) -> str:
        """How other records' audit entries name this one."""
        return self.name


class Track(db.Model):
    __tablename__ = "tracks"
    audit_type = "track"  # what its audit entries are filed under (eventhub.audit)
    __table_args__ = (
        UniqueConstraint("event_id", "name", name="uq_tracks_event_name"),
        # Ids never come back after a delete, so no new row inherits a deleted one's audit trail.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # CSS hex colour such as "#2e7d32", used in the timetable, the PDF and the feeds.
    colour: Mapped[str] = mapped_column(String(7), default="#0a66c2")

    @property
    def audit_label(self) -> str:
        """How other records' audit entries name this one."""
        return self.name


# The kinds migration 0003 seeds, by their stored names: shown translated, stored as they are.
SEEDED_KIND_NAMES = {"Plenary": _l("Plenary"), "Parallel session": _l("Parallel session"), "Workshop": _l("Workshop"),
                     "Side event": _l("Side event"), "Site visit": _l("Site visit"), "Networking": _l("Networking"),
                     "Break": _l("Break")}


class SessionKind(db.Model):
    """Plenary, workshop, site visit …; the defaults are seeded by the migration, organisers add more."""

    __tablename__ = "session_kinds"
    # Ids never come back after a delete, so no new row inherits a deleted one's audit trail.
    __table_args__ = {"sqlite_autoincrement": True}
    audit_type = "session_kind"  # what its audit entries are filed under (eventhub.audit)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)

    @property
    def display_name(self) -> str:
        """The name in the reader's language for the kinds the migration seeds; as typed for the others."""
        return str(SEEDED_KIND_NAMES.get(self.name, self.name))

    @property
    def audit_label(self) -> str:
        """How other records' audit entries name this one."""
        return self.name


class AgendaSession(Translatable, db.Model):
    """One session of the agenda (named so it is never confused with the database session)."""

    __tablename__ = "agenda_sessions"
    audit_type = "session"  # what its audit entries are filed under (eventhub.audit)
    # In the event's main language in the columns, others in `translations` (eventhub.core.translated).
    TRANSLATABLE = ("title", "description")
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        CheckConstraint("status IN ('draft', 'scheduled', 'cancelled')", name="status_known"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_positive"),
        # Ids never come back after a delete, so no new row inherits a deleted one's audit trail.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # Created once and never changed: calendar UIDs and frab GUIDs are built from it.
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    kind_id: Mapped[int | None] = mapped_column(ForeignKey("session_kinds.id", ondelete="SET NULL"), index=True)
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="SET NULL"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"), index=True)
    # Both None: an unscheduled draft, waiting in the timetable's tray for a time.
    start_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    end_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Language code of the session, e.g. "en"; interpretation says whether it is interpreted.
    language: Mapped[str] = mapped_column(String(10), default="en")
    interpretation: Mapped[bool] = mapped_column(default=False)
    # None: the room's capacity.
    capacity: Mapped[int | None]
    signup_required: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    # Raised whenever time, room or status change: calendar apps compare it (iCal SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    kind: Mapped[SessionKind | None] = relationship(lazy="joined")
    track: Mapped[Track | None] = relationship(lazy="joined")
    room: Mapped[Room | None] = relationship(lazy="joined")
    people: Mapped[list["SessionPerson"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionPerson.position"
    )

    @property
    def effective_capacity(self) -> int | None:
        return self.capacity if self.capacity is not None else (self.room.capacity if self.room else None)

    @property
    def audit_label(self) -> str:
        """How other records' audit entries name this one."""
        return self.title


class SessionPerson(db.Model):
    """A speaker, moderator or panellist: a registration of the event, or an external person."""

    __tablename__ = "session_people"
    __table_args__ = (CheckConstraint("role IN ('speaker', 'moderator', 'panellist')", name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("agenda_sessions.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="speaker")
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"), index=True)
    # For external speakers; copied from the registration otherwise, so the agenda reads without joins.
    name: Mapped[str] = mapped_column(String(200))
    position_title: Mapped[str | None] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    # Order of appearance on the session page.
    position: Mapped[int] = mapped_column(default=0)

    session: Mapped[AgendaSession] = relationship(back_populates="people")
    registration: Mapped[Registration | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class SignUp(db.Model):
    """A confirmed registrant's place (or waiting-list spot) in a session that requires sign-up."""

    __tablename__ = "signups"
    audit_type = "signup"  # what its audit entries are filed under (eventhub.audit)
    __table_args__ = (
        UniqueConstraint("session_id", "registration_id", name="uq_signups_session_registration"),
        CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("agenda_sessions.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[AgendaSession] = relationship()
    registration: Mapped[Registration] = relationship()

    @property
    def audit_label(self) -> str:
        """How other records' audit entries name this one."""
        return f"signup {self.id}"


class Star(db.Model):
    """A session on someone's personal agenda."""

    __tablename__ = "agenda_stars"
    __table_args__ = (UniqueConstraint("registration_id", "session_id", name="uq_agenda_stars_registration_session"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("agenda_sessions.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
