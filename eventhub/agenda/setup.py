"""Setting up an event's agenda: rooms (in timetable order), tracks and the shared session kinds."""
import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from eventhub.agenda.models import AgendaSession, Room, SessionKind, Track
from eventhub.audit.services import Actor, record, record_created, record_deleted, record_update, snapshot
from eventhub.core.errors import ValidationError
from eventhub.core.text import fold
from eventhub.core.validation import MAX_ID, Collector, text_value
from eventhub.extensions import db

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# What the audit trail records of rooms and tracks.
ROOM_FIELDS = ("name", "capacity", "location", "accessibility")
TRACK_FIELDS = ("name", "colour")


def _capacity(data: dict, errors: Collector) -> int | None:
    """A room capacity: blank for unknown, otherwise a whole number of at least zero."""
    value = data.get("capacity")
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.add("capacity", _("'%(value)s' is not a whole number.", value=value))
        return None
    if not 0 <= number <= MAX_ID:
        errors.add("capacity", _("Give a number between 0 and %(max)d.", max=MAX_ID))
    return number


def _unique_name(model, event_id: int | None, name: str | None, item, errors: Collector) -> None:
    """Names are unique per event (kinds: overall), ignoring case and accents; the message lands next to the field."""
    if not name:
        return
    # Compared folded in Python: SQLite's lower() leaves Ł or Ж alone, and the lists are short.
    query = select(model) if event_id is None else select(model).where(model.event_id == event_id)
    other = next((o for o in db.session.scalars(query) if fold(o.name) == fold(name)), None)
    if other is not None and other is not item:
        errors.add("name", _("“%(name)s” already exists.", name=other.name))


def rooms_of(event) -> list[Room]:
    """The event's rooms in timetable order."""
    return list(db.session.scalars(select(Room).where(Room.event_id == event.id).order_by(Room.position, Room.id)))


def save_room(event, data: dict, actor: Actor, room: Room | None = None) -> Room:
    """Create or update a room: name, capacity, location, accessibility. New rooms go last."""
    errors = Collector()
    name = text_value(data, "name", 100, errors, required=True)
    _unique_name(Room, event.id, name, room, errors)
    capacity = _capacity(data, errors)
    location = text_value(data, "location", 200, errors)
    accessibility = text_value(data, "accessibility", 500, errors, multiline=True)
    errors.raise_if_any()
    created = room is None
    before = None if created else snapshot(room, ROOM_FIELDS)
    if created:
        last = db.session.scalar(select(func.max(Room.position)).where(Room.event_id == event.id))
        room = Room(event_id=event.id, position=(last if last is not None else -1) + 1)
        db.session.add(room)
    room.name, room.capacity, room.location, room.accessibility = name, capacity, location, accessibility
    _record_save(actor, room, before, ROOM_FIELDS, event.id)
    return room


def _record_save(actor: Actor, item, before: dict | None, fields, event_id: int | None) -> None:
    """<type>.created with its values, or <type>.updated with what changed."""
    if before is None:
        record_created(actor, item, fields, event_id)
    else:
        record_update(actor, item, before, event_id)


def delete_room(room: Room, actor: Actor) -> None:
    """Delete a room that no session uses; sessions must be moved first so none silently loses its room."""
    used = db.session.scalar(select(func.count()).select_from(AgendaSession).where(AgendaSession.room_id == room.id))
    if used:
        raise ValidationError({"_form": [_("%(room)s still has %(n)d sessions: move them to another room first.",
                                           room=room.name, n=used)]})
    record_deleted(actor, room, ROOM_FIELDS, room.event_id)
    db.session.delete(room)


def move_room(room: Room, offset: int, actor: Actor) -> None:
    """Move a room one column left (-1) or right (+1) in the timetable."""
    rooms = db.session.scalars(select(Room).where(Room.event_id == room.event_id).order_by(Room.position, Room.id))
    rooms = list(rooms)
    index = rooms.index(room)
    target = index + offset
    if 0 <= target < len(rooms):
        rooms[index], rooms[target] = rooms[target], rooms[index]
        for position, item in enumerate(rooms):
            item.position = position
        record(actor, "room.moved", room, room.event_id, {"position": [index, target]})


def save_track(event, data: dict, actor: Actor, track: Track | None = None) -> Track:
    """Create or update a track: name and colour ("#rrggbb")."""
    errors = Collector()
    name = text_value(data, "name", 100, errors, required=True)
    _unique_name(Track, event.id, name, track, errors)
    colour = str(data.get("colour") or "#0a66c2").strip()
    if not COLOUR.match(colour):
        errors.add("colour", _("Use a colour such as #2e7d32."))
    errors.raise_if_any()
    before = None if track is None else snapshot(track, TRACK_FIELDS)
    if track is None:
        track = Track(event_id=event.id)
        db.session.add(track)
    track.name, track.colour = name, colour.lower()
    _record_save(actor, track, before, TRACK_FIELDS, event.id)
    return track


def delete_track(track: Track, actor: Actor) -> None:
    """Delete a track; its sessions stay, without a track, and each one's history says so."""
    for session in db.session.scalars(select(AgendaSession).where(AgendaSession.track_id == track.id)):
        session.track = None
        record(actor, "session.updated", session, session.event_id, {"track": [track.name, None]})
    record_deleted(actor, track, TRACK_FIELDS, track.event_id)
    db.session.delete(track)


def list_kinds() -> list[SessionKind]:
    """Every session kind, by name."""
    return list(db.session.scalars(select(SessionKind).order_by(SessionKind.name)))


def add_kind(data: dict, actor: Actor, kind: SessionKind | None = None) -> SessionKind:
    """Add a session kind, or rename one (kinds are shared by every event)."""
    errors = Collector()
    name = text_value(data, "name", 60, errors, required=True)
    _unique_name(SessionKind, None, name, kind, errors)
    errors.raise_if_any()
    before = None if kind is None else snapshot(kind, ("name",))
    if kind is None:
        kind = SessionKind()
        db.session.add(kind)
    kind.name = name
    _record_save(actor, kind, before, ("name",), None)
    return kind
