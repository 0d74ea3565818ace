"""Read side of the public agenda: the published sessions, filtered and grouped by day.

An agenda holds at most a few hundred sessions, so every page loads them in a fixed number of
queries (sessions with kind, track and room joined; people and their cities in one more) and
filters in Python: the text search then compares folded text the same way on every database.
"""
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby

from babel import Locale, UnknownLocaleError
from flask_babel import get_locale
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from eventhub.agenda.models import AgendaSession, SessionPerson, SignUp, Star
from eventhub.agenda.services import event_sessions
from eventhub.core.formatting import in_zone
from eventhub.core.text import fold
from eventhub.events.models import Event
from eventhub.extensions import db
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
        return any(v not in (None, "") for v in (self.track_id, self.room_id, self.kind_id, self.language, self.day, self.q))


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
    """Everything the text search looks at, folded: title, description, people and their cities."""
    parts = [session.title, session.description or ""]
    for person in session.people:
        parts += [person.name, person.position_title or ""]
        if person.organisation is not None:
            parts += [person.organisation.name, person.organisation.local_name or ""]
    return fold(" ".join(parts))


def matches(session: AgendaSession, filters: Filters, tz: str) -> bool:
    """True when the session passes every filter."""
    checks = (
        (filters.track_id, session.track_id), (filters.room_id, session.room_id),
        (filters.kind_id, session.kind_id), (filters.language, session.language),
    )
    if any(wanted is not None and wanted != actual for wanted, actual in checks):
        return False
    if filters.day is not None and local_day(session, tz) != filters.day:
        return False
    words = fold(filters.q).split()
    return not words or all(word in search_text(session) for word in words)


def filter_sessions(sessions: list[AgendaSession], filters: Filters, tz: str) -> list[AgendaSession]:
    """The sessions passing the filters, in their order."""
    return [s for s in sessions if matches(s, filters, tz)]


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


def places_left(sessions: list[AgendaSession]) -> dict[int, int | None]:
    """Free places of the sessions that take sign-ups (None: unlimited)."""
    taking = [s for s in sessions if s.signup_required]
    counts = confirmed_counts([s.id for s in taking])
    return {
        s.id: None if s.effective_capacity is None else max(s.effective_capacity - counts.get(s.id, 0), 0)
        for s in taking
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
