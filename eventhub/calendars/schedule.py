"""The published agenda in the frab/c3voc schedule format (schedule.json and schedule.xml).

Schedule apps (Giggity, EventFahrplan), the c3voc tools and info-beamer signage read this format;
its schemas are vendored in tests/schemas. One dict is built (the JSON shape) and the XML is written from
it, so both files always say the same. Rules the schemas enforce that shape the code below:
- the conference acronym allows no hyphen in JSON, so the event slug's hyphens become underscores;
- event slugs read "<acronym>-<id>-<title>", unique and ASCII in every script;
- a person is {name, guid} (+ id for registrants): with "public_name" too, the JSON schema's oneOf
  between frab and pretalx persons would match twice and fail;
- cancelled sessions are left out: the format has no status, and EventFahrplan and Giggity flag a
  session that disappears from a refreshed schedule as cancelled (the iCal feeds keep them with
  STATUS:CANCELLED instead).
"""
import hashlib
import re
import uuid
import xml.etree.ElementTree as ET
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import g
from slugify import slugify

from eventhub.agenda.models import AgendaSession, SessionPerson
from eventhub.calendars.schedule_rooms import Rooms, plan_rooms
from eventhub.core import languages
from eventhub.core.cache import LocalCache
from eventhub.core.richtext import to_text
from eventhub.core.text import fold
from eventhub.core.urls import external_url, identity_url
from eventhub.events.models import Event

GENERATOR = "EventHub"
TIMESLOT = "00:15"
# Control characters are not allowed in XML 1.0 even when escaped; a pasted description may hold some.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# The JSON schema's time_zone_name pattern; other names (e.g. "Etc/GMT+1") are left out of the JSON.
_ZONE_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")
# Each session's schedule event as last built in this process (event_dict): only read, never changed.
_events = LocalCache(16 * 1024 * 1024)


def base_url() -> str:
    """The site's public root without its trailing slash, which the schedule's links start with."""
    return external_url("events.index").rstrip("/")


def guid_namespace() -> str:
    """The namespace of the stable GUIDs below: the site's address, but never the request's (core.urls)."""
    return identity_url().rstrip("/")


def acronym(event: Event) -> str:
    """The event slug as a frab acronym: lowercase, underscores for hyphens, at least four characters."""
    return re.sub(r"[^a-z0-9_]", "_", event.slug.lower()).ljust(4, "_")


def session_slug(event: Event, session: AgendaSession) -> str:
    """'<acronym>-<id>-<title>': unique through the id, ASCII for any script, as both schemas demand."""
    title = slugify(session.title, max_length=50, word_boundary=True, separator="-").strip("-")
    return f"{acronym(event)}-{session.id}-{title if len(title) >= 4 else 'session'}"


def hhmm(delta: timedelta) -> str:
    """A duration as HH:MM."""
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def person_guid(person: SessionPerson) -> str:
    """A stable person UUID: from the registration for registrants, from the folded name for externals.

    Not from the e-mail address (the schema's suggestion): a UUIDv5 of an address can be checked
    against a guessed address, and the public schedule must not confirm anyone's e-mail.
    """
    key = f"registrations/{person.registration_id}" if person.registration_id else f"people/{fold(person.name)}"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{guid_namespace()}/{key}"))


def person_dict(person: SessionPerson) -> dict:
    """One speaker/moderator/panellist as a (pretalx-style) schedule person."""
    data = {"name": person.name, "guid": person_guid(person)}
    if person.registration_id:
        data["id"] = person.registration_id
    return data


def room_guid(event: Event, key: str) -> str:
    """A stable UUID for a room (key: its id) or a virtual room of sessions without one (schedule_rooms)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{guid_namespace()}/events/{event.slug}/rooms/{key}"))


def abstract_of(text: str | None) -> str:
    """The first paragraph of the description as plain text, which apps show in their lists."""
    return to_text(text).split("\n\n")[0].strip()


def event_dict(event: Event, session: AgendaSession, zone: ZoneInfo, room: str) -> dict:
    """One session as a schedule event, built once per process for as long as nothing it shows changes:
    the key holds every value read below (slugs, links, texts), so the dict is shared, never changed."""
    track, kind = session.track, session.kind
    key = (_links(), event.slug, str(zone), room, session.id, session.uuid, session.updated_at,
           session.start_at, session.end_at, session.title, session.description, session.language,
           languages.current(), repr(session.translations),
           track.name if track is not None else None, kind.name if kind is not None else None,
           tuple((p.name, p.registration_id) for p in session.people))
    found = _events.get_value(key)
    if found is None:
        found = _event_dict(event, session, zone, room)
        _events.set(key, found, 3 * len(found["description"]) + 1000)  # about its size, key included
    return found


def _links() -> tuple[str, str]:
    """The site's roots the links and GUIDs start with, worked out once per request rather than per session."""
    if "schedule_links" not in g:
        g.schedule_links = (base_url(), guid_namespace())
    return g.schedule_links


def _event_dict(event: Event, session: AgendaSession, zone: ZoneInfo, room: str) -> dict:
    """One session as a schedule event, in the frab room schedule_rooms gave it."""
    start, end = session.start_at.astimezone(zone), session.end_at.astimezone(zone)
    return {
        "guid": session.uuid, "id": session.id, "date": start.isoformat(), "start": start.strftime("%H:%M"),
        "end": end.isoformat(), "duration": hhmm(end - start), "room": room,
        "slug": session_slug(event, session),
        "url": external_url("agenda.session", slug=event.slug, session_id=session.id),
        # The texts in the export's language (export_views), the spoken language as "language".
        "title": session.localized("title"), "subtitle": "", "track": session.track.name if session.track else None,
        "type": session.kind.name if session.kind else "other", "language": session.language,
        "abstract": abstract_of(session.localized("description")),
        "description": to_text(session.localized("description")),
        "persons": [person_dict(p) for p in session.people], "links": [], "attachments": [],
    }


def local_days(event: Event, sessions: list[AgendaSession], zone: ZoneInfo) -> list[date]:
    """Every day of the event, plus any day a session falls on outside it."""
    first, last = event.start_at.astimezone(zone).date(), event.end_at.astimezone(zone).date()
    days = {first + timedelta(days=n) for n in range((last - first).days + 1)}
    return sorted(days | {s.start_at.astimezone(zone).date() for s in sessions})


def day_dict(event: Event, index: int, day: date, sessions: list[AgendaSession], zone: ZoneInfo,
             rooms: Rooms) -> dict:
    """One day: its span (first start to last end, else midnight to midnight) and its events by room, the
    rooms in the conference's order."""
    todays = [s for s in sessions if s.start_at.astimezone(zone).date() == day]
    midnight = datetime.combine(day, time(), zone)
    start = min((s.start_at for s in todays), default=midnight).astimezone(zone)
    end = max((s.end_at for s in todays), default=datetime.combine(day + timedelta(days=1), time(), zone))
    by_room: dict[str, list[dict]] = {}
    for session in sorted(todays, key=rooms.sort_key):
        room = rooms.of_session[session.id]
        by_room.setdefault(room, []).append(event_dict(event, session, zone, room))
    return {"index": index, "date": day.isoformat(), "day_start": start.isoformat(),
            "day_end": end.astimezone(zone).isoformat(), "rooms": by_room}


def version_of(event: Event, sessions: list[AgendaSession]) -> str:
    """A version that changes whenever a session is added, removed, moved or edited."""
    parts = [f"{s.id}:{s.sequence}:{s.updated_at.isoformat()}" for s in sessions]
    digest = hashlib.sha1("|".join([str(event.agenda_published_at), *parts]).encode(),
                          usedforsecurity=False).hexdigest()[:10]
    return f"{len(sessions)}-{digest}"


def schedule_dict(event: Event, sessions: list[AgendaSession]) -> dict:
    """The whole schedule (JSON shape) of the event's scheduled sessions; drafts and cancelled ones left out."""
    zone = ZoneInfo(event.timezone)
    shown = [s for s in sessions if s.status == "scheduled"]
    days = local_days(event, shown, zone)
    tracks = {s.track.id: s.track for s in shown if s.track is not None}
    rooms = plan_rooms(event, shown)
    conference = {
        "acronym": acronym(event), "title": event.localized("title"), "start": days[0].isoformat(), "end": days[-1].isoformat(),
        "daysCount": len(days), "timeslot_duration": TIMESLOT, "url": external_url("events.detail", slug=event.slug),
        "tracks": [{"name": t.name, "color": t.colour} for t in sorted(tracks.values(), key=lambda t: t.name)],
        "rooms": [{"name": name, "guid": room_guid(event, key)} for name, key in rooms.order],
        "days": [day_dict(event, n, day, shown, zone, rooms) for n, day in enumerate(days, start=1)],
    }
    if _ZONE_NAME.search(event.timezone):
        conference["time_zone_name"] = event.timezone
    return {"$schema": "https://c3voc.de/schedule/schema.json", "generator": {"name": GENERATOR},
            "schedule": {"version": version_of(event, sessions), "base_url": f"{base_url()}/",
                         "conference": conference}}


def _text(parent: ET.Element, tag: str, value, **attrs) -> ET.Element:
    """A child element holding text, stripped of characters XML cannot carry."""
    child = ET.SubElement(parent, tag, {k: _CONTROL.sub("", str(v)) for k, v in attrs.items()})
    child.text = _CONTROL.sub("", "" if value is None else str(value))
    return child


XML_EVENT_FIELDS = ("date", "start", "duration", "room", "slug", "url", "title", "type", "language",
                    "abstract", "description")


def _xml_event(parent: ET.Element, item: dict) -> None:
    """One <event>; the XSD wants track as a string (empty when none) and persons as elements."""
    element = ET.SubElement(parent, "event", {"id": str(item["id"]), "guid": item["guid"]})
    for name in XML_EVENT_FIELDS:
        _text(element, name, item[name])
    _text(element, "track", item["track"] or "")
    persons = ET.SubElement(element, "persons")
    for person in item["persons"]:
        attrs = {"guid": person["guid"], **({"id": person["id"]} if "id" in person else {})}
        _text(persons, "person", person["name"], **attrs)
    ET.SubElement(element, "links")
    ET.SubElement(element, "attachments")


def _event_xml(item: dict) -> str:
    """One <event> as XML text, written once per process for as long as its values stay the same."""
    key = ("xml", item["guid"], item["id"], item["track"], *(item[name] for name in XML_EVENT_FIELDS),
           tuple((p["guid"], p.get("id"), p["name"]) for p in item["persons"]))
    found = _events.get_value(key)
    if found is None:
        holder = ET.Element("room")
        _xml_event(holder, item)
        found = ET.tostring(holder[0], encoding="unicode")
        _events.set(key, found, 2 * len(found))
    return found


# Stands in a room element for its events until they are put in; a control character, which _text
# strips from every value, so no text of the schedule can contain it.
_EVENTS_MARK = re.compile("\x01(\\d+)\x01")


def schedule_xml(event: Event, sessions: list[AgendaSession]) -> bytes:
    """The schedule as frab XML (UTF-8), written with the standard library from schedule_dict; each
    session's <event> is written once per process (_event_xml) and put in its room as text."""
    data = schedule_dict(event, sessions)["schedule"]
    conference = data["conference"]
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", {"name": GENERATOR})
    _text(root, "version", data["version"])
    head = ET.SubElement(root, "conference")
    for name in ("acronym", "title", "start", "end"):
        _text(head, name, conference[name])
    _text(head, "days", conference["daysCount"])
    _text(head, "timeslot_duration", conference["timeslot_duration"])
    _text(head, "base_url", data["base_url"])
    _text(head, "url", conference["url"])
    _text(head, "time_zone_name", event.timezone)
    for track in conference["tracks"]:
        _text(head, "track", track["name"], name=track["name"], color=track["color"])
    guids = {room["name"]: room["guid"] for room in conference["rooms"]}
    rooms = []
    for day in conference["days"]:
        element = ET.SubElement(root, "day", {"index": str(day["index"]), "date": day["date"],
                                              "start": day["day_start"], "end": day["day_end"]})
        for name, items in day["rooms"].items():
            room = ET.SubElement(element, "room", {"name": _CONTROL.sub("", name), "guid": guids[name]})
            room.text = f"\x01{len(rooms)}\x01"
            rooms.append(items)
    text = _EVENTS_MARK.sub(lambda mark: "".join(_event_xml(item) for item in rooms[int(mark.group(1))]),
                            ET.tostring(root, encoding="unicode"))
    return ("<?xml version='1.0' encoding='utf-8'?>\n" + text).encode("utf-8")
