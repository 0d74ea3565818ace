"""The public agenda's grid by room: one day, rooms as columns, sessions at their exact minutes.

Pure computation on loaded sessions and rooms (no queries), so the page's query count does not grow
with the sessions. The organisers' timetable has its own grid (eventhub.agenda.admin.grid): that
one places editable slots, this one only draws what is published.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The grid shows at least the working day, and starts and ends on a full hour so hour lines align.
DAY_START, DAY_END = 9 * 60, 18 * 60


@dataclass
class Placed:
    """A session in its column: minutes from the top of the grid, its length, and its lane when it
    overlaps another session of the same room (a cancelled one and its replacement)."""

    session: object
    top: int
    length: int
    lane: int = 0
    lanes: int = 1


@dataclass
class Column:
    """One room (None: sessions without a room, such as site visits), with its sessions by time."""

    room: object
    placed: list[Placed] = field(default_factory=list)


@dataclass
class RoomGrid:
    """One day: the hours shown on the time column, and one column per room."""

    day: date
    first: int  # minutes after midnight at the top of the grid
    minutes: int  # height of the grid in minutes
    hours: list[tuple[int, datetime]]  # (minutes from the top, local wall clock) of each full hour
    columns: list[Column]


def _minutes(value: datetime, tz: ZoneInfo, midnight: datetime) -> int:
    """Minutes from the local midnight of the day to an aware moment, as the venue's clock shows it."""
    return int((value.astimezone(tz).replace(tzinfo=None) - midnight).total_seconds() // 60)


def _lanes(placed: list[Placed]) -> None:
    """Give sessions of one room that overlap side-by-side lanes, each cluster its own count."""
    cluster: list[Placed] = []
    ends: list[int] = []  # end minute of the last session in each lane of the cluster
    for item in sorted(placed, key=lambda p: (p.top, -p.length)):
        if cluster and item.top >= max(ends):
            for done in cluster:
                done.lanes = len(ends)
            cluster, ends = [], []
        free = next((n for n, end in enumerate(ends) if end <= item.top), None)
        if free is None:
            ends.append(item.top + item.length)
            free = len(ends) - 1
        else:
            ends[free] = item.top + item.length
        item.lane = free
        cluster.append(item)
    for done in cluster:
        done.lanes = len(ends)


def build_room_grid(sessions, rooms, day: date, tz_name: str) -> RoomGrid:
    """Place the sessions starting on `day` (venue's clock) in their rooms' columns; rooms without a
    session that day are left out, and the hours grow to fit the earliest and latest session."""
    tz, midnight = ZoneInfo(tz_name), datetime.combine(day, time())
    todays = [s for s in sessions if s.start_at.astimezone(tz).date() == day]
    spans = {s.id: (_minutes(s.start_at, tz, midnight), min(24 * 60, _minutes(s.end_at, tz, midnight))) for s in todays}
    first = min([DAY_START] + [start for start, _end in spans.values()])
    last = max([DAY_END] + [end for _start, end in spans.values()])
    first, last = first - first % 60, last + -last % 60
    used = {s.room_id for s in todays}
    columns = [Column(room) for room in rooms if room.id in used] + ([Column(None)] if None in used else [])
    by_room = {column.room.id if column.room else None: column for column in columns}
    for s in todays:
        start, end = spans[s.id]
        by_room[s.room_id].placed.append(Placed(s, start - first, max(end - start, 5)))
    for column in columns:
        _lanes(column.placed)
    hours = [(m - first, midnight + timedelta(minutes=m)) for m in range(first, last, 60)]
    return RoomGrid(day, first, last - first, hours, columns)
