"""Finding a session's people by typing instead of scrolling a list of every registrant (1,500 at a
congress) or every member record: the searches behind the session form's type-ahead (its JSON is in
sessions.py, its script static/js/organisation-picker.js, the registration form's), and, for a browser
without the script, the same searches resolving what was typed.

Matching ignores accents and case in any script (eventhub.core.text.fold): "seo" finds 서지원's
"Seo", "lodz" finds Łódź, "مح" finds محمد.
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from eventhub.core.countries import country_name
from eventhub.core.text import fold, like_pattern
from eventhub.core.validation import as_id
from eventhub.extensions import db
from eventhub.members.models import Organisation
from eventhub.members.services import search_organisations
from eventhub.registration.models import Registration

# How many matches the type-ahead shows, and the no-script form offers as choices.
SUGGESTIONS = 10
# Longest search text taken, and most words (each must match).
MAX_TEXT, MAX_WORDS = 100, 5


def _escaped(text: str) -> str:
    """Folded text with LIKE's wildcards escaped, for patterns built here."""
    return fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def find_registrants(event, text: str, limit: int = SUGGESTIONS) -> list[Registration]:
    """The event's registrations whose name (or e-mail, or typed organisation) holds every typed word;
    names that start with the text first, then names with a word that does, then the rest, by name."""
    words = fold(text[:MAX_TEXT]).split()[:MAX_WORDS]
    if not words:
        return []
    query = select(Registration).where(Registration.event_id == event.id)
    for word in words:
        query = query.where(Registration.search_text.like(like_pattern(word), escape="\\"))
    # search_text starts with the folded full name (Registration.refresh_search_text).
    start = _escaped(" ".join(words))
    rank = case((Registration.search_text.like(f"{start}%", escape="\\"), 0),
                (Registration.search_text.like(f"% {start}%", escape="\\"), 1), else_=2)
    query = query.order_by(rank, Registration.search_text, Registration.id).limit(limit)
    return list(db.session.scalars(query.options(selectinload(Registration.organisation))))


def find_members(text: str, limit: int = SUGGESTIONS) -> list[Organisation]:
    """Member records whose name or local name holds the text, by name."""
    text = text.strip()[:MAX_TEXT]
    return list(db.session.scalars(search_organisations(text).limit(limit))) if text else []


def registrant_detail(registration: Registration) -> str:
    """What tells two people of the same name apart: organisation, e-mail, and the status unless confirmed."""
    parts = [registration.organisation_display, registration.email]
    if registration.status != "confirmed":
        parts.append(_(registration.status_label).lower())
    return " · ".join(part for part in parts if part)


def registrant_label(registration: Registration) -> str:
    """A registration as a choice: "서지원 — Busan Metro · jiwon@example.kr"."""
    return f"{registration.full_name} — {registrant_detail(registration)}"


def member_label(organisation: Organisation) -> str:
    """A member record as a choice, both spellings: "Seoul · 서울특별시 — Korea, Republic of"."""
    names = organisation.name
    if organisation.local_name and organisation.local_name != organisation.name:
        names = f"{names} · {organisation.local_name}"
    return f"{names} — {country_name(organisation.country)}"


@dataclass
class Resolved:
    """What typed text resolved to: one record, or the choices to offer and the message to show."""

    record: object = None
    name: str | None = None  # how the record reads in the text field
    choices: list[tuple[int, str]] = field(default_factory=list)
    error: str | None = None


def resolve_registrant(event, typed: str, *candidate_ids) -> Resolved:
    """The registration a person row names. An id the script (or an earlier choice) sent counts while the
    text still names it: the text may have been retyped. Otherwise the text is searched: one exact name,
    or a single match, wins; several give choices; none, a message."""
    ids = _ids(candidate_ids)
    for candidate in ids:
        registration = db.session.get(Registration, candidate)
        if registration is not None and registration.event_id == event.id and (
                not typed or fold(typed) in registration.search_text):
            return Resolved(registration, registration.full_name)
    if not typed:
        # An id sent without a name (a tampered or stale page) is refused, never quietly dropped.
        sent = [value for value in candidate_ids if value not in (None, "")]
        return Resolved(error=_("No such registration for this event.")) if sent else Resolved()
    matches = find_registrants(event, typed, SUGGESTIONS + 1)
    exact = [r for r in matches if fold(r.full_name) == fold(typed)]
    if len(exact) == 1 or len(matches) == 1:
        found = (exact or matches)[0]
        return Resolved(found, found.full_name)
    if not matches:
        return Resolved(error=_("Nobody registered for this event is called “%(text)s”. Check the spelling, or "
                                "give the person's name below as an external speaker.", text=typed))
    return Resolved(choices=[(r.id, registrant_label(r)) for r in matches[:SUGGESTIONS]],
                    error=_("Several participants match “%(text)s”: choose one below, or type more of the name.",
                            text=typed))


def resolve_member(typed: str, *candidate_ids) -> Resolved:
    """The member record an external speaker's organisation names, resolved as resolve_registrant does."""
    ids = _ids(candidate_ids)
    for candidate in ids:
        organisation = db.session.get(Organisation, candidate)
        if organisation is not None and (not typed or fold(typed) in organisation.search_text):
            return Resolved(organisation, organisation.name)
    if not typed:
        return Resolved(error=_("No such member record.")) if ids else Resolved()
    matches = find_members(typed, SUGGESTIONS + 1)
    exact = [o for o in matches if fold(typed) in (fold(o.name), fold(o.local_name))]
    if len(exact) == 1 or len(matches) == 1:
        found = (exact or matches)[0]
        return Resolved(found, found.name)
    if not matches:
        return Resolved(error=_("No member record matches “%(text)s”. Check the spelling, or leave it empty.",
                                text=typed))
    return Resolved(choices=[(o.id, member_label(o)) for o in matches[:SUGGESTIONS]],
                    error=_("Several member records match “%(text)s”: choose one below, or type more of its name.",
                            text=typed))


def _ids(values) -> list[int]:
    """The whole-number ids among submitted values (blanks and junk are skipped)."""
    return [number for number in map(as_id, values) if number]
