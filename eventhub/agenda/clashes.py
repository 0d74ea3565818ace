"""Clash detection: what is wrong with an agenda, as errors (block publishing) and warnings."""
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventhub.agenda.models import AgendaSession, SessionPerson
from eventhub.core.text import fold
from eventhub.extensions import db


@dataclass
class Clash:
    kind: str  # room, person, outside_event, over_room_capacity, speaker_not_confirmed
    severity: str  # "error" blocks publishing; "warning" does not
    message: str
    session_ids: list[int] = field(default_factory=list)


def _overlap(a: AgendaSession, b: AgendaSession) -> bool:
    return a.start_at < b.end_at and b.start_at < a.end_at


def _live_sessions(event) -> list[AgendaSession]:
    query = (
        select(AgendaSession)
        .where(AgendaSession.event_id == event.id, AgendaSession.status != "cancelled",
               AgendaSession.start_at.is_not(None))  # unscheduled drafts clash with nothing yet
        .options(selectinload(AgendaSession.people).selectinload(SessionPerson.registration))
        .order_by(AgendaSession.start_at, AgendaSession.id)
    )
    return list(db.session.scalars(query))


def _pairs_overlapping(sessions: list[AgendaSession]):
    """Overlapping pairs among sessions sorted by start, without comparing every pair."""
    for i, a in enumerate(sessions):
        for b in sessions[i + 1:]:
            if b.start_at >= a.end_at:
                break
            yield a, b


def _room_clashes(sessions) -> list[Clash]:
    by_room = defaultdict(list)
    for s in sessions:
        if s.room_id is not None:
            by_room[s.room_id].append(s)
    return [
        Clash("room", "error", _("%(room)s is double-booked: “%(a)s” and “%(b)s” overlap.",
                                 room=a.room.name, a=a.title, b=b.title), [a.id, b.id])
        for room_sessions in by_room.values()
        for a, b in _pairs_overlapping(room_sessions)
    ]


def _person_key(person: SessionPerson) -> str:
    return f"r{person.registration_id}" if person.registration_id else "n" + fold(person.name)


def _person_clashes(sessions) -> list[Clash]:
    by_person = defaultdict(dict)
    names = {}
    for s in sessions:
        for person in s.people:
            key = _person_key(person)
            by_person[key][s.id] = s
            names[key] = person.name
    clashes = []
    for key, person_sessions in by_person.items():
        for a, b in combinations(sorted(person_sessions.values(), key=lambda s: s.start_at), 2):
            if _overlap(a, b):
                clashes.append(Clash("person", "warning", _("%(name)s is in “%(a)s” and “%(b)s” at the same time.",
                                                            name=names[key], a=a.title, b=b.title), [a.id, b.id]))
    return clashes


def _single_session_clashes(event, sessions) -> list[Clash]:
    clashes = []
    for s in sessions:
        if s.start_at < event.start_at or s.end_at > event.end_at:
            clashes.append(Clash("outside_event", "warning",
                                 _("“%(title)s” is outside the event's dates.", title=s.title), [s.id]))
        if s.capacity is not None and s.room and s.room.capacity is not None and s.capacity > s.room.capacity:
            clashes.append(Clash("over_room_capacity", "warning",
                                 _("“%(title)s” takes %(n)d people but %(room)s holds %(m)d.",
                                   title=s.title, n=s.capacity, room=s.room.name, m=s.room.capacity), [s.id]))
        for person in s.people:
            if person.registration is not None and person.registration.status != "confirmed":
                clashes.append(Clash("speaker_not_confirmed", "warning",
                                     _("%(name)s speaks in “%(title)s” but their registration is %(status)s.",
                                       name=person.name, title=s.title,
                                       status=_(person.registration.status_label).lower()), [s.id]))
    return clashes


def find_clashes(event) -> list[Clash]:
    """Every clash of the event's live (not cancelled) sessions, errors first; two queries in all."""
    sessions = _live_sessions(event)
    clashes = _room_clashes(sessions) + _person_clashes(sessions) + _single_session_clashes(event, sessions)
    return sorted(clashes, key=lambda c: c.severity != "error")


def clashes_by_session(clashes: list[Clash]) -> dict[int, list[Clash]]:
    """Clashes indexed by each session they concern, for the editor."""
    index = defaultdict(list)
    for clash in clashes:
        for session_id in clash.session_ids:
            index[session_id].append(clash)
    return index
