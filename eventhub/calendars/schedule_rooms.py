"""The rooms of a frab schedule: every scheduled session in exactly one, and no two events of a room at once.

Schedule apps (Giggity, EventFahrplan) and signage draw a room as one column and its events one under the
other: two events of one room at the same time are drawn on top of each other and one of them is lost.
A real room never holds two sessions at once (the agenda refuses double-bookings), but sessions without
a room do: two site visits leave at 13:00 while lunch is served. They are given virtual rooms by kind
("Site visits", "Breaks", "Networking"; sessions without a kind, the venue's name), and a second lane
("Site visits 2") for as long as two of them overlap.

Lanes are filled in time order, each session in the first lane free when it starts, so the same agenda
gives the same rooms in every export and a change on a later day moves nothing earlier. The names are
the kinds' own names (data the organisers typed, in no particular language), not translated: an app
keeps a room by its name, so it must not change with the reader's browser language.
"""
from dataclasses import dataclass, field

from eventhub.agenda.models import AgendaSession
from eventhub.events.models import Event

# The lane names of the session kinds seeded by the migrations (agenda.models.DEFAULT_KINDS); a kind the
# organisers added is named as they named it.
LANE_NAMES = {"Plenary": "Plenary", "Parallel session": "Parallel sessions", "Workshop": "Workshops",
              "Side event": "Side events", "Site visit": "Site visits", "Networking": "Networking", "Break": "Breaks"}


@dataclass
class Rooms:
    """The schedule's rooms in order, as (name, key) with a key stable for the room's GUID, and the room of
    each session by id."""

    order: list[tuple[str, str]] = field(default_factory=list)
    of_session: dict[int, str] = field(default_factory=dict)

    def sort_key(self, session: AgendaSession) -> tuple:
        """Sessions by room in the conference's order, then by time: how each day lists them."""
        if len(self._positions) != len(self.order):
            self._positions = {name: n for n, (name, _key) in enumerate(self.order)}
        return self._positions[self.of_session[session.id]], session.start_at, session.id

    _positions: dict[str, int] = field(default_factory=dict, repr=False)


def plan_rooms(event: Event, sessions: list[AgendaSession]) -> Rooms:
    """Every session's frab room: its own room, else a lane of its kind's virtual room."""
    rooms = Rooms()
    real = sorted({s.room for s in sessions if s.room is not None}, key=lambda room: (room.position, room.name))
    for room in real:
        rooms.order.append((room.name, str(room.id)))
    for session in sessions:
        if session.room is not None:
            rooms.of_session[session.id] = session.room.name
    taken = {room.name for room in real}
    for (_order, _folded, base, key), members in sorted(_roomless_by_kind(event, sessions).items()):
        names = _lane_names(base, taken)
        for lane, lane_sessions in enumerate(_lanes(members)):
            name = next(names)
            rooms.order.append((name, key if lane == 0 else f"{key}-{lane + 1}"))
            rooms.of_session.update((session.id, name) for session in lane_sessions)
    return rooms


def _roomless_by_kind(event: Event, sessions: list[AgendaSession]) -> dict[tuple, list[AgendaSession]]:
    """Sessions without a room by virtual room: kinds by name, sessions without a kind last (the venue)."""
    groups: dict[tuple, list[AgendaSession]] = {}
    for session in sessions:
        if session.room is not None:
            continue
        if session.kind is None:
            venue = event.venue_name or event.title
            group = (1, venue.casefold(), venue, "venue")
        else:
            name = LANE_NAMES.get(session.kind.name, session.kind.name)
            group = (0, name.casefold(), name, f"kinds/{session.kind.id}")
        groups.setdefault(group, []).append(session)
    return groups


def _lanes(sessions: list[AgendaSession]) -> list[list[AgendaSession]]:
    """Sessions in as few lanes as possible, none overlapping another of its lane: in order of start (then of
    creation), each in the first lane whose last session has ended."""
    lanes: list[list[AgendaSession]] = []
    for session in sorted(sessions, key=lambda s: (s.start_at, s.id)):
        lane = next((lane for lane in lanes if lane[-1].end_at <= session.start_at), None)
        if lane is None:
            lanes.append([session])
        else:
            lane.append(session)
    return lanes


def _lane_names(base: str, taken: set[str]):
    """"Site visits", "Site visits 2", …, skipping the names of real rooms (a room called "Breaks" keeps its
    name, and the breaks without a room go to "Breaks 2")."""
    number = 1
    while True:
        name = base if number == 1 else f"{base} {number}"
        if name not in taken:
            taken.add(name)
            yield name
        number += 1
