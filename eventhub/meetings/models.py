"""Bilateral meetings: tables (areas), windows cut into slots, requests between participants, meetings.

Slots are stored (one row per slot of a window), so a meeting names its slot by id and the database
itself refuses two meetings on one table in one slot, and a person in two meetings in one slot: the
`active_slot_id` columns hold the slot while the meeting stands and NULL once it is cancelled (NULLs
never clash in a unique constraint, on SQLite and PostgreSQL alike).
"""
import uuid
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.core.types import UTCDateTime, utcnow
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Registration

SLOT_LENGTHS = (15, 20, 30)
# Stored value -> label in the language being spoken (lazy: str() one before keeping or comparing it).
REQUEST_STATUSES = {"requested": _l("Requested"), "counter_proposed": _l("Other time proposed"),
                    "accepted": _l("Accepted"), "declined": _l("Declined"), "cancelled": _l("Cancelled")}
# Requests still waiting for an answer (they count towards a person's limit of open requests).
OPEN_STATUSES = ("requested", "counter_proposed")
MEETING_STATUSES = {"confirmed": _l("Confirmed"), "cancelled": _l("Cancelled")}
DEFAULT_MAX_OPEN_REQUESTS = 10


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class MeetingSettings(db.Model):
    """An event's rules for bilateral meetings (one row per event, made when first changed)."""

    __tablename__ = "meeting_settings"
    audit_type = "meeting_settings"  # what its audit entries are filed under (eventhub.audit)
    __table_args__ = (CheckConstraint("max_open_requests >= 1", name="max_open_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    # Anti-spam: how many unanswered requests one person may have sent at a time.
    max_open_requests: Mapped[int] = mapped_column(default=DEFAULT_MAX_OPEN_REQUESTS)

    @property
    def audit_label(self) -> str:
        """How other records' audit entries name this one."""
        return f"meeting settings {self.event_id}"


class MeetingArea(db.Model):
    """A table where one meeting at a time takes place, e.g. "Table 7"."""

    __tablename__ = "meeting_areas"
    audit_type = "meeting_area"  # what its audit entries are filed under (eventhub.audit)
    __table_args__ = (
        UniqueConstraint("event_id", "name", name="uq_meeting_areas_event_name"),
        # Ids never come back after a delete, so no new row inherits a deleted one's audit trail.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # Where the table is, e.g. "Foyer, 2nd floor".
    location: Mapped[str | None] = mapped_column(String(200))
    # Order in which free tables are given out and listed.
    position: Mapped[int] = mapped_column(default=0)

    @property
    def audit_label(self) -> str:
        """How other records' audit entries name this one."""
        return self.name


class MeetingWindow(db.Model):
    """A stretch of time for meetings (e.g. 10:00-12:00 on day 2), cut into slots of one length."""

    __tablename__ = "meeting_windows"
    audit_type = "meeting_window"  # what its audit entries are filed under (eventhub.audit)
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        CheckConstraint(_in("slot_minutes", SLOT_LENGTHS), name="slot_length_known"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    slot_minutes: Mapped[int] = mapped_column(default=20)

    slots: Mapped[list["MeetingSlot"]] = relationship(
        back_populates="window", cascade="all, delete-orphan", order_by="MeetingSlot.start_at"
    )

    @property
    def audit_label(self) -> str:
        """How other records' audit entries name this one."""
        return f"{self.start_at.isoformat()}/{self.end_at.isoformat()}"


class MeetingSlot(db.Model):
    """One slot of a window; its row is the lock every booking in that slot queues behind."""

    __tablename__ = "meeting_slots"
    __table_args__ = (
        UniqueConstraint("window_id", "start_at", name="uq_meeting_slots_window_start"),
        CheckConstraint("end_at > start_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    window_id: Mapped[int] = mapped_column(ForeignKey("meeting_windows.id", ondelete="CASCADE"), index=True)
    # Copied from the window, so an event's slots are found without a join.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)

    window: Mapped[MeetingWindow] = relationship(back_populates="slots")


class MeetingRequest(db.Model):
    """One participant asks another for a meeting in one of a few proposed slots."""

    __tablename__ = "meeting_requests"
    audit_type = "meeting_request"  # what its audit entries are filed under (eventhub.audit)
    __table_args__ = (
        CheckConstraint(_in("status", REQUEST_STATUSES), name="status_known"),
        CheckConstraint("requester_id <> recipient_id", name="two_people"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    message: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="requested", index=True)
    # Whose answer the request waits for: the recipient, or the requester after another time was proposed.
    awaiting_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    requester: Mapped[Registration] = relationship(foreign_keys=[requester_id])
    recipient: Mapped[Registration] = relationship(foreign_keys=[recipient_id])
    proposals: Mapped[list["ProposedSlot"]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="ProposedSlot.id"
    )

    @property
    def status_label(self) -> str:
        return str(REQUEST_STATUSES.get(self.status, self.status))

    def close(self) -> None:
        """No longer open: cancelled, and awaiting nobody's answer (the caller audits why)."""
        self.status, self.awaiting_id = "cancelled", None

    @property
    def open_slots(self) -> list[MeetingSlot]:
        """The slots of the latest proposal, the ones the awaited side may accept."""
        latest = max((p.round for p in self.proposals), default=0)
        return sorted((p.slot for p in self.proposals if p.round == latest), key=lambda s: s.start_at)

    def other(self, registration_id: int) -> Registration:
        """The other side of the request, seen from one of its two people."""
        return self.recipient if registration_id == self.requester_id else self.requester

    @property
    def audit_label(self) -> str:
        """How other records' audit entries name this one."""
        return f"meeting request {self.id}"


class ProposedSlot(db.Model):
    """A slot proposed in a request; round 0 by the requester, each other time proposed in the next round."""

    __tablename__ = "meeting_proposed_slots"
    __table_args__ = (UniqueConstraint("request_id", "slot_id", name="uq_meeting_proposed_slots_request_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("meeting_requests.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("meeting_slots.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(default=0)

    request: Mapped[MeetingRequest] = relationship(back_populates="proposals")
    slot: Mapped[MeetingSlot] = relationship(lazy="joined")


class Meeting(db.Model):
    """Two participants at one table in one slot."""

    __tablename__ = "meetings"
    audit_type = "meeting"  # what its audit entries are filed under (eventhub.audit)
    __table_args__ = (
        CheckConstraint(_in("status", MEETING_STATUSES), name="status_known"),
        # The slot while the meeting stands, NULL once cancelled: one standing meeting per table and slot.
        UniqueConstraint("area_id", "active_slot_id", name="uq_meetings_area_active_slot"),
        CheckConstraint("(status = 'confirmed') = (active_slot_id IS NOT NULL)", name="active_when_confirmed"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # A request gives at most one meeting, however many times it is accepted at once.
    request_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_requests.id", ondelete="SET NULL"),
                                                   index=True, unique=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("meeting_slots.id", ondelete="CASCADE"), index=True)
    active_slot_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_slots.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("meeting_areas.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="confirmed")
    # Created once and never changed: the calendar UID is built from it.
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    # Raised on every change (cancellation): calendar apps compare it (iCal SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    slot: Mapped[MeetingSlot] = relationship(foreign_keys=[slot_id], lazy="joined")
    area: Mapped[MeetingArea] = relationship(lazy="joined")
    request: Mapped[MeetingRequest | None] = relationship()
    participants: Mapped[list["MeetingParticipant"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingParticipant.id"
    )

    @property
    def status_label(self) -> str:
        return str(MEETING_STATUSES.get(self.status, self.status))

    def other(self, registration_id: int) -> Registration | None:
        """The other person of the meeting."""
        return next((p.registration for p in self.participants if p.registration_id != registration_id), None)

    @property
    def audit_label(self) -> str:
        """How other records' audit entries name this one."""
        return f"meeting {self.id}"


class MeetingParticipant(db.Model):
    """One of the two people of a meeting; the database refuses a person in two standing meetings in one slot."""

    __tablename__ = "meeting_participants"
    __table_args__ = (
        UniqueConstraint("meeting_id", "registration_id", name="uq_meeting_participants_meeting_registration"),
        # The meeting's slot while it stands, NULL once cancelled.
        UniqueConstraint("registration_id", "active_slot_id", name="uq_meeting_participants_registration_active_slot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    active_slot_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_slots.id", ondelete="CASCADE"))

    meeting: Mapped[Meeting] = relationship(back_populates="participants")
    registration: Mapped[Registration] = relationship()
