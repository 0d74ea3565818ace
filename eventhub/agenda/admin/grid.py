"""The timetable editor's grid: days of the event, and sessions placed on rooms × 5-minute rows.

Pure computation on loaded objects (no queries), so the page's query count does not grow with sessions.
Rows are 5 minutes, so a session that starts at 12:10 is drawn at 12:10 (times off the 5-minute mark,
which only the API can store, are drawn from the mark before). Empty slots are links every 15 minutes:
small enough to aim at, big enough to hit.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ROW_MINUTES = 5
SLOT_MINUTES = 15
# The grid always shows at least the working day, local time.
DAY_START, DAY_END = 8 * 60, 19 * 60
DAY_MINUTES = 24 * 60


@dataclass
class Placed:
    """A session on the grid: its rows (1-based, 5 minutes each, end exclusive) and its column (1-based)."""

    session: object
    row: int
    row_end: int
    column: int
    start: datetime  # local wall clock
    end: datetime


@dataclass
class Grid:
    """One day of the timetable: rooms as columns, from `first` to `last` minutes after local midnight."""

    day: date
    columns: list  # the rooms, in timetable order
    first: int
    last: int
    placed: list[Placed] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """How many 5-minute rows the day has."""
        return (self.last - self.first) // ROW_MINUTES

    @property
    def slots(self) -> list[tuple[int, datetime]]:
        """(first row, local start) of every 15-minute slot: the links that add a session there."""
        midnight = datetime.combine(self.day, time())
        return [((m - self.first) // ROW_MINUTES + 1, midnight + timedelta(minutes=m))
                for m in range(self.first, self.last, SLOT_MINUTES)]


def local_naive(value: datetime, tz: ZoneInfo) -> datetime:
    """An aware time as the wall clock of the zone."""
    return value.astimezone(tz).replace(tzinfo=None)


def event_days(event, sessions) -> list[date]:
    """Every calendar day of the event in its timezone, plus any other day a session falls on."""
    tz = ZoneInfo(event.timezone)
    first, last = local_naive(event.start_at, tz).date(), local_naive(event.end_at, tz).date()
    days = {first + timedelta(days=n) for n in range((last - first).days + 1)}
    days |= {local_naive(s.start_at, tz).date() for s in sessions if s.start_at is not None}
    return sorted(days)


def _minutes(value: datetime, midnight: datetime) -> int:
    """Whole minutes after midnight, at most the end of the day (a session running past it stops there)."""
    return min(DAY_MINUTES, int((value - midnight).total_seconds() // 60))


def build_grid(event, sessions, rooms, day: date) -> Grid:
    """Place the day's sessions that have a room (by local start date); the range grows to fit them.

    Sessions without a room are not on the grid: the editor shows them in its tray (see tray()).
    """
    tz = ZoneInfo(event.timezone)
    midnight = datetime.combine(day, time())
    index = {room.id: n for n, room in enumerate(rooms)}
    todays = [s for s in sessions if s.room_id in index and s.start_at is not None
              and local_naive(s.start_at, tz).date() == day]
    first = min([DAY_START] + [_minutes(local_naive(s.start_at, tz), midnight) for s in todays])
    last = max([DAY_END] + [_minutes(local_naive(s.end_at, tz), midnight) for s in todays])
    first -= first % SLOT_MINUTES
    last += -last % SLOT_MINUTES
    grid = Grid(day, list(rooms), first, last)
    for s in todays:
        start, end = local_naive(s.start_at, tz), local_naive(s.end_at, tz)
        row = (_minutes(start, midnight) - first) // ROW_MINUTES + 1
        row_end = -(-(_minutes(end, midnight) - first) // ROW_MINUTES) + 1
        grid.placed.append(Placed(s, row, max(row_end, row + 1), index[s.room_id] + 1, start, end))
    return grid


def day_of(session, event) -> str | None:
    """The local day a session is on, for the timetable's links; None for an unscheduled one (any day shows it)."""
    return local_naive(session.start_at, ZoneInfo(event.timezone)).date().isoformat() if session.start_at else None


def tray(sessions) -> list:
    """What the editor's tray offers to drag onto the grid: unscheduled sessions (no time yet) first, then
    sessions without a room, any day, by time."""
    return [s for s in sessions if s.start_at is None] + [s for s in sessions if s.start_at and s.room_id is None]


def day_sessions(event, sessions, day: date) -> list:
    """Every session starting on the day (local), with a room or not, by time: the move forms' list."""
    tz = ZoneInfo(event.timezone)
    return [s for s in sessions if s.start_at is not None and local_naive(s.start_at, tz).date() == day]
