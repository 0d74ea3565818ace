"""Public agenda pages, sign-up and the personal agenda.

Who is the delegate? There are no accounts for delegates: a registration is reached through its
secret manage link. When a person opens their manage page (/registrations/<token>) or their
personal agenda (/registrations/<token>/agenda), the device remembers them in the session cookie;
the agenda and session pages then offer that person the "Add to my agenda" and "Sign up" buttons.
"Forget me on this device" drops it again. The token never appears in the URL of an agenda page,
so it cannot leak through a Referer header.

The session cookie is signed, not encrypted: anyone with the browser can read it. It holds the
digest of the manage token, never the token: the digest opens no page, and a cookie carrying one
cannot be made without the app's SECRET_KEY. A new manage link (registering again after
cancelling) changes the digest, so a device remembering the old holder is forgotten.
"""
from functools import cache, partial
from itertools import groupby

from babel import dates
from flask import Blueprint, abort, flash, get_template_attribute, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from eventhub.agenda import forms, page_cache, queries, room_grid, signups
from eventhub.agenda.services import schedule_parts
from eventhub.audit.services import REGISTRANT
from eventhub.core.errors import Refused
from eventhub.core.formatting import format_time_in_zone
from eventhub.core.loading import found_or_404
from eventhub.core.tokens import digest
from eventhub.core.transaction import atomic
from eventhub.core.types import utcnow
from eventhub.core.urls import safe_redirect_target
from eventhub.events.access import get_event
from eventhub.registration.models import Registration
from eventhub.registration.services import by_token

bp = Blueprint("agenda", __name__)

# The device's people, one per event: {event id: digest of the manage token} (a city officer may
# go to the congress and to a network meeting, each registration with its own link).
REMEMBERED_KEY = "registration_digests"
# Where cookies made before kept the tokens themselves, converted to digests on the next visit.
CLEAR_TEXT_KEY = "registration_tokens"
# Pages whose token identifies the person on the agenda pages afterwards.
REMEMBERING = {"registration.manage", "agenda.personal"}


def _remembered() -> dict:
    """The manage tokens' digests this device remembers, by event id (as strings: the session is JSON)."""
    if CLEAR_TEXT_KEY in session:
        _forget_clear_text_tokens()
    value = session.get(REMEMBERED_KEY)
    return value if isinstance(value, dict) else {}


def _forget_clear_text_tokens() -> None:
    """A cookie from before kept the manage tokens themselves: keep only their digests."""
    old = session.pop(CLEAR_TEXT_KEY)
    known = session.get(REMEMBERED_KEY)
    if isinstance(old, dict):
        session[REMEMBERED_KEY] = {**{key: digest(str(value)) for key, value in old.items()},
                                   **(known if isinstance(known, dict) else {})}


@bp.after_app_request
def _remember_registration(response):
    """After a manage link or personal agenda opened fine, remember whose device this is, for that event."""
    token = (request.view_args or {}).get("token")
    if request.endpoint in REMEMBERING and token and response.status_code == 200:
        registration = by_token(token)
        if registration is not None:
            session[REMEMBERED_KEY] = {**_remembered(), str(registration.event_id): registration.manage_token_digest}
    return response


@bp.after_request
def _keep_tokens_private(response):
    """Token pages must not leak the token in a Referer header; personal pages stay out of shared caches."""
    if "token" in (request.view_args or {}):
        response.headers["Referrer-Policy"] = "no-referrer"
    if "token" in (request.view_args or {}) or _remembered():
        response.headers["Cache-Control"] = "private, no-store"
    return response


def current_registration(event):
    """The registration this device remembers for this event, if any."""
    registration = Registration.by_digest("manage", _remembered().get(str(event.id)))
    return registration if registration is not None and registration.event_id == event.id else None


def session_or_404(slug: str, session_id: int):
    """The event and one of its visible (non-draft) sessions."""
    event = get_event(slug, agenda=True)
    return event, found_or_404(queries.visible_session(event, session_id))


@bp.route("/events/<slug>/agenda")
def agenda(slug: str):
    """The published agenda, one day at a time (or every day, or now and next), with filters and search.
    The list of sessions comes from page_cache while the agenda is unchanged; the visitor's own buttons
    and the places left are filled in for each request."""
    event = get_event(slug, agenda=True)
    form = forms.FilterForm(request.args)
    # The clock to the minute, so that "now and next" can be kept for a minute (see page_cache).
    filters, asked, now = form.filters(), form.day.data, utcnow().replace(second=0, microsecond=0)
    shown = page_cache.listing(event, filters, asked, now, lambda: build_listing(event, filters, asked, now))
    form.set_choices(shown.schedule, shown.languages)
    mine = queries.marks_of(current_registration(event))
    cards = page_cache.fill(shown.cards, shown.taking, mine, queries.places_left_of(shown.taking))
    return render_template("agenda/agenda.html", event=event, form=form, filters=filters, shown=shown,
                           part=shown.part, cards=cards, mine=mine)


def build_listing(event, filters, asked: str | None, now) -> page_cache.Listing:
    """The agenda page's list of sessions, rendered for every visitor (markers where each one's own differs)."""
    outline = queries.session_outline(event)
    found = queries.agenda_page(event, outline, filters, asked, now)
    languages = queries.languages_of(outline)
    session_list = get_template_attribute("agenda/_macros.html", "session_list")
    clock = cache(partial(format_time_in_zone, tz_name=event.timezone))
    cards = session_list(found, queries.by_day(found.sessions, event.timezone), filters, languages,
                         queries.main_language(outline), day_label, clock, event.language)
    return page_cache.Listing(found.part, str(cards), len(found.sessions), found.total, dict(found.per_day),
                              languages, page_cache.schedule_choices(schedule_parts(event)),
                              queries.capacities(found.sessions))


@bp.route("/events/<slug>/agenda/rooms")
def grid(slug: str):
    """One day of the agenda as a grid of rooms, read-only, for a big screen."""
    event = get_event(slug, agenda=True)
    sessions, tz = queries.visible_sessions(event), event.timezone
    asked = request.args.get("day")
    part = queries.choose_part(None if asked in (queries.ALL_DAYS, queries.NOW) else asked,
                               queries.days_of(sessions, tz), event, utcnow())
    rooms = schedule_parts(event).rooms
    return render_template("agenda/grid.html", event=event, part=part,
                           grid=room_grid.build_room_grid(sessions, rooms, part.day, tz))


def day_label(day) -> str:
    """A local calendar day, e.g. 'Tuesday, 15 June 2027', for the day filter and headings."""
    return dates.format_date(day, "full", locale=get_locale())


def day_tab(day) -> str:
    """A day as short as a tab on a phone needs it, e.g. 'Tue, Jun 15' (the heading below says it in full)."""
    return dates.format_skeleton("MMMEd", day, locale=get_locale())


def wall_clock(value) -> str:
    """A venue wall-clock time (naive, already local), e.g. '9:00 AM', for the grid's hours."""
    return dates.format_time(value, "short", locale=get_locale())


@bp.context_processor
def _helpers():
    """Day headings, day tabs and the grid's hours on every agenda page."""
    return {"day_label": day_label, "day_tab": day_tab, "wall_clock": wall_clock}


@bp.route("/events/<slug>/sessions/<int:session_id>", endpoint="session")
def session_page(slug: str, session_id: int):
    """One session: time, room, people, description, places, and the person's own sign-up."""
    event, item = session_or_404(slug, session_id)
    mine = queries.marks_of(current_registration(event))
    signup = mine.signups.get(item.id)
    # The agenda shows a day at a time: "back" goes to this session's day, at its card.
    return render_template("agenda/session.html", event=event, item=item, mine=mine, signup=signup,
                           day=queries.local_day(item, event.timezone),
                           position=signups.signup_position(signup) if signup else None,
                           places=queries.places_left([item]), action=forms.ActionForm(),
                           language=queries.language_name(item.language))


def act(slug: str, session_id: int, action, anchor: bool = False):
    """Run one of the person's actions on a session, flash its outcome and go back where they were
    (to the session's card on that page, with `anchor`)."""
    event, item = session_or_404(slug, session_id)
    form = forms.ActionForm()
    registration = current_registration(event)
    if registration is None:
        flash(_("Open the personal link from your registration e-mail on this device first, so we know who you are."),
              "error")
    else:
        try:
            with atomic():
                message = action(item, registration)
            flash(message, "success")
        except Refused as refused:
            flash(refused.message, "error")
    target = safe_redirect_target(form.next.data, url_for(".session", slug=slug, session_id=session_id))
    return redirect(f"{target.partition('#')[0]}#session-{item.id}" if anchor else target)


def sign_up(item, registration) -> str:
    """Take a place in a session that requires sign-up, or a place on its waiting list."""
    taken = signups.sign_up(item, registration, REGISTRANT)
    if taken.status == "confirmed":
        return _("You have a place in “%(title)s”.", title=item.localized("title"))
    return _("“%(title)s” is full: you are number %(position)d on its waiting list. If a place is freed, it is "
             "yours.", title=item.localized("title"), position=signups.signup_position(taken))


def cancel(item, registration) -> str:
    """Give one's place (or waiting-list place) back; the next on the waiting list takes it."""
    taken = queries.marks_of(registration).signups.get(item.id)
    if taken is None:
        raise Refused("wrong_status", _("You are not signed up for “%(title)s”.", title=item.localized("title")))
    signups.cancel_signup(taken, REGISTRANT)
    return _("Your sign-up for “%(title)s” is cancelled.", title=item.localized("title"))


def add(item, registration) -> str:
    """Put a session on the person's own agenda."""
    signups.star(registration, item)
    return _("“%(title)s” is on your agenda.", title=item.localized("title"))


def remove(item, registration) -> str:
    """Take a session off the person's own agenda."""
    signups.unstar(registration, item)
    return _("“%(title)s” is off your agenda.", title=item.localized("title"))


# The agenda list's buttons all submit one form; the pressed one's name is the action, its value the session.
MARKS = {"star": add, "unstar": remove, "signup": sign_up, "cancel-signup": cancel}


@bp.post("/events/<slug>/sessions/<int:session_id>/signup")
def signup(slug: str, session_id: int):
    """Take a place in a session that requires sign-up, or a place on its waiting list."""
    return act(slug, session_id, sign_up)


@bp.post("/events/<slug>/sessions/<int:session_id>/cancel-signup")
def cancel_signup(slug: str, session_id: int):
    """Give one's place (or waiting-list place) back; the next on the waiting list takes it."""
    return act(slug, session_id, cancel)


@bp.post("/events/<slug>/sessions/<int:session_id>/star")
def star(slug: str, session_id: int):
    """Put a session on the person's own agenda."""
    return act(slug, session_id, add)


@bp.post("/events/<slug>/sessions/<int:session_id>/unstar")
def unstar(slug: str, session_id: int):
    """Take a session off the person's own agenda."""
    return act(slug, session_id, remove)


@bp.post("/events/<slug>/agenda/marks")
def marks(slug: str):
    """A star or sign-up button of the agenda list: one form for the page (one CSRF token, not one form
    per card: a congress day has 300), the button says what to do to which session."""
    for name, action in MARKS.items():
        session_id = request.form.get(name, type=int)
        if session_id is not None:
            return act(slug, session_id, action, anchor=True)
    abort(400)


@bp.post("/agenda/forget-me")
def forget():
    """Stop recognising this device's people (a shared or borrowed computer), for every event."""
    session.pop(REMEMBERED_KEY, None)
    flash(_("This device no longer knows who you are. Your registration and your agenda are unchanged."), "info")
    return redirect(safe_redirect_target(forms.ActionForm().next.data, url_for("events.index")))


@bp.route("/registrations/<token>/agenda")
def personal(token: str):
    """The person's starred and signed-up sessions by day, with overlaps flagged."""
    registration = found_or_404(by_token(token))
    event = registration.event
    published = event.status != "draft" and event.agenda_published_at is not None
    items = signups.personal_agenda(registration) if published else []
    tz = event.timezone
    days = [(day, list(group)) for day, group in groupby(items, key=lambda pair: queries.local_day(pair[0], tz))]
    return render_template("agenda/personal.html", registration=registration, event=event, published=published,
                           days=days, mine=queries.marks_of(registration), action=forms.ActionForm(),
                           overlaps=sum(1 for _s, overlapping in items if overlapping))
