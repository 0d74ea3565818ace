"""The invitation attached to a confirmation e-mail: the event as an iCalendar REQUEST for one registrant,
and its withdrawal (a CANCEL of the same UID) when that person cancels or is turned away.

icalendar is imported inside the functions, so that only the code that builds a calendar pays for it.
"""
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from flask import current_app

from eventhub.core import languages
from eventhub.core.ical import new_calendar, vtimezone
from eventhub.core.types import utcnow
from eventhub.core.urls import external_url, site_host
from eventhub.mail.services import written_in

PRODID = "-//EventHub//Registration invitation//EN"
CONTENT_TYPE = "text/calendar; method=REQUEST; charset=utf-8"
CANCEL_CONTENT_TYPE = "text/calendar; method=CANCEL; charset=utf-8"


def invitation_uid(registration) -> str:
    """One UID per event and registration, so a later REQUEST (after a promotion, say) updates the same entry."""
    return f"event-{registration.event_id}-registration-{registration.id}@{site_host()}"


def organizer_address(event=None, language: str | None = None):
    """ORGANIZER: the event's contact (named after the event, in `language`) when it has one, so a question
    typed in the calendar app reaches the organisers; else MAIL_DEFAULT_SENDER."""
    from icalendar import vCalAddress

    if event is not None and event.contact_email:
        return vCalAddress.new(event.contact_email, cn=event.localized("title", language))
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

    Its texts (title, summary, the manage line) are in the registrant's language, like the mail that
    carries it, whoever's request sends it; SUMMARY says which language its title is in.
    """
    with written_in(registration.locale):
        return _calendar(registration, manage_link, method)


def _calendar(registration, manage_link: str, method: str):
    """invitation_calendar in the language spoken now."""
    from icalendar import Event, vCalAddress

    event, zone = registration.event, ZoneInfo(registration.event.timezone)
    language = languages.current()
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
        summary=event.localized("title", language),
        location=event.location,
        description=_description(event, manage_link, language),
        url=external_url("events.detail", slug=event.slug),
        organizer=organizer_address(event, language),
        attendees=[attendee],
        status="CANCELLED" if method == "CANCEL" else "CONFIRMED",
    )
    entry["SUMMARY"].params["LANGUAGE"] = languages.html_lang(_written_in(event, "title", language))
    calendar = new_calendar(PRODID, method)
    calendar.add_component(entry)
    calendar.add_component(vtimezone(event.timezone, start.year, end.year + 1))
    return calendar


def _written_in(event, field: str, language: str) -> str:
    """The language the event's field is actually given in for a reader of `language` (a missing
    translation falls back to the main language)."""
    return language if event.translation(language, field) else (event.language or languages.DEFAULT)


def _description(event, manage_link: str, language: str) -> str:
    """The summary, then where to manage the registration."""
    from flask_babel import gettext as _

    summary = event.localized("summary", language)
    lines = [summary] if summary else []
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
