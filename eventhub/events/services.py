"""Rules for events, shared by the organiser pages, the public pages and the API.

Input is checked in events.validation; every change is written here with its audit entry.
"""
from contextlib import contextmanager
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, case, or_, select

from eventhub.audit.services import SYSTEM, Actor, record, record_created, record_update, snapshot
from eventhub.core.errors import ValidationError
from eventhub.core.signals import event_capacity_raised, event_status_changed
from eventhub.core.types import utcnow
from eventhub.events.models import STATUSES, Event

# TIME_FIELDS, TRANSLATION_LIMITS and timezone_names are read through this module by events.forms.
from eventhub.events.validation import TIME_FIELDS, TRANSLATION_LIMITS, clean_event, timezone_names  # noqa: F401
from eventhub.extensions import db
from eventhub.members.models import Organisation

# What event.ics shows as significant (DTSTART, DTEND, LOCATION, STATUS): a change raises its SEQUENCE.
SEQUENCED = ("start_at", "end_at", "timezone", "venue_name", "venue_address", "status")


def slugify(text: str) -> str:
    """A URL-safe slug, transliterating any script: 'Kraków Summit 2027' -> 'krakow-summit-2027'.

    Leaves room under the 100-character column for a "-2" suffix.
    """
    from slugify import slugify as transliterate

    return transliterate(text, max_length=90, word_boundary=True) or "event"


def unique_slug(title: str, exclude_id: int | None = None) -> str:
    """A slug from the title that no other event uses, adding -2, -3 … when needed."""
    base = slugify(title)
    query = select(Event.slug).where(or_(Event.slug == base, Event.slug.like(f"{base}-%")))
    if exclude_id is not None:
        query = query.where(Event.id != exclude_id)
    taken = set(db.session.scalars(query))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def event_values(event: Event) -> dict:
    """The event as input values (times aware, in UTC)."""
    return {
        "kind": event.kind,
        "title": event.title,
        "slug": event.slug,
        "summary": event.summary,
        "description": event.description,
        "contact_email": event.contact_email,
        "contact_phone": event.contact_phone,
        "host_organisation_id": event.host_organisation_id,
        "venue_name": event.venue_name,
        "venue_address": event.venue_address,
        "latitude": event.latitude,
        "longitude": event.longitude,
        "timezone": event.timezone,
        "start": event.start_at,
        "end": event.end_at,
        "registration_opens": event.registration_opens,
        "registration_closes": event.registration_closes,
        "capacity": event.capacity,
        "network_id": event.network_id,
        "delegate_quota": event.delegate_quota,
        "non_member_policy": event.non_member_policy,
        "public_categories": event.public_category_list,
        "language": event.language,
        "translations": event.translations or {},
    }


@contextmanager
def _calendar_change(event: Event, new: bool = False):
    """Around a change: raise the event's iCal SEQUENCE if a field in SEQUENCED changed (a new event stays at 0).

    Publishing a draft does not count: a draft's event.ics is 404, so no calendar holds a copy to
    update (and an event once public got its raise when it went back to draft).
    """
    before = {f: getattr(event, f) for f in SEQUENCED}
    yield
    changed = {f for f in SEQUENCED if before[f] != getattr(event, f)}
    if before["status"] == "draft":
        changed.discard("status")
    if changed and not new:
        event.sequence += 1


# What the audit trail records: the fields save_event writes (relations shown by name).
AUDITED = (
    "kind", "title", "slug", "summary", "description", "contact_email", "contact_phone", "host_organisation",
    "venue_name", "venue_address",
    "latitude", "longitude", "timezone", "start_at", "end_at", "registration_opens", "registration_closes",
    "capacity", "network", "delegate_quota", "non_member_policy", "public_categories", "language", "translations",
)
STATUS_ACTIONS = {"published": "event.published", "draft": "event.unpublished", "cancelled": "event.cancelled"}


def save_event(data: dict, event: Event | None = None, actor: Actor = SYSTEM) -> Event:
    """Create (event=None, as a draft) or update an event; an update may be partial.

    Writes the audit entry (an update that changes nothing records nothing) and, when the capacity
    grew, announces it (event_capacity_raised): registration then moves its waiting list up, all in
    the caller's unit of work.
    """
    if event is not None:
        data = {**event_values(event), **data}
    cleaned = clean_event(data, event)
    if not cleaned["slug"]:
        # Before the new row joins the session: unique_slug's query would autoflush it half-filled.
        cleaned["slug"] = unique_slug(cleaned["title"], exclude_id=event.id if event is not None else None)
    created = event is None
    before = None if created else snapshot(event, AUDITED)
    if created:
        event = Event(status="draft")
        db.session.add(event)
    previous_capacity = event.capacity
    with _calendar_change(event, new=created):
        for field, value in cleaned.items():
            setattr(event, field, value)
    db.session.flush()  # a new event needs its id for the entry's event_id
    if created:
        record_created(actor, event, AUDITED, event.id)
    else:
        record_update(actor, event, before, event.id)
    if previous_capacity is not None and (event.capacity is None or event.capacity > previous_capacity):
        event_capacity_raised.send(event, previous=previous_capacity, actor=actor)
    return event


def check_status(event: Event, status: str) -> None:
    """Refuse a status the event cannot move to (ValidationError), before anything is changed."""
    if status not in STATUSES:
        raise ValidationError({"status": [_("Choose one of: %(choices)s.", choices=", ".join(STATUSES))]})
    if status == "cancelled" and event.status == "draft":
        # Cancelling would make a draft nobody has seen public, just to say it is off.
        raise ValidationError({"status": [_("A draft cannot be cancelled: it is not public yet.")]})


def set_status(event: Event, status: str, actor: Actor = SYSTEM) -> Event:
    """Publish, cancel or return an event to draft, recording event.published/unpublished/cancelled and
    announcing it (event_status_changed: registration tells everyone registered).

    Asking for the status the event already has changes nothing and records nothing.
    """
    check_status(event, status)
    previous = event.status
    if status == previous:
        return event
    with _calendar_change(event):
        event.status = status
    record(actor, STATUS_ACTIONS[status], event, event.id, {"status": [previous, status]})
    event_status_changed.send(event, previous=previous, status=status, actor=actor)
    return event


def publish_event(event: Event, actor: Actor = SYSTEM) -> Event:
    """Make the event public (also reinstates a cancelled one)."""
    return set_status(event, "published", actor)


def unpublish_event(event: Event, actor: Actor = SYSTEM) -> Event:
    """Take the event back to draft: its public page disappears."""
    return set_status(event, "draft", actor)


def cancel_event(event: Event, actor: Actor = SYSTEM) -> Event:
    """Cancel a public event; its page stays up, marked as cancelled."""
    return set_status(event, "cancelled", actor)


def host_options() -> list[Organisation]:
    """Every organisation that could host an event, by name, for select boxes."""
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name, Organisation.id)))


def _congresses_first():
    return case((Event.kind == "congress", 0), else_=1)


def upcoming_public_events(now: datetime | None = None) -> list[Event]:
    """Published and cancelled events that have not ended: congresses first, then by start."""
    query = (
        select(Event)
        .where(Event.status.in_(("published", "cancelled")), Event.end_at >= (now or utcnow()))
        .order_by(_congresses_first(), Event.start_at)
    )
    return list(db.session.scalars(query))


def list_events(status: str | None = None, public_only: bool = False) -> Select:
    """Events newest first, for organiser lists and the API; paginate with db.paginate."""
    query = select(Event).order_by(Event.start_at.desc(), Event.id)
    if status:
        query = query.where(Event.status == status)
    if public_only:
        query = query.where(Event.status != "draft")
    return query
