"""What organisers set up for bilateral meetings: tables, windows cut into slots, the anti-spam limit."""
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from eventhub.audit.services import Actor, record, record_created, record_deleted
from eventhub.core import capacity
from eventhub.core.errors import Refused
from eventhub.core.validation import Collector, as_id, moment, text_value
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.models import (
    DEFAULT_MAX_OPEN_REQUESTS,
    OPEN_STATUSES,
    SLOT_LENGTHS,
    Meeting,
    MeetingArea,
    MeetingRequest,
    MeetingSettings,
    MeetingSlot,
    MeetingWindow,
    ProposedSlot,
)

# Most open requests an organiser may allow one person (beyond, the limit protects nobody).
MAX_OPEN_LIMIT = 100


def areas(event: Event) -> list[MeetingArea]:
    """The event's tables in the order free ones are given out."""
    query = select(MeetingArea).where(MeetingArea.event_id == event.id).order_by(MeetingArea.position, MeetingArea.id)
    return list(db.session.scalars(query))


def windows(event: Event) -> list[MeetingWindow]:
    """The event's meeting windows by time."""
    query = select(MeetingWindow).where(MeetingWindow.event_id == event.id).order_by(MeetingWindow.start_at)
    return list(db.session.scalars(query))


def slots(event: Event) -> list[MeetingSlot]:
    """Every slot of the event by time."""
    query = select(MeetingSlot).where(MeetingSlot.event_id == event.id).order_by(MeetingSlot.start_at)
    return list(db.session.scalars(query))


def max_open_requests(event: Event) -> int:
    """How many unanswered requests one person may have sent at a time."""
    value = db.session.scalar(select(MeetingSettings.max_open_requests).where(MeetingSettings.event_id == event.id))
    return value if value is not None else DEFAULT_MAX_OPEN_REQUESTS


def set_max_open_requests(event: Event, value, actor: Actor) -> MeetingSettings:
    """Change the anti-spam limit (1 to MAX_OPEN_LIMIT)."""
    number = as_id(value)
    if number is None or number > MAX_OPEN_LIMIT:
        errors = Collector()
        errors.add("max_open_requests", _("Give a whole number from 1 to %(limit)d.", limit=MAX_OPEN_LIMIT))
        errors.raise_if_any()
    settings = db.session.scalar(select(MeetingSettings).where(MeetingSettings.event_id == event.id))
    if settings is None:
        settings = MeetingSettings(event_id=event.id, max_open_requests=DEFAULT_MAX_OPEN_REQUESTS)
        db.session.add(settings)
    before = settings.max_open_requests
    settings.max_open_requests = number
    record(actor, "meeting_settings.updated", settings, event.id, {"max_open_requests": [before, number]})
    return settings


def add_area(event: Event, data: dict, actor: Actor) -> MeetingArea:
    """A new table; names are unique within the event."""
    errors = Collector()
    name = text_value(data, "name", 100, errors, required=True)
    location = text_value(data, "location", 200, errors)
    if name and db.session.scalar(select(MeetingArea.id).where(MeetingArea.event_id == event.id,
                                                              MeetingArea.name == name)):
        errors.add("name", _("There is already a table called “%(name)s”.", name=name))
    errors.raise_if_any()
    position = len(areas(event))
    area = MeetingArea(event_id=event.id, name=name, location=location, position=position)
    db.session.add(area)
    db.session.flush()
    record_created(actor, area, ("name", "location"), event.id)
    return area


def _standing(column, row_id: int) -> bool:
    return db.session.scalar(select(Meeting.id).where(column == row_id, Meeting.status == "confirmed").limit(1)) is not None


def delete_area(area: MeetingArea, actor: Actor) -> None:
    """Remove a table that holds no standing meeting."""
    if _standing(Meeting.area_id, area.id):
        raise Refused("in_use", _("“%(name)s” has meetings booked: cancel them first.", name=area.name))
    record_deleted(actor, area, ("name", "location"), area.event_id)
    db.session.delete(area)


def add_window(event: Event, data: dict, actor: Actor) -> MeetingWindow:
    """A window of meeting time (wall-clock times in the event's timezone), cut into slots of 15, 20 or 30 minutes.

    Windows of one event never overlap, so a time belongs to one slot at most."""
    errors = Collector()
    start = moment(data, "start", event.timezone, errors, required=True)
    end = moment(data, "end", event.timezone, errors, required=True)
    length = as_id(data.get("slot_minutes"))
    if length not in SLOT_LENGTHS:
        errors.add("slot_minutes", _("Choose slots of 15, 20 or 30 minutes."))
    if start and end:
        if end <= start:
            errors.add("end", _("The window must end after it starts."))
        elif length in SLOT_LENGTHS and end - start < timedelta(minutes=length):
            errors.add("end", _("The window is shorter than one slot."))
        elif start < event.start_at - timedelta(days=1) or end > event.end_at + timedelta(days=1):
            errors.add("start", _("Meeting windows lie within the event's dates."))
    errors.raise_if_any()
    capacity.lock(Event, event.id)  # two organisers adding windows at once never overlap them
    overlapping = db.session.scalar(select(MeetingWindow.id).where(
        MeetingWindow.event_id == event.id, MeetingWindow.start_at < end, MeetingWindow.end_at > start).limit(1))
    if overlapping is not None:
        errors.add("start", _("This window overlaps another meeting window."))
        errors.raise_if_any()
    window = MeetingWindow(event_id=event.id, start_at=start, end_at=end, slot_minutes=length)
    step = timedelta(minutes=length)
    moment_ = start
    while moment_ + step <= end:
        window.slots.append(MeetingSlot(event_id=event.id, start_at=moment_, end_at=moment_ + step))
        moment_ += step
    db.session.add(window)
    db.session.flush()
    record_created(actor, window, ("start_at", "end_at", "slot_minutes"), event.id)
    return window


def delete_window(window: MeetingWindow, actor: Actor) -> None:
    """Remove a window (and its slots) in which no meeting stands; requests proposing its slots lose them, and
    a request left with none of the times awaiting an answer is closed (nobody could accept it any more)."""
    standing = db.session.scalar(select(Meeting.id).join(MeetingSlot, Meeting.slot_id == MeetingSlot.id).where(
        MeetingSlot.window_id == window.id, Meeting.status == "confirmed").limit(1))
    if standing is not None:
        raise Refused("in_use", _("Meetings are booked in this window: cancel them first."))
    touched = _open_requests_proposing(window)
    awaited = {item.id: max(p.round for p in item.proposals) for item in touched}
    record_deleted(actor, window, ("start_at", "end_at", "slot_minutes"), window.event_id)
    db.session.delete(window)
    db.session.flush()  # the database drops the proposals of the window's slots with them
    for item in touched:
        db.session.expire(item, ["proposals"])
        if not any(p.round == awaited[item.id] for p in item.proposals):
            item.close()
            record(actor, "meeting_request.cancelled", item, item.event_id, {"reason": "window deleted"})


def _open_requests_proposing(window: MeetingWindow) -> list[MeetingRequest]:
    """Open requests of the window's event that propose one of its slots."""
    proposing = select(ProposedSlot.request_id).join(MeetingSlot, ProposedSlot.slot_id == MeetingSlot.id).where(
        MeetingSlot.window_id == window.id)
    return list(db.session.scalars(select(MeetingRequest).where(
        MeetingRequest.id.in_(proposing), MeetingRequest.status.in_(OPEN_STATUSES))))
