"""Read side of the public agenda: the published sessions, filtered and grouped by day.

Every page runs a fixed number of queries and filters in Python, so the text search compares
folded text the same way on every database. The agenda page first reads an outline of every
session (times, status, track, room, kind, language: no people) to choose the day, filter and
count, and then loads only the sessions it lists, with their people: a congress of 1,000 sessions
shows one day of 300. A text search reads every session's text flat, in one more query.
"""
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from itertools import groupby

from babel import Locale, UnknownLocaleError
from flask_babel import get_locale
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from eventhub.agenda.loading import BATCH, with_people
from eventhub.agenda.models import AgendaSession, SessionPerson, SignUp, Star
from eventhub.agenda.services import event_sessions
from eventhub.core.cache import LocalCache
from eventhub.core.formatting import in_zone
from eventhub.core.text import fold
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.members.models import Organisation
from eventhub.registration.models import Registration


@dataclass
class Filters:
    """What the visitor asked for on the agenda page; None means "any"."""

    track_id: int | None = None
    room_id: int | None = None
    kind_id: int | None = None
    language: str | None = None
    day: date | None = None
    q: str = ""

    @property
    def active(self) -> bool:
        """True when at least one filter narrows the agenda."""
        return self.narrows or self.day is not None

    @property
    def narrows(self) -> bool:
        """True when a filter other than the day narrows the agenda (the page shows them unfolded)."""
        return any(v not in (None, "") for v in (self.track_id, self.room_id, self.kind_id, self.language, self.q))


# The agenda page shows one part at a time: a day, every day, or what runs now and starts soon.
ALL_DAYS, NOW = "all", "now"
# How far ahead "now and next" looks.
NEXT_HOURS = 2


@dataclass
class Part:
    """Which part of the agenda a page shows, chosen from ?day= and the venue's clock."""

    mode: str  # "day", ALL_DAYS or NOW
    day: date | None  # the day shown in "day" mode
    days: list[date]  # every day with a session, for the day tabs
    today: date  # the venue's date now
    live: bool  # the event is on today: "now and next" is offered

    @property
    def explicit_day(self) -> date | None:
        """The day when the visitor chose it (a day tab): the calendar links then keep it."""
        return self.day if self.mode == "day" else None


def event_span(event: Event, days: list[date]) -> tuple[date, date]:
    """The first and last local day of the event, stretched to any session outside its dates."""
    first, last = (in_zone(event.start_at, event.timezone).date(), in_zone(event.end_at, event.timezone).date())
    return min([first] + days[:1]), max([last] + days[-1:])


def choose_part(asked: str | None, days: list[date], event: Event, now: datetime,
                wanted: list[date] | None = None) -> Part:
    """The part of the agenda to show: what was asked for if it makes sense, else today's sessions
    during the event (the next day with sessions on a day without any), else the first day. Among
    `wanted` days first, when given (the days where a search finds something)."""
    today = in_zone(now, event.timezone).date()
    first, last = event_span(event, days)
    live = first <= today <= last
    if asked == ALL_DAYS:
        return Part(ALL_DAYS, None, days, today, live)
    if asked == NOW and live:
        return Part(NOW, None, days, today, live)
    try:
        chosen = date.fromisoformat(asked) if asked not in (None, "", NOW) else None
    except (TypeError, ValueError):
        chosen = None
    if chosen is None:
        candidates = wanted or days
        coming = [d for d in candidates if d >= today] if live else []
        chosen = (coming or candidates or [first])[0]
    return Part("day", chosen, days, today, live)


@dataclass
class NowAndNext:
    """Sessions running at a moment, those starting within NEXT_HOURS, and, when both are empty,
    the first sessions starting after that (so the page can still say what comes next)."""

    running: list[AgendaSession]
    starting: list[AgendaSession]
    later: list[AgendaSession]


def now_and_next(sessions: list[AgendaSession], now: datetime) -> NowAndNext:
    """Split sessions (in time order) around `now`; cancelled sessions never run, but stay listed as
    coming, so that whoever was going there sees it is off."""
    horizon = now + timedelta(hours=NEXT_HOURS)
    running = [s for s in sessions if s.start_at <= now < s.end_at and s.status != "cancelled"]
    starting = [s for s in sessions if now < s.start_at <= horizon]
    after = [s for s in sessions if s.start_at > horizon and s.status != "cancelled"]
    later = [s for s in after if s.start_at == after[0].start_at] if not (running or starting) and after else []
    return NowAndNext(running, starting, later)


@dataclass
class Shown:
    """What the agenda page lists: the part, its sessions passing the filters (in "now and next", the
    sessions of its three lists), how many sessions the part holds unfiltered, matches per day (for
    the tabs, while filters narrow), and now and next."""

    part: Part
    sessions: list[AgendaSession]
    total: int
    per_day: Counter
    now: NowAndNext | None = None


def agenda_page(event: Event, outline: list, filters: Filters, asked: str | None, now: datetime) -> Shown:
    """Choose the part of the agenda and filter it, then load the sessions to list (with their people).
    Filters other than the day search every day, so a search for a speaker lands on the day they speak
    (when no day was chosen) and the tabs count the matches of each day. `outline` is session_outline(event)."""
    tz = event.timezone
    day_of = {s.id: local_day(s, tz) for s in outline}  # worked out once: a congress has 1,000 sessions
    # The text search looks at people and descriptions, which the outline has not.
    texts = search_texts(event) if fold(filters.q).split() else None
    matching = filter_sessions(outline, replace(filters, day=None), tz, texts) if filters.narrows else outline
    part = choose_part(asked, sorted(set(day_of.values())), event, now,
                       sorted({day_of[s.id] for s in matching}) if filters.narrows else None)
    if part.mode == NOW:
        found = now_and_next(matching, now)
        listed = loaded(event, found.running + found.starting + found.later)
        by_id = {s.id: s for s in listed}
        found = NowAndNext(*([by_id[s.id] for s in group] for group in (found.running, found.starting, found.later)))
        return Shown(part, listed, len(outline), Counter(), found)
    if part.mode == ALL_DAYS:
        return Shown(part, loaded(event, matching), len(outline), Counter())
    shown = [s for s in matching if day_of[s.id] == part.day]
    total = sum(1 for day in day_of.values() if day == part.day)
    per_day = Counter(day_of[s.id] for s in matching) if filters.narrows else Counter()
    return Shown(part, loaded(event, shown), total, per_day)


def session_outline(event: Event) -> list:
    """Every visible session's id, times, status, track, room, kind and language, in time order: enough
    to choose the day, filter (all but the text search) and count, at a fraction of loading sessions."""
    query = (
        select(AgendaSession.id, AgendaSession.start_at, AgendaSession.end_at, AgendaSession.status,
               AgendaSession.track_id, AgendaSession.room_id, AgendaSession.kind_id, AgendaSession.language)
        .where(AgendaSession.event_id == event.id, AgendaSession.status != "draft")
        .order_by(AgendaSession.start_at, AgendaSession.room_id, AgendaSession.id)
    )
    return list(db.session.execute(query))


def loaded(event: Event, outlined: list) -> list[AgendaSession]:
    """The sessions of these outline rows, in their order, with people and cities, in a fixed number of
    queries (more only for more than 900 sessions, in batches the databases take)."""
    if not outlined:
        return []
    ids = [row.id for row in outlined]
    found = {}
    for n in range(0, len(ids), BATCH):
        found.update((s.id, s) for s in db.session.scalars(
            select(AgendaSession).where(AgendaSession.event_id == event.id, AgendaSession.id.in_(ids[n:n + BATCH]))))
    return with_people([found[i] for i in ids if i in found])


def main_language(sessions: list[AgendaSession]) -> str | None:
    """The language most sessions are held in: cards name the others only, to stay short."""
    counts = Counter(s.language for s in sessions).most_common(1)
    return counts[0][0] if counts else None


@dataclass
class Mine:
    """A registrant's own marks on an agenda: starred sessions and sign-ups by session id."""

    registration: Registration | None = None
    starred: set[int] = field(default_factory=set)
    signups: dict[int, SignUp] = field(default_factory=dict)

    @property
    def can_choose(self) -> bool:
        """Only confirmed participants star sessions and sign up."""
        return self.registration is not None and self.registration.status == "confirmed"


def visible_sessions(event: Event) -> list[AgendaSession]:
    """Scheduled and cancelled sessions (never drafts) by time, people and their cities loaded."""
    return event_sessions(event, include_drafts=False)


def visible_session(event: Event, session_id: int) -> AgendaSession | None:
    """One non-draft session of the event, with its people and their organisations."""
    query = (
        select(AgendaSession)
        .where(AgendaSession.id == session_id, AgendaSession.event_id == event.id, AgendaSession.status != "draft")
        .options(selectinload(AgendaSession.people).joinedload(SessionPerson.organisation))
    )
    return db.session.scalar(query)


def local_day(session: AgendaSession, tz: str) -> date:
    """The calendar day a session starts on, as the venue's clock shows it."""
    return in_zone(session.start_at, tz).date()


def search_text(session: AgendaSession) -> str:
    """Everything the text search looks at, folded: title, description (in every language the session has
    them), people and their cities."""
    parts = [session.title, session.description or "", *translated_texts(session.translations)]
    for person in session.people:
        parts += [person.name, person.position_title or ""]
        if person.organisation is not None:
            parts += [person.organisation.name, person.organisation.local_name or ""]
    return fold(" ".join(parts))


# Folded search texts by the text they were folded from, in this process: folding a congress's 1,000
# descriptions is most of a search's time, and a text changes only when its session, people or cities do.
_folded = LocalCache(8 * 1024 * 1024)


def translated_texts(translations: dict | None) -> list[str]:
    """A session's title and description in its other languages: a visitor searches in their own language."""
    return [text for fields in (translations or {}).values() if isinstance(fields, dict)
            for name, text in fields.items() if name in ("title", "description") and isinstance(text, str)]


def search_texts(event: Event) -> dict[int, str]:
    """search_text() of every visible session, by id, read flat in one query (no sessions or people loaded)."""
    query = (
        select(AgendaSession.id, AgendaSession.title, AgendaSession.description, AgendaSession.translations,
               SessionPerson.name, SessionPerson.position_title, Organisation.name.label("city"),
               Organisation.local_name)
        .outerjoin(SessionPerson, SessionPerson.session_id == AgendaSession.id)
        .outerjoin(Organisation, Organisation.id == SessionPerson.organisation_id)
        .where(AgendaSession.event_id == event.id, AgendaSession.status != "draft")
        .order_by(AgendaSession.id, SessionPerson.position, SessionPerson.id)
    )
    parts: dict[int, list[str]] = {}
    for row in db.session.execute(query):
        texts = parts.setdefault(row.id, [row.title, row.description or "", *translated_texts(row.translations)])
        if row.name is not None:
            texts += [row.name, row.position_title or ""]
        if row.city is not None:
            texts += [row.city, row.local_name or ""]
    return {session_id: _fold_once(" ".join(texts)) for session_id, texts in parts.items()}


def _fold_once(text: str) -> str:
    folded = _folded.get_value(text)
    if folded is None:
        folded = fold(text)
        _folded.set(text, folded, 2 * (len(text) + len(folded)))
    return folded


def matches(session: AgendaSession, filters: Filters, tz: str, words: list[str] | None = None,
            text: str | None = None) -> bool:
    """True when the session passes every filter (`words`: the search folded and split, `text`: the
    session's search_text, when the caller has them already)."""
    checks = (
        (filters.track_id, session.track_id), (filters.room_id, session.room_id),
        (filters.kind_id, session.kind_id), (filters.language, session.language),
    )
    if any(wanted is not None and wanted != actual for wanted, actual in checks):
        return False
    if filters.day is not None and local_day(session, tz) != filters.day:
        return False
    words = fold(filters.q).split() if words is None else words
    if not words:
        return True
    text = search_text(session) if text is None else text
    return all(word in text for word in words)


def filter_sessions(sessions: list, filters: Filters, tz: str, texts: dict[int, str] | None = None) -> list:
    """The sessions passing the filters, in their order. `texts`: their search texts by id (search_texts),
    so that sessions (or outline rows) without their people loaded can be searched."""
    words = fold(filters.q).split()
    return [s for s in sessions if matches(s, filters, tz, words, texts.get(s.id, "") if texts and words else None)]


def by_day(sessions: list[AgendaSession], tz: str) -> list[tuple[date, list[AgendaSession]]]:
    """Sessions (already in time order) grouped by their local day."""
    return [(day, list(group)) for day, group in groupby(sessions, key=lambda s: local_day(s, tz))]


def days_of(sessions: list[AgendaSession], tz: str) -> list[date]:
    """Every day that has a session, for the day tabs."""
    return sorted({local_day(s, tz) for s in sessions})


def languages_of(sessions: list[AgendaSession]) -> dict[str, str]:
    """Language codes used by the sessions, with their names in the visitor's language."""
    return {code: language_name(code) for code in sorted({s.language for s in sessions})}


def language_name(code: str) -> str:
    """"pt" -> "Portuguese" (in the current locale); unknown codes stay as they are."""
    try:
        return Locale.parse(code.replace("-", "_")).get_display_name(get_locale()) or code
    except (ValueError, UnknownLocaleError):
        return code


def confirmed_counts(session_ids: list[int]) -> dict[int, int]:
    """Confirmed sign-ups per session, in one query (run even for none, so pages keep a fixed query count)."""
    query = (
        select(SignUp.session_id, func.count())
        .where(SignUp.session_id.in_(session_ids), SignUp.status == "confirmed")
        .group_by(SignUp.session_id)
    )
    return dict(db.session.execute(query).all())


def capacities(sessions: list[AgendaSession]) -> dict[int, int | None]:
    """The capacity of each session that takes sign-ups (None: unlimited), by session id."""
    return {s.id: s.effective_capacity for s in sessions if s.signup_required}


def places_left(sessions: list[AgendaSession]) -> dict[int, int | None]:
    """Free places of the sessions that take sign-ups (None: unlimited)."""
    return places_left_of(capacities(sessions))


def places_left_of(taking: dict[int, int | None]) -> dict[int, int | None]:
    """Free places of the sessions that take sign-ups, from their capacities (see capacities), in one query."""
    counts = confirmed_counts(list(taking))
    return {
        session_id: None if capacity is None else max(capacity - counts.get(session_id, 0), 0)
        for session_id, capacity in taking.items()
    }


def marks_of(registration: Registration | None) -> Mine:
    """A registrant's stars and live sign-ups, in two queries."""
    if registration is None:
        return Mine()
    starred = db.session.scalars(select(Star.session_id).where(Star.registration_id == registration.id))
    signups = db.session.scalars(
        select(SignUp).where(SignUp.registration_id == registration.id, SignUp.status != "cancelled")
    )
    return Mine(registration, set(starred), {s.session_id: s for s in signups})
