"""Agenda rules: saving sessions without double-booking rooms, publishing, and the people in sessions."""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from eventhub.agenda.loading import with_people
from eventhub.agenda.models import (
    PERSON_ROLES,
    SESSION_STATUSES,
    AgendaSession,
    Room,
    SessionKind,
    SessionPerson,
    Track,
)
from eventhub.audit.services import Actor, diff, given, record, record_deleted, snapshot
from eventhub.core import capacity, signals
from eventhub.core.errors import ValidationError
from eventhub.core.translation_input import clean_translations
from eventhub.core.types import utcnow
from eventhub.core.validation import MAX_ID, Collector, as_id, moment, text_value
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.members.models import Organisation
from eventhub.registration.models import Registration

# Changes that make calendar apps re-read a session (iCal SEQUENCE).
SEQUENCED = ("start_at", "end_at", "room_id", "status")
# What a session's audit entries record (its people are added by _audited).
AUDITED = ("title", "description", "kind", "track", "room", "start_at", "end_at", "language", "interpretation",
           "capacity", "signup_required", "status", "translations")
# The texts organisers may give in the event's other languages: (longest, several lines?).
TRANSLATION_LIMITS = {"title": (300, False), "description": (50_000, True)}


class RoomTaken(ValueError):
    """Saving would put two sessions in one room at once; `other` is the session already there."""

    def __init__(self, other: AgendaSession):
        self.other = other
        super().__init__(
            _("%(room)s is already booked for “%(title)s” at that time.", room=other.room.name, title=other.title)
        )


@dataclass
class Schedule:
    """An event's rooms, tracks and kinds, for forms and the editor."""

    rooms: list[Room]
    tracks: list[Track]
    kinds: list[SessionKind]


def schedule_parts(event: Event) -> Schedule:
    """Rooms in timetable order, tracks by name, and every session kind."""
    rooms = db.session.scalars(select(Room).where(Room.event_id == event.id).order_by(Room.position, Room.name))
    tracks = db.session.scalars(select(Track).where(Track.event_id == event.id).order_by(Track.name))
    kinds = db.session.scalars(select(SessionKind).order_by(SessionKind.name))
    return Schedule(list(rooms), list(tracks), list(kinds))


def _own(model, event: Event, value, field: str, errors: Collector):
    """A room, track or kind of this event by id (None for blank)."""
    if value in (None, ""):
        return None
    item_id = as_id(value)
    item = db.session.get(model, item_id) if item_id else None
    if item is None or getattr(item, "event_id", event.id) != event.id:
        errors.add(field, _("No such choice for this event."))
        return None
    return item


def _number(data: dict, field: str, errors: Collector) -> int | None:
    """A whole number of at least zero, None when blank."""
    value = data.get(field)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.add(field, _("'%(value)s' is not a whole number.", value=value))
        return None
    if not 0 <= number <= MAX_ID:
        errors.add(field, _("Give a number between 0 and %(max)d.", max=MAX_ID))
    return number


def _flag(value) -> bool:
    """A checkbox or JSON boolean as True or False."""
    return value in (True, "true", "on", "yes", "y", "1", 1)


def clean_session(event: Event, data: dict, errors: Collector) -> dict:
    """Check and convert raw session input (times as wall clock in the event's timezone, or aware)."""
    cleaned = {
        "title": text_value(data, "title", 300, errors, required=True),
        "description": text_value(data, "description", 50_000, errors, multiline=True),
        "language": text_value(data, "language", 10, errors) or "en",
        "interpretation": _flag(data.get("interpretation")),
        "signup_required": _flag(data.get("signup_required")),
        "capacity": _number(data, "capacity", errors),
        "start_at": moment(data, "start", event.timezone, errors),
        "end_at": moment(data, "end", event.timezone, errors),
        "room": _own(Room, event, data.get("room_id"), "room_id", errors),
        "track": _own(Track, event, data.get("track_id"), "track_id", errors),
        "kind": _own(SessionKind, event, data.get("kind_id"), "kind_id", errors),
        # In the event's main language, like the title and description above.
        "translations": clean_translations(data, TRANSLATION_LIMITS, event.language, errors),
    }
    status = data.get("status") or "draft"
    if status not in SESSION_STATUSES:
        errors.add("status", _("Choose one of: %(choices)s.", choices=", ".join(SESSION_STATUSES)))
    cleaned["status"] = status
    _check_placed(data, cleaned, errors)
    if cleaned["start_at"] and cleaned["end_at"] and cleaned["end_at"] <= cleaned["start_at"]:
        errors.add("end", _("The session must end after it starts."))
    return cleaned


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_placed(data: dict, cleaned: dict, errors: Collector) -> None:
    """Both times, or neither for an unscheduled draft that waits in the timetable's tray."""
    start_blank, end_blank = _blank(data.get("start")), _blank(data.get("end"))
    if start_blank and end_blank:
        if cleaned["status"] != "draft":
            errors.add("start", _("Give the session a start and an end, or keep it a draft without a time "
                                  "(it waits in the timetable's tray)."))
    elif start_blank:
        errors.add("start", _("Give a start too, or leave both times empty."))
    elif end_blank:
        errors.add("end", _("Give an end too, or leave both times empty."))


def clean_people(event: Event, people, errors: Collector) -> list[SessionPerson]:
    """Speakers, moderators and panellists as new rows: each a registration of the event
    (registration_id), or an external person by name (+ position_title, organisation_id)."""
    if not isinstance(people, (list, tuple)):
        errors.add("people", _("Give the people as a list."))
        return []
    rows = []
    for n, data in enumerate(people):
        where = f"people-{n}-"
        role = data.get("role") or "speaker"
        if role not in PERSON_ROLES:
            errors.add(where + "role", _("Choose one of: %(choices)s.", choices=", ".join(PERSON_ROLES)))
        person = SessionPerson(role=role, position=n)
        if data.get("registration_id") not in (None, ""):
            registration_id = as_id(data["registration_id"])
            registration = db.session.get(Registration, registration_id) if registration_id else None
            if registration is None or registration.event_id != event.id:
                errors.add(where + "registration_id", _("No such registration for this event."))
                continue
            person.registration = registration
            person.name, person.position_title = registration.full_name, registration.position
            person.organisation_id = registration.organisation_id
        else:
            person.name = text_value(data, "name", 200, errors, required=True, error_field=where + "name")
            person.position_title = text_value(data, "position_title", 200, errors,
                                               error_field=where + "position_title")
            if data.get("organisation_id") not in (None, ""):
                organisation_id = as_id(data["organisation_id"])
                organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
                if organisation is None:
                    errors.add(where + "organisation_id", _("No such organisation."))
                person.organisation = organisation
        rows.append(person)
    return rows


def session_values(session: AgendaSession) -> dict:
    """A session as input values (aware UTC times), for partial updates and forms."""
    return {
        "title": session.title, "description": session.description, "language": session.language,
        "interpretation": session.interpretation, "signup_required": session.signup_required,
        "capacity": session.capacity, "start": session.start_at, "end": session.end_at,
        "room_id": session.room_id, "track_id": session.track_id, "kind_id": session.kind_id,
        "status": session.status, "translations": session.translations or {},
    }


def room_clash(event_id: int, room_id: int | None, start, end, exclude_id: int | None = None) -> AgendaSession | None:
    """A live session in the room overlapping [start, end), if any."""
    if room_id is None:
        return None
    query = select(AgendaSession).where(
        AgendaSession.event_id == event_id,
        AgendaSession.room_id == room_id,
        AgendaSession.status != "cancelled",
        AgendaSession.start_at < end,
        AgendaSession.end_at > start,
    )
    if exclude_id is not None:
        query = query.where(AgendaSession.id != exclude_id)
    return db.session.scalars(query.order_by(AgendaSession.start_at)).first()


def _audited(session: AgendaSession) -> dict:
    """What a session's audit entries compare: every field the form edits, and its people."""
    return {**snapshot(session, AUDITED), "people": [_person_label(p) for p in session.people]}


def _person_label(person: SessionPerson) -> str:
    """A person as the trail shows them: "Name (role)"."""
    return f"{person.name} ({person.role})"


def _lock_rows(session: AgendaSession | None, room_id: int | None) -> None:
    """Lock the session's row, then the room's (always in that order, so two saves cannot deadlock):
    two saves into one room at once are then decided one after the other, and cannot both find it free."""
    if session is not None and session.id is not None:
        capacity.lock(AgendaSession, session.id)
    if room_id is not None:
        capacity.lock(Room, room_id)


def save_session(event: Event, data: dict, actor: Actor, session: AgendaSession | None = None) -> AgendaSession:
    """Create or update (partially) a session and, when data has "people", replace its people.

    The form, the timetable's drag and drop and the API all come through here. Every field and
    person is checked before anything changes (ValidationError lists them all); a room
    double-booking is refused with RoomTaken. One audit entry records every field before and after.
    """
    if session is not None:
        data = {**session_values(session), **data}
    errors = Collector()
    cleaned = clean_session(event, data, errors)
    people = clean_people(event, data["people"], errors) if "people" in data else None
    errors.raise_if_any()
    if cleaned["status"] != "cancelled":
        room_id = cleaned["room"].id if cleaned["room"] else None
        _lock_rows(session, room_id)
        other = room_clash(event.id, room_id, cleaned["start_at"], cleaned["end_at"],
                           session.id if session else None) if cleaned["start_at"] else None
        if other is not None:
            raise RoomTaken(other)
    created = session is None
    if created:
        session = AgendaSession(event_id=event.id)
        db.session.add(session)
    before = None if created else _audited(session)
    previous_status = None if created else session.status
    # Where and when it was, for the people signed up should it move (agenda.listeners).
    placed = None if created else {"start_at": session.start_at, "end_at": session.end_at, "room": session.room}
    sequenced = {f: getattr(session, f) for f in SEQUENCED}
    for field, value in cleaned.items():
        setattr(session, field, value)
    session.room_id = cleaned["room"].id if cleaned["room"] else None
    if people is not None:
        session.people = people
        # The speakers are part of what feeds publish (DESCRIPTION), so the session counts as modified.
        session.updated_at = utcnow()
    if not created and any(sequenced[f] != getattr(session, f) for f in SEQUENCED):
        session.sequence += 1
    db.session.flush()
    if created:
        record(actor, "session.created", session, event.id,
               given(_audited(session)))
    elif changes := diff(before, _audited(session)):
        record(actor, "session.updated", session, event.id, changes)
    if previous_status is not None and previous_status != session.status:
        # The people signed up are told (agenda.listeners), in this unit of work.
        signals.session_status_changed.send(session, previous=previous_status, status=session.status, actor=actor)
    elif session.status == "scheduled" and placed and (placed["start_at"], placed["end_at"], placed["room"]) != (
            session.start_at, session.end_at, session.room):
        signals.session_moved.send(session, before=placed, actor=actor)
    return session


def set_people(session: AgendaSession, people: list[dict], actor: Actor) -> AgendaSession:
    """Replace a session's speakers, moderators and panellists (see save_session)."""
    return save_session(session.event, {"people": people}, actor, session)


def delete_session(session: AgendaSession, actor: Actor) -> None:
    """Delete a draft session; a published one is cancelled instead, so calendars learn of it."""
    if session.status != "draft" and session.event.agenda_published_at is not None:
        raise ValidationError({"status": [_("A published session is cancelled, not deleted.")]})
    record_deleted(actor, session, ("title", "start_at", "end_at", "room"), session.event_id)
    db.session.delete(session)


def event_sessions(event: Event, include_drafts: bool = True) -> list[AgendaSession]:
    """All sessions of an event by time and room, people and their cities loaded in fixed queries."""
    query = (
        select(AgendaSession)
        .where(AgendaSession.event_id == event.id)
        .order_by(AgendaSession.start_at, AgendaSession.room_id, AgendaSession.id)
    )
    if not include_drafts:
        query = query.where(AgendaSession.status != "draft")
    return with_people(list(db.session.scalars(query)), event.id)


def publish_agenda(event: Event, actor: Actor) -> Event:
    """Make the agenda public; refused while any room is double-booked."""
    from eventhub.agenda.clashes import find_clashes

    errors = [c for c in find_clashes(event) if c.severity == "error"]
    if errors:
        raise ValidationError({"_form": [c.message for c in errors]})
    event.agenda_published_at = event.agenda_published_at or utcnow()
    record(actor, "agenda.published", event, event.id)
    return event


def unpublish_agenda(event: Event, actor: Actor) -> Event:
    """Hide the agenda from the public again."""
    event.agenda_published_at = None
    record(actor, "agenda.unpublished", event, event.id)
    return event
