"""iCalendar downloads and feeds: the published agenda, one session, the event, a personal agenda.

Calendar apps poll feeds, so each answer carries an ETag (a hash of the body without DTSTAMP,
which is the only part that changes on every request) and Last-Modified; an unchanged feed
answers 304 with no body.

1,500 delegates subscribe to the agenda feed, and most calendar apps send no ETag: the agenda feed
(each filter of it) is kept built, in this process and in Redis when configured, under the agenda's
version (eventhub.agenda.scopes), which any change gives a new value in the same transaction. The
next request after a change, to any process, builds the feed again from the kept VEVENTs (feeds.py).
"""
import hashlib
import re
from datetime import date, datetime

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from eventhub.agenda import queries, signups
from eventhub.agenda.scopes import agenda_version
from eventhub.audit.services import REGISTRANT
from eventhub.calendars import feeds, services
from eventhub.core import cache, languages
from eventhub.core.loading import found_or_404
from eventhub.core.tokens import keep_tokens_private
from eventhub.core.transaction import atomic
from eventhub.core.urls import external_url
from eventhub.events.access import get_event
from eventhub.meetings import queries as meeting_queries
from eventhub.registration.services import by_token

bp = Blueprint("calendars", __name__)

CONTENT_TYPE = "text/calendar; charset=utf-8"
STAMP = re.compile(rb"^DTSTAMP:[^\r\n]*\r\n", re.MULTILINE)


keep_tokens_private(bp, cache_control="private, no-cache")


def ics_etag(body: bytes) -> str:
    """Changes with the body, but not with DTSTAMP, which is the moment the body was written."""
    return hashlib.sha256(STAMP.sub(b"", body)).hexdigest()


def ics_response(body: bytes, last_modified, filename: str, etag: str | None = None) -> Response:
    """The calendar as text/calendar, answering 304 when the client's copy is still current."""
    response = Response(body, content_type=CONTENT_TYPE)
    response.set_etag(etag or ics_etag(body))
    response.last_modified = last_modified
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response.make_conditional(request)


def agenda_filters() -> queries.Filters:
    """track, room and day from the query string; a value that does not parse narrows nothing."""
    day = request.args.get("day", "")
    try:
        day = date.fromisoformat(day) if day else None
    except ValueError:
        day = None
    return queries.Filters(track_id=request.args.get("track", type=int),
                           room_id=request.args.get("room", type=int), day=day)


@bp.route("/events/<slug>/agenda.ics")
def agenda_feed(slug: str):
    """Every non-draft session of a published agenda (cancelled ones too, so calendars drop them)."""
    event = get_event(slug, agenda=True)
    filters = agenda_filters()
    version = agenda_version(event)
    language = languages.requested(event.language)
    # Everything the body depends on: the agenda's version, the filter, the site's address (links, UIDs), the language.
    key = f"agenda.ics|{event.id}|{version}|{filters}|{external_url('events.index')}|{language}"
    entry = cache.get(key) if version else None
    if entry is None:
        sessions = queries.filter_sessions(queries.visible_sessions(event), filters, event.timezone)
        with force_locale(language):
            body = feeds.sessions_feed(event, sessions, event.localized("title"))
        entry = cache.put(key, body, etag=ics_etag(body), changed=services.agenda_changed_at(event).isoformat())
    return ics_response(entry.body, datetime.fromisoformat(entry.meta["changed"]), f"{event.slug}-agenda.ics",
                        entry.meta["etag"])


@bp.route("/events/<slug>/sessions/<int:session_id>.ics")
def session_ics(slug: str, session_id: int):
    """One session, to add to a calendar."""
    event = get_event(slug, agenda=True)
    item = found_or_404(queries.visible_session(event, session_id))
    with force_locale(languages.requested(event.language)):
        body = feeds.sessions_feed(event, [item], f"{item.localized('title')} · {event.localized('title')}")
    return ics_response(body, max(item.updated_at, event.updated_at), f"{event.slug}-session-{item.id}.ics")


@bp.route("/events/<slug>/event.ics")
def event_ics(slug: str):
    """The event as one all-day span, for delegates to block the dates."""
    event = get_event(slug)
    with force_locale(languages.requested(event.language)):
        body = feeds.event_calendar(event).to_ical()
    return ics_response(body, event.updated_at, f"{event.slug}.ics")


@bp.route("/calendar/<token>.ics")
def personal_feed(token: str):
    """A person's starred and signed-up sessions, for a calendar app to subscribe to."""
    registration = found_or_404(services.by_calendar_token(token))
    event = registration.event
    # Someone who cancelled (or was turned away) keeps a valid feed that is empty, so the
    # calendar apps subscribed to it drop the sessions instead of showing stale ones.
    attending = registration.status == "confirmed" and event.is_public and event.agenda_published_at is not None
    sessions = [item for item, _overlap in signups.personal_agenda(registration)] if attending else []
    services.load_people(sessions)
    tentative = services.waitlisted_session_ids(registration) if sessions else frozenset()
    # Bilateral meetings, cancelled ones too (STATUS:CANCELLED), so calendar apps drop them.
    meetings = meeting_queries.meetings_of(registration, include_cancelled=True) \
        if registration.status == "confirmed" and event.is_public else []
    # In the language its owner reads their e-mails in (changeable on the manage page), not the calendar
    # app's Accept-Language; ?lang= overrides.
    with force_locale(languages.normalise(request.args.get("lang")) or registration.locale):
        name = _("My agenda · %(event)s", event=event.localized("title"))
        body = feeds.sessions_feed(event, sessions, name, tentative, meetings, registration.id)
    changed = max([services.personal_changed_at(registration), *(meeting.updated_at for meeting in meetings)])
    return ics_response(body, changed, "my-agenda.ics")


@bp.route("/registrations/<token>/calendar/rotate", methods=["POST"])
def rotate(token: str):
    """Give the personal feed a new address; the old one stops working (a leaked link, a lost phone)."""
    registration = found_or_404(by_token(token))
    with atomic():
        services.rotate_calendar_token(registration, REGISTRANT)
    flash(_("Your calendar feed has a new address. Subscribe again with it; the old address no longer works."),
          "success")
    return redirect(url_for("registration.manage", token=token))


def feed_urls(endpoint: str, **values) -> dict:
    """A feed's addresses: the plain https URL (to download or paste) and the webcal:// link (to subscribe)."""
    # BASE_URL, not the request's host: the same address the e-mails give.
    url = external_url(endpoint, **values)
    return {"https": url, "webcal": re.sub(r"^https?://", "webcal://", url)}


@bp.app_context_processor
def _feed_links():
    """feed_urls(endpoint, **values) for the public pages; personal_feed_urls(registration) for the manage page."""

    def personal_feed_urls(registration) -> dict | None:
        """The personal feed's addresses, rebuilt from the stored salt; None for one issued before
        feed tokens were derived (eventhub.core.tokens), which only the subscribed apps know."""
        token = registration.calendar_token
        return feed_urls("calendars.personal_feed", token=token) if token else None

    def public_feed_urls(endpoint: str, **values) -> dict:
        """A public feed in the language of the page it is offered on: calendar apps send no cookie."""
        return feed_urls(endpoint, **{"lang": languages.current(), **values})

    return {"feed_urls": public_feed_urls, "personal_feed_urls": personal_feed_urls}
