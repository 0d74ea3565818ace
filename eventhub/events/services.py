"""Rules for events, shared by the organiser pages, the public pages and the API."""
import re
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from flask_babel import gettext as _
from sqlalchemy import Select, case, or_, select

from eventhub.events.models import KINDS, STATUSES, Event
from eventhub.extensions import db
from eventhub.members.models import Network, Organisation
from eventhub.types import utcnow
from eventhub.validation import Collector, ValidationError, text_value

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TIME_FIELDS = ("start", "end", "registration_opens", "registration_closes")
# What event.ics shows as significant (DTSTART, DTEND, LOCATION, STATUS): a change raises its SEQUENCE.
SEQUENCED = ("start_at", "end_at", "timezone", "venue_name", "venue_address", "status")


@cache
def timezone_names() -> tuple[str, ...]:
    """Every IANA timezone name, sorted, for validation and select boxes."""
    return tuple(sorted(available_timezones() - {"localtime", "Factory"}))


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


def to_utc(value, tz_name: str) -> datetime | None:
    """An input time as aware UTC: naive values are wall-clock times in the event's timezone."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz_name))
    return value.astimezone(ZoneInfo("UTC"))


def event_values(event: Event) -> dict:
    """The event as input values (times aware, in UTC)."""
    return {
        "kind": event.kind,
        "title": event.title,
        "slug": event.slug,
        "summary": event.summary,
        "description": event.description,
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


def _number(data, field, errors, kind=float, low=None, high=None):
    value = data.get(field)
    if value in (None, ""):
        return None
    try:
        number = kind(value)
    except (TypeError, ValueError):
        errors.add(field, _("'%(value)s' is not a number.", value=value))
        return None
    if (low is not None and number < low) or (high is not None and number > high):
        errors.add(
            field,
            _("Must be between %(low)s and %(high)s.", low=low, high=high)
            if high is not None
            else _("Must be at least %(low)s.", low=low),
        )
    return number


def _times(data, tz_name, errors) -> dict:
    times = {}
    for field in TIME_FIELDS:
        try:
            times[field] = to_utc(data.get(field), tz_name) if tz_name else None
        except (TypeError, ValueError):
            errors.add(field, _("'%(value)s' is not a date and time.", value=data.get(field)))
            times[field] = None
    for field in ("start", "end"):
        if times[field] is None and field not in errors.errors:
            errors.add(field, _("This field is required."))
    if times["start"] and times["end"] and times["end"] <= times["start"]:
        errors.add("end", _("The event must end after it starts."))
    opens, closes = times["registration_opens"], times["registration_closes"]
    if opens and closes and closes <= opens:
        errors.add("registration_closes", _("Registration must close after it opens."))
    if closes and times["end"] and closes > times["end"]:
        errors.add("registration_closes", _("Registration cannot close after the event has ended."))
    return times


def _references(data, kind, errors) -> tuple[Organisation | None, Network | None]:
    host = network = None
    if data.get("host_organisation_id"):
        host = db.session.get(Organisation, int(data["host_organisation_id"]))
        if host is None:
            errors.add("host_organisation_id", _("No such organisation."))
    if data.get("network_id"):
        network = db.session.get(Network, int(data["network_id"]))
        if network is None:
            errors.add("network_id", _("No such network."))
        elif kind != "network_meeting":
            errors.add("network_id", _("Only a network meeting can be restricted to a network."))
    return host, network


def clean_event(data: dict, event: Event | None = None) -> dict:
    """Check and convert raw input; raises ValidationError listing every bad field."""
    errors = Collector()
    kind = data.get("kind")
    if kind not in KINDS:
        errors.add("kind", _("Choose one of: %(choices)s.", choices=", ".join(KINDS)))
    tz_name = str(data.get("timezone") or "").strip()
    if tz_name not in timezone_names():
        errors.add("timezone", _("'%(value)s' is not an IANA timezone such as Europe/Berlin.", value=tz_name))
        tz_name = ""
    title = text_value(data, "title", 200, errors, required=True)
    slug = str(data.get("slug") or "").strip().lower()
    if slug and (not SLUG_PATTERN.match(slug) or len(slug) > 100):
        errors.add("slug", _("Use lower-case letters, digits and single hyphens (at most 100)."))
    elif slug:
        clash = db.session.scalar(select(Event).where(Event.slug == slug))
        if clash is not None and clash is not event:
            errors.add("slug", _("The address /events/%(slug)s is already taken.", slug=slug))
    times = _times(data, tz_name, errors)
    latitude = _number(data, "latitude", errors, low=-90, high=90)
    longitude = _number(data, "longitude", errors, low=-180, high=180)
    if (latitude is None) != (longitude is None) and "latitude" not in errors.errors:
        errors.add("latitude", _("Give both latitude and longitude, or neither."))
    host, network = _references(data, kind, errors)
    cleaned = {
        "kind": kind,
        "title": title,
        "slug": slug or None,
        "summary": text_value(data, "summary", 500, errors),
        "description": text_value(data, "description", 50_000, errors),
        "venue_name": text_value(data, "venue_name", 200, errors),
        "venue_address": text_value(data, "venue_address", 2000, errors),
        "latitude": latitude,
        "longitude": longitude,
        "timezone": tz_name,
        "start_at": times["start"],
        "end_at": times["end"],
        "registration_opens": times["registration_opens"],
        "registration_closes": times["registration_closes"],
        "capacity": _number(data, "capacity", errors, kind=int, low=0),
        "host_organisation": host,
        "network": network,
        **_registration_settings(data, errors),
    }
    errors.raise_if_any()
    return cleaned


def _registration_settings(data: dict, errors: Collector) -> dict:
    """Quota per organisation, what happens to non-members, and the categories the public may pick."""
    from eventhub.registration.models import CATEGORIES

    policy = data.get("non_member_policy") or "confirm"
    if policy not in ("confirm", "approve"):
        errors.add("non_member_policy", _("Choose confirm or approve."))
    categories = data.get("public_categories") or ["delegate"]
    if isinstance(categories, str):
        categories = [c.strip() for c in categories.split(",")]
    categories = [c for c in CATEGORIES if c in categories]
    unknown = set(data.get("public_categories") if isinstance(data.get("public_categories"), list) else []) - set(CATEGORIES)
    if unknown or not categories:
        errors.add("public_categories", _("Choose among: %(choices)s.", choices=", ".join(CATEGORIES)))
    return {
        "delegate_quota": _number(data, "delegate_quota", errors, kind=int, low=1),
        "non_member_policy": policy,
        "public_categories": ",".join(categories),
    }


def save_event(data: dict, event: Event | None = None) -> Event:
    """Create (event=None, as a draft) or update an event; an update may be partial."""
    if event is not None:
        data = {**event_values(event), **data}
    cleaned = clean_event(data, event)
    if not cleaned["slug"]:
        # Before the new row joins the session: unique_slug's query would autoflush it half-filled.
        cleaned["slug"] = unique_slug(cleaned["title"], exclude_id=event.id if event is not None else None)
    created = event is None
    if created:
        event = Event(status="draft")
        db.session.add(event)
    raised = event.capacity is not None and (cleaned["capacity"] is None or cleaned["capacity"] > event.capacity)
    with _calendar_change(event, new=created):
        for field, value in cleaned.items():
            setattr(event, field, value)
    db.session.commit()
    if raised:
        # More places: the waiting list moves up at once, in order.
        from eventhub.registration.services import fill_after_capacity_change

        fill_after_capacity_change(event)
    return event


def check_status(event: Event, status: str) -> None:
    """Refuse a status the event cannot move to (ValidationError), before anything is changed."""
    if status not in STATUSES:
        raise ValidationError({"status": [_("Choose one of: %(choices)s.", choices=", ".join(STATUSES))]})
    if status == "cancelled" and event.status == "draft":
        # Cancelling would make a draft nobody has seen public, just to say it is off.
        raise ValidationError({"status": [_("A draft cannot be cancelled: it is not public yet.")]})


def set_status(event: Event, status: str) -> Event:
    """Publish, cancel or return an event to draft."""
    check_status(event, status)
    with _calendar_change(event):
        event.status = status
    db.session.commit()
    return event


def publish_event(event: Event) -> Event:
    """Make the event public (also reinstates a cancelled one)."""
    return set_status(event, "published")


def unpublish_event(event: Event) -> Event:
    """Take the event back to draft: its public page disappears."""
    return set_status(event, "draft")


def cancel_event(event: Event) -> Event:
    """Cancel a public event; its page stays up, marked as cancelled."""
    return set_status(event, "cancelled")


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


def public_event(slug: str) -> Event | None:
    """The event behind a public URL, or None for unknown slugs and drafts."""
    return db.session.scalar(select(Event).where(Event.slug == slug, Event.status != "draft"))


def event_by_slug(slug: str) -> Event | None:
    """Any event, drafts included (for organisers)."""
    return db.session.scalar(select(Event).where(Event.slug == slug))


def list_events(status: str | None = None, public_only: bool = False) -> Select:
    """Events newest first, for organiser lists and the API; paginate with db.paginate."""
    query = select(Event).order_by(Event.start_at.desc(), Event.id)
    if status:
        query = query.where(Event.status == status)
    if public_only:
        query = query.where(Event.status != "draft")
    return query
