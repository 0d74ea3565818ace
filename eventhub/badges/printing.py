"""Which badges to print, in which order, and what each one says: registrations turned into the plain
cards eventhub.printing.badges renders (it knows nothing of registrations).

The same selection serves the organisers' page, the API and `flask badges render`. Badges print in
the event's main language (its fixed labels, dates and category names), whoever asks for them and in
whatever language their page is: a pile of badges reads the same.
"""
import unicodedata
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from eventhub.agenda.models import AgendaSession, SignUp, Star
from eventhub.badges.models import Badge
from eventhub.core import languages
from eventhub.core.countries import country_name
from eventhub.core.errors import ValidationError
from eventhub.core.formatting import format_event_dates, format_time_in_zone, in_zone
from eventhub.core.text import fold
from eventhub.core.validation import as_id, as_ids
from eventhub.events.images import image_data
from eventhub.events.models import CATEGORIES
from eventhub.extensions import db
from eventhub.registration.models import Registration

# Labels shown on the organisers' badge page, in its language.
LAYOUTS = {"a4": _l("A4: four per sheet, crop marks"), "a6": _l("A6: one per page")}
SORTS = {"name": _l("Family name"), "organisation": _l("Organisation, then family name")}
# Sessions are looked up for this many people at a time: a few queries per 500 badges, bounded memory.
CHUNK = 500


@dataclass(frozen=True)
class Selection:
    """Which valid badges of an event: every confirmed registration unless narrowed."""

    category: str | None = None
    organisation_id: int | None = None
    not_printed: bool = False
    ids: tuple[int, ...] = ()
    # Only badges issued up to this instant: "mark as printed" then marks exactly the downloaded file.
    issued_until: datetime | None = None
    sort: str = "name"
    layout: str = "a4"
    double_sided: bool = False
    

def parse_selection(args, default_layout: str = "a4") -> Selection:
    """A selection from query-string style arguments (the page, the API); ValidationError when one is wrong."""
    problems = {}

    def choice(name, allowed, default):
        value = (args.get(name) or default).strip().lower()
        if value not in allowed:
            problems[name] = [_("Choose one of: %(choices)s.", choices=", ".join(allowed))]
        return value

    category = (args.get("category") or "").strip().lower() or None
    if category is not None and category not in CATEGORIES:
        problems["category"] = [_("Choose one of: %(choices)s.", choices=", ".join(CATEGORIES))]
    organisation_id = None
    if args.get("organisation_id"):
        organisation_id = as_id(args.get("organisation_id"))
        if organisation_id is None:
            problems["organisation_id"] = [_("Not an organisation number.")]
    # Ticked rows arrive as ids=1&ids=2 (a form) or ids=1,2 (easier to type in an API call).
    raw = args.getlist("ids") if hasattr(args, "getlist") else args.get("ids") or []
    ids = as_ids([part for value in ([raw] if isinstance(raw, str) else raw)
                  for part in str(value).split(",") if part.strip()])
    if ids is None:
        problems["ids"] = [_("Registration numbers must be whole numbers.")]
    issued_until = None
    if args.get("issued_until"):
        try:
            issued_until = datetime.fromisoformat(args["issued_until"])
            if issued_until.tzinfo is None:
                issued_until = issued_until.replace(tzinfo=UTC)
        except ValueError:
            problems["issued_until"] = [_("Not a date and time.")]
    selection = Selection(
        category=category, organisation_id=organisation_id, ids=ids or (), issued_until=issued_until,
        not_printed=(args.get("not_printed") or "").lower() in ("1", "true", "yes", "on", "y"),
        sort=choice("sort", SORTS, "name"), layout=choice("layout", LAYOUTS, default_layout),
        double_sided=(args.get("double_sided") or "").lower() in ("1", "true", "yes", "on", "y"),
    )
    if problems:
        raise ValidationError(problems)
    return selection


def selected(event, selection: Selection) -> list[tuple[Badge, Registration]]:
    """The valid badges the selection asks for, with their registrations and organisations, in print order."""
    query = (
        select(Badge, Registration)
        .join(Badge.registration)
        .options(selectinload(Registration.organisation), contains_eager(Badge.registration))
        .where(Badge.event_id == event.id, Badge.revoked_at.is_(None), Registration.status == "confirmed")
    )
    if selection.category:
        query = query.where(Registration.category == selection.category)
    if selection.organisation_id:
        query = query.where(Registration.organisation_id == selection.organisation_id)
    if selection.not_printed:
        query = query.where(Badge.printed_at.is_(None))
    if selection.ids:
        query = query.where(Registration.id.in_(selection.ids))
    if selection.issued_until is not None:
        query = query.where(Badge.issued_at <= selection.issued_until)
    rows = [tuple(row) for row in db.session.execute(query)]
    if selection.sort == "organisation":
        rows.sort(key=lambda row: (fold(row[1].organisation_display) or "\uffff", family_key(row[1].full_name)))
    else:
        rows.sort(key=lambda row: family_key(row[1].full_name))
    return rows


def family_key(full_name: str) -> tuple:
    """How a printed list of names is sorted: by family name, then the whole name.

    We store a name as one field, as people write it. Names in Han or Hangul put the family name
    first (习近平, 김민준); elsewhere it usually comes last (Zoë Ångström). Particles and two-part
    family names (van der Berg, García Márquez) sort by their last word: good enough to find a
    badge in a pile, and the same order every time.
    """
    words = (full_name or "").split()
    if not words:
        return ("", "")
    east_asian = any("CJK" in unicodedata.name(c, "") or "HANGUL" in unicodedata.name(c, "") for c in words[0])
    family = words[0] if east_asian else words[-1]
    return (fold(family), fold(full_name))


@contextmanager
def in_event_language(event):
    """Labels, dates and category names inside are in the event's main language."""
    with force_locale(languages.normalise(event.language) or languages.DEFAULT):
        yield


def badge_event(event):
    """What every badge of the event prints at the top, and the back's fixed labels, in the event's language."""
    from eventhub.printing.badges import BadgeEvent

    place = event.location
    with in_event_language(event):
        dates = format_event_dates(event) + (f" · {place}" if place else "")
        labels = {"sessions": _("My sessions"),
                  # Left unformatted: the renderer fills in the count it could not print.
                  "more": _("and %(count)s more"),
                  "badges": _("Badges")}
    return BadgeEvent(title=event.title, dates=dates, labels=labels, logo=image_data(event))


def cards(event, rows, double_sided: bool = False):
    """Each selected badge as a card for the renderer, produced as it is needed (sessions a chunk at a time).

    Each card is written in the event's language, and handed over outside it: the renderer (a consumer
    between two cards) keeps its own language."""
    from eventhub.printing.badges import BadgeCard

    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        with in_event_language(event):
            agendas = sessions_of(event, [registration.id for _badge, registration in chunk]) if double_sided else {}
        for badge, registration in chunk:
            organisation = registration.organisation
            with in_event_language(event):
                card = BadgeCard(
                    token=badge.token, full_name=registration.full_name, position=registration.position or "",
                    organisation=registration.organisation_display,
                    country=country_name(organisation.country) if organisation is not None else "",
                    category=registration.category, category_label=str(_(registration.category_label)),
                    sessions=tuple(agendas.get(registration.id, ())),
                )
            yield card


def sessions_of(event, registration_ids: list[int]) -> dict[int, list[tuple[str, str, str]]]:
    """Each person's own sessions (starred or signed up, not cancelled) by time, as (when, title, room)."""
    starred = select(Star.registration_id, Star.session_id).where(Star.registration_id.in_(registration_ids))
    signed = select(SignUp.registration_id, SignUp.session_id).where(
        SignUp.registration_id.in_(registration_ids), SignUp.status == "confirmed")
    pairs = db.session.execute(starred.union(signed)).all()
    if not pairs:
        return {}
    session_ids = {session_id for _registration_id, session_id in pairs}
    query = (
        select(AgendaSession)
        .options(selectinload(AgendaSession.room))
        .where(AgendaSession.id.in_(session_ids), AgendaSession.event_id == event.id,
               AgendaSession.status == "scheduled")
    )
    sessions = {s.id: s for s in db.session.scalars(query)}
    mine = defaultdict(list)
    for registration_id, session_id in pairs:
        if session_id in sessions:
            mine[registration_id].append(sessions[session_id])
    return {registration_id: [_line(event, s) for s in sorted(found, key=lambda s: (s.start_at, s.id))]
            for registration_id, found in mine.items()}


def _line(event, session) -> tuple[str, str, str]:
    """(weekday and times, title, room) of one session on the venue's clock, e.g. ("Tue 09:00–10:30", …)."""
    from babel import dates
    from flask_babel import get_locale

    start = in_zone(session.start_at, event.timezone)
    day = dates.format_skeleton("EEEd", start, locale=get_locale())
    times = f"{format_time_in_zone(session.start_at, event.timezone)}–{format_time_in_zone(session.end_at, event.timezone)}"
    return (f"{day} {times}", session.title, session.room.name if session.room else "")
