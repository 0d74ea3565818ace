"""The public agenda page's list of sessions, built once per version of the agenda and shared by every
visitor (eventhub.core.cache: in this process, and in Redis when configured).

Loading a congress day of 300 sessions with their people and rendering their cards is most of the
page's cost; the rest (the visitor's header, the day tabs, the filter form) is cheap. The list is kept
with what the rest of the page needs to know about it (the part shown, the counts, the languages, the
filter form's choices), under a key naming everything it depends on: the agenda's version, the
filters and day asked for, the venue's date (which day is "today", whether "now and next" is
offered), the locale and the URL root; "now and next" is kept for the minute it was built in (the
view reads the clock to the minute: sessions start and end on whole minutes, so the lists are exact).

The kept list holds nothing about the visitor, nor the places left (they change with every sign-up,
which is no change to the agenda): where a card shows them it holds a marker, filled in for each
request by fill(), so one visitor's stars never show to another.
"""
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from flask import current_app, request
from flask_babel import get_locale
from markupsafe import Markup

from eventhub.agenda.queries import NOW, Mine, Part
from eventhub.agenda.scopes import agenda_version
from eventhub.agenda.services import Schedule
from eventhub.core import cache
from eventhub.core.formatting import in_zone

# "<!--places:12-->" (the places left of session 12) and "<!--choices:12-->" (the visitor's buttons).
MARKER = re.compile(r"<!--(places|choices):(\d+)-->")


class Choice(NamedTuple):
    """A track, room or kind as the filter form offers it."""

    id: int
    name: str


@dataclass
class Listing:
    """The agenda page's rendered list of sessions (with markers) and what the rest of the page says of it."""

    part: Part
    cards: str
    count: int  # sessions listed (the filters passed)
    total: int  # sessions in the part, unfiltered
    per_day: dict[date, int]  # matches per day, while filters narrow
    languages: dict[str, str]  # code -> name in the visitor's language
    schedule: Schedule  # the filter form's tracks, rooms and kinds
    taking: dict[int, int | None]  # listed sessions taking sign-ups -> capacity (None: unlimited)

    def dumps(self) -> str:
        """Everything but the cards, as JSON."""
        part = self.part
        return json.dumps({
            "part": [part.mode, _day(part.day), [d.isoformat() for d in part.days], part.today.isoformat(), part.live],
            "count": self.count, "total": self.total, "languages": self.languages,
            "per_day": {d.isoformat(): n for d, n in self.per_day.items()},
            "schedule": [[list(c) for c in getattr(self.schedule, name)] for name in ("rooms", "tracks", "kinds")],
            "taking": list(self.taking.items()),
        })

    @classmethod
    def loads(cls, text: str, cards: str) -> "Listing":
        """The listing dumps() wrote, with its cards."""
        data = json.loads(text)
        mode, day, days, today, live = data["part"]
        return cls(
            Part(mode, day and date.fromisoformat(day), [date.fromisoformat(d) for d in days],
                 date.fromisoformat(today), live),
            cards, data["count"], data["total"],
            {date.fromisoformat(d): n for d, n in data["per_day"].items()}, data["languages"],
            Schedule(*([Choice(*c) for c in choices] for choices in data["schedule"])),
            {session_id: capacity for session_id, capacity in data["taking"]},
        )


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def listing(event, filters, asked: str | None, now: datetime, build: Callable[[], Listing]) -> Listing:
    """The page's listing from the cache, or build() it and keep it (unless the agenda has no version yet,
    e.g. just written in bulk)."""
    version = agenda_version(event)
    if version is None:
        return build()
    key = _key(event, version, filters, asked, now)
    found = cache.get(key)
    if found is not None:
        return Listing.loads(found.meta["listing"], found.body.decode())
    built = build()
    cache.put(key, built.cards.encode(), listing=built.dumps())
    return built


def _key(event, version: str, filters, asked: str | None, now: datetime) -> str:
    """Everything the listing depends on, hashed (a search may be long)."""
    moment = now.isoformat() if asked == NOW else in_zone(now, event.timezone).date().isoformat()
    named = [event.id, version, str(get_locale()), request.script_root, moment,
             asked or "", filters.track_id, filters.room_id, filters.kind_id, filters.language, filters.q]
    return "agenda-page:" + hashlib.sha256(json.dumps(named).encode()).hexdigest()


def schedule_choices(schedule: Schedule) -> Schedule:
    """The event's tracks, rooms and kinds as plain choices, to be kept with the listing."""
    names = [[item.name for item in schedule.rooms], [item.name for item in schedule.tracks],
             [kind.display_name for kind in schedule.kinds]]  # the listing is kept per language
    return Schedule(*([Choice(item.id, name) for item, name in zip(items, shown)]
                      for items, shown in zip((schedule.rooms, schedule.tracks, schedule.kinds), names)))


def fill(cards: str, taking: dict[int, int | None], mine: Mine, places: dict[int, int | None]) -> Markup:
    """The cards with this request's places left and this visitor's star and sign-up buttons."""
    macros = current_app.jinja_env.get_template("agenda/_macros.html").module

    def filled(marker: re.Match) -> str:
        session_id = int(marker[2])
        if marker[1] == "places":
            return macros.places_note(places.get(session_id))
        return macros.card_choices(session_id, session_id in taking, mine, places) if mine.can_choose else ""

    # The cards were rendered (escaped) by Jinja, the markers' replacements too.
    return Markup(MARKER.sub(filled, cards))  # noqa: S704
