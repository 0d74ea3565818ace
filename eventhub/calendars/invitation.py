"""The invitation attached to a confirmation e-mail: the event as an iCalendar REQUEST for one registrant,
and its withdrawal (a CANCEL of the same UID) when that person cancels or is turned away.

icalendar is imported inside the functions, so that only the code that builds a calendar pays for it.
"""
from datetime import date
from email.utils import parseaddr
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app

from eventhub.core.types import utcnow

PRODID = "-//EventHub//Registration invitation//EN"
CONTENT_TYPE = "text/calendar; method=REQUEST; charset=utf-8"
CANCEL_CONTENT_TYPE = "text/calendar; method=CANCEL; charset=utf-8"


def base_url() -> str:
    """BASE_URL without its trailing slash: links in mail and calendars must work outside a request."""
    return current_app.config["BASE_URL"].rstrip("/")


def event_url(event) -> str:
    """The event's public page as an absolute link."""
    return f"{base_url()}/events/{event.slug}"


def invitation_uid(registration) -> str:
    """One UID per event and registration, so a later REQUEST (after a promotion, say) updates the same entry."""
    host = urlsplit(base_url()).hostname or "eventhub"
    return f"event-{registration.event_id}-registration-{registration.id}@{host}"


def location(event) -> str | None:
    """Venue name and address on one line, as calendar apps show LOCATION."""
    # Addresses typed into a browser's text box come back with \r\n line ends.
    address = ", ".join(line.strip() for line in (event.venue_address or "").splitlines() if line.strip())
    parts = [event.venue_name, address]
    return ", ".join(part for part in parts if part) or None


def organizer_address():
    """ORGANIZER from MAIL_DEFAULT_SENDER: the address replies and RSVPs go to."""
    from icalendar import vCalAddress

    name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    return vCalAddress.new(address, cn=name or None)


def invitation_sequence(registration) -> int:
    """SEQUENCE of this person's entry: it grows when the event moves and each time the entry is
    withdrawn or sent again after a withdrawal, so calendars always take the newest message."""
    return registration.event.sequence + registration.invitation_sequence


def invitation_calendar(registration, manage_link: str, method: str = "REQUEST"):
    """The event as a METHOD:REQUEST calendar with the registrant as attendee, in the event's timezone.

    DTSTART and DTEND carry the real start and end with a TZID (so a three-day congress is its
    actual span), and the calendar holds a VTIMEZONE for it, as RFC 5545 requires. With
    method="CANCEL" the same entry comes marked cancelled, so calendar apps remove it.
    """
    from icalendar import Calendar, Event, vCalAddress

    event, zone = registration.event, ZoneInfo(registration.event.timezone)
    start, end = event.start_at.astimezone(zone), event.end_at.astimezone(zone)
    attendee = vCalAddress.new(
        registration.email, cn=registration.full_name, cutype="INDIVIDUAL",
        role="REQ-PARTICIPANT", partstat="ACCEPTED", rsvp=False,
    )
    entry = Event.new(
        uid=invitation_uid(registration),
        stamp=utcnow(),
        sequence=invitation_sequence(registration),
        start=start,
        end=end,
        summary=event.title,
        location=location(event),
        description=_description(event, manage_link),
        url=event_url(event),
        organizer=organizer_address(),
        attendees=[attendee],
        status="CANCELLED" if method == "CANCEL" else "CONFIRMED",
    )
    # Built by hand rather than with Calendar.new(), which would add a random calendar UID.
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(entry)
    calendar.add_component(vtimezone(event.timezone, start.year, end.year + 1))
    return calendar


@lru_cache(maxsize=64)
def vtimezone(tz_name: str, first_year: int, last_year: int):
    """The zone's rules for the years an event touches: enough for every client, and a short file.

    Cached because building it costs more than the rest of the message; the component is only read.
    """
    from icalendar import Timezone

    return Timezone.from_tzinfo(ZoneInfo(tz_name), tz_name, date(first_year, 1, 1), date(last_year, 1, 1))


def _description(event, manage_link: str) -> str:
    """The summary, then where to manage the registration."""
    from flask_babel import gettext as _

    lines = [event.summary] if event.summary else []
    lines.append(_("Manage your registration: %(url)s", url=manage_link))
    return "\n\n".join(lines)


def invitation_ics(registration, manage_link: str, method: str = "REQUEST") -> str:
    """The invitation (or its cancellation) as the text of an .ics file."""
    return invitation_calendar(registration, manage_link, method).to_ical().decode("utf-8")


def invitation_attachment(registration, manage_link: str, method: str = "REQUEST") -> dict:
    """The invitation (or its cancellation) in the outbox's attachment shape."""
    return {
        "filename": f"{registration.event.slug}.ics",
        "content_type": CANCEL_CONTENT_TYPE if method == "CANCEL" else CONTENT_TYPE,
        "content": invitation_ics(registration, manage_link, method),
    }
