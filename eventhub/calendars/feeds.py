"""Subscribable calendars of the agenda: the published agenda, one session, the event itself, a personal agenda.

Every calendar says what it is (NAME, X-WR-CALNAME), how often to refresh, and carries a VTIMEZONE
for the event's zone; every session keeps the UID made from its stored uuid, so a moved or
cancelled session updates the entry calendar apps already have instead of adding a second one.
icalendar is imported inside the functions, as in invitation.py.

Serialising a session costs far more than loading it, and a congress agenda changes a session at a
time: each session's VEVENT is serialised once per process and kept under everything it shows
(sessions_feed), so a feed of 1,000 sessions is assembled from them, and only a changed session is
serialised again.

Feeds are written in one language (views.feed_language: ?lang=, the browser's, else the event's main
language; a personal feed in its owner's): SUMMARY in it, marked with a LANGUAGE parameter, and the
DESCRIPTION ends with the session's title in each of its other languages.
"""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from eventhub.core import languages
from eventhub.core.cache import LocalCache
from eventhub.core.ical import new_calendar as calendar_envelope
from eventhub.core.ical import vtimezone
from eventhub.core.richtext import to_text
from eventhub.core.types import utcnow
from eventhub.core.urls import external_url, site_host

PRODID = "-//EventHub//Agenda feed//EN"
# Clients should re-read a feed about hourly: soon enough to see a moved session the same day.
REFRESH = timedelta(hours=1)
# Kept VEVENTs carry this DTSTAMP, replaced by the feed's own moment when a feed is assembled.
_KEPT_STAMP = datetime(2000, 1, 1, tzinfo=UTC)
_KEPT_STAMP_LINE = b"\r\nDTSTAMP:20000101T000000Z\r\n"
# Serialised VEVENTs of this process (with their keys, which hold the descriptions): a 1,000-session
# agenda takes about 2 MB.
_vevents = LocalCache(16 * 1024 * 1024)


def session_uid(session) -> str:
    """Built from the uuid stored once per session: stable across edits, moves and cancellation."""
    return f"{session.uuid}@{site_host()}"


def session_url(event, session) -> str:
    """The session's public page as an absolute link."""
    return external_url("agenda.session", slug=event.slug, session_id=session.id)


def new_calendar(event, name: str, method: str | None = "PUBLISH"):
    """An empty calendar with the properties every client looks for, named and zoned for the event."""
    from icalendar import vDuration

    calendar = calendar_envelope(PRODID, method)
    # NAME (RFC 7986) and X-WR-CALNAME (Google, Apple, Outlook); on one line, as a title from before
    # line breaks were refused might not be, and the property cannot hold one.
    calendar.calendar_name = " ".join(name.split())
    calendar.add("x-wr-timezone", event.timezone)
    # Both spelled as RFC 7986 wants (VALUE=DURATION) and as Outlook reads it (X-PUBLISHED-TTL).
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    return calendar


def add_timezone(calendar, event, sessions) -> None:
    """The VTIMEZONE for the event's zone, covering every year the sessions (or the event) touch."""
    years = [s.start_at.year for s in sessions] + [s.end_at.year for s in sessions]
    years = years or [event.start_at.year, event.end_at.year]
    # Subcomponent order matters to some clients: the zone before the events that use it.
    calendar.subcomponents.insert(0, vtimezone(event.timezone, min(years), max(years) + 1))


def session_location(event, session) -> str | None:
    """Room (and where in the building it is), then the venue."""
    room = session.room
    parts = [room.name, room.location] if room is not None else []
    parts.append(event.location)
    return ", ".join(p for p in parts if p) or None


def person_line(person) -> str:
    """A speaker as a line: name, position, and their city in brackets."""
    line = ", ".join(p for p in (person.name, person.position_title) if p)
    return f"{line} ({person.organisation.name})" if person.organisation is not None else line


def session_description(session, main_language: str) -> str | None:
    """Speakers with their cities, then the session's text in the feed's language (its Markdown as plain text:
    calendars show no markup), then its title in its other languages, each named in itself."""
    parts = ["\n".join(person_line(p) for p in session.people), to_text(session.localized("description")),
             "\n".join(f"{languages.NAMES[code]}: {title}" for code, title in other_titles(session, main_language))]
    return "\n\n".join(p for p in parts if p) or None


def other_titles(session, main_language: str) -> list[tuple[str, str]]:
    """(code, title) of the session in every language but the one being written in, main language first."""
    here = languages.current()
    titles = [(main_language, session.title)] + sorted((code, fields["title"]) for code, fields in
                                                       (session.translations or {}).items() if fields.get("title"))
    return [(code, title) for code, title in titles if code != here and code in languages.NAMES]


def _geo(entry, event) -> None:
    """GEO when the venue has coordinates, so phones can offer directions."""
    if event.latitude is not None and event.longitude is not None:
        entry.add("geo", (event.latitude, event.longitude))


def session_event(event, session, stamp, tentative: bool = False):
    """One session as a VEVENT in the event's timezone; a cancelled one says so rather than vanishing.

    tentative: the person holds only a waiting-list place in it (a personal feed), so calendars show
    it as not yet certain (STATUS:TENTATIVE) until they move up.
    """
    from icalendar import Event

    zone = ZoneInfo(event.timezone)
    categories = [c.name for c in (session.track, session.kind) if c is not None]
    entry = Event.new(
        uid=session_uid(session),
        stamp=stamp,
        last_modified=session.updated_at,
        sequence=session.sequence,
        start=session.start_at.astimezone(zone),
        end=session.end_at.astimezone(zone),
        summary=session.localized("title"),
        location=session_location(event, session),
        description=session_description(session, event.language),
        url=session_url(event, session),
        categories=categories,
        status=session_status(session, tentative),
    )
    _mark_language(entry)
    _geo(entry, event)
    return entry


def _mark_language(entry) -> None:
    """LANGUAGE on SUMMARY and DESCRIPTION (RFC 5545 3.2.10): the language they are written in."""
    for name in ("summary", "description"):
        if name in entry:
            entry[name].params["LANGUAGE"] = languages.html_lang(languages.current())


def session_status(session, tentative: bool = False) -> str:
    """STATUS of a session's VEVENT: CANCELLED, TENTATIVE (a waiting-list place) or CONFIRMED."""
    if session.status == "cancelled":
        return "CANCELLED"
    return "TENTATIVE" if tentative else "CONFIRMED"


def sessions_feed(event, sessions, name: str, tentative: frozenset[int] = frozenset(), meetings=(),
                  owner_id: int | None = None) -> bytes:
    """A feed of sessions of one event (the agenda, a filtered part of it, one session, a personal
    agenda) as iCalendar bytes, from each session's kept VEVENT.

    tentative: ids of the sessions shown as TENTATIVE (a personal agenda's waiting-list places).
    meetings: a personal agenda's bilateral meetings (cancelled ones too, so calendars drop them), seen by
    the registration `owner_id`.
    """
    calendar = new_calendar(event, name)
    add_timezone(calendar, event, [*sessions, *(meeting.slot for meeting in meetings)])
    envelope = calendar.to_ical()
    end = envelope.rindex(b"END:VCALENDAR")
    context = _feed_context(event)
    entries = b"".join(_vevent(event, session, session.id in tentative, context) for session in sessions)
    entries += b"".join(meeting_event(event, meeting, owner_id, _KEPT_STAMP).to_ical() for meeting in meetings)
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ").encode()
    body = envelope[:end] + entries + envelope[end:]
    return body.replace(_KEPT_STAMP_LINE, b"\r\nDTSTAMP:" + stamp + b"\r\n")


def _feed_context(event) -> tuple:
    """What every VEVENT of the event shows besides its session's own rows: the venue and the links' root."""
    return (site_host(), external_url("events.index"), event.slug, event.timezone, event.location,
            event.latitude, event.longitude, event.language, languages.current())


def _vevent(event, session, tentative: bool, context: tuple) -> bytes:
    """The session's VEVENT as bytes, serialised once per process for as long as nothing it shows changes.

    The key holds every value session_event reads (one tuple of already-loaded values; the session's
    own columns too, not only updated_at, since a bulk update may leave that alone).
    """
    room, track, kind = session.room, session.track, session.kind
    key = (context, session.id, session.uuid, session.updated_at, session.sequence, session.status, tentative,
           session.start_at, session.end_at, session.title, session.description, repr(session.translations),
           (room.name, room.location) if room is not None else None,
           track.name if track is not None else None, kind.name if kind is not None else None,
           tuple(person_line(p) for p in session.people))
    found = _vevents.get_value(key)
    if found is None:
        found = session_event(event, session, _KEPT_STAMP, tentative).to_ical()
        _vevents.set(key, found, len(found) + len(session.description or ""))
    return found


def meeting_event(event, meeting, owner_id: int | None, stamp):
    """A bilateral meeting as a VEVENT: with whom, at which table; its UID is built from the uuid stored
    once per meeting, so a cancellation (STATUS:CANCELLED, SEQUENCE raised) withdraws the entry apps have."""
    from flask_babel import gettext as _
    from icalendar import Event

    zone = ZoneInfo(event.timezone)
    other = meeting.other(owner_id)
    name = other.full_name if other is not None else ""
    with_whom = ", ".join(p for p in (name, other.position, other.organisation_display) if p) if other else ""
    area = meeting.area
    entry = Event.new(
        uid=f"meeting-{meeting.uuid}@{site_host()}",
        stamp=stamp,
        last_modified=meeting.updated_at,
        sequence=meeting.sequence,
        start=meeting.slot.start_at.astimezone(zone),
        end=meeting.slot.end_at.astimezone(zone),
        summary=_("Meeting with %(name)s", name=name),
        location=", ".join(p for p in (area.name, area.location, event.location) if p) or None,
        description=_("Bilateral meeting with %(person)s at %(table)s.", person=with_whom, table=area.name),
        status="CANCELLED" if meeting.status == "cancelled" else "CONFIRMED",
    )
    _mark_language(entry)
    _geo(entry, event)
    return entry


def event_calendar(event):
    """The event itself as one all-day span in its local dates: a three-day congress is three days, not 72 hours.

    DTEND of an all-day entry is exclusive, so it is the day after the last day; an end at
    local midnight means the previous day was the last.
    """
    from icalendar import Event

    zone = ZoneInfo(event.timezone)
    first_day = event.start_at.astimezone(zone).date()
    last_day = (event.end_at.astimezone(zone) - timedelta(microseconds=1)).date()
    entry = Event.new(
        uid=f"event-{event.id}@{site_host()}",
        stamp=utcnow(),
        last_modified=event.updated_at,
        sequence=event.sequence,
        start=first_day,
        end=max(last_day, first_day) + timedelta(days=1),
        summary=event.localized("title"),
        location=event.location,
        description=event.localized("summary") or None,
        url=external_url("events.detail", slug=event.slug),
        status="CANCELLED" if event.status == "cancelled" else "CONFIRMED",
    )
    _mark_language(entry)
    _geo(entry, event)
    calendar = new_calendar(event, event.localized("title"))
    calendar.add_component(entry)
    # All-day dates carry no TZID, so no VTIMEZONE is needed (or allowed to be assumed) here.
    return calendar
