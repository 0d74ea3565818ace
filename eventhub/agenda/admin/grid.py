"""The timetable editor's grid: days of the event, and sessions placed on rooms × 15-minute slots.

Pure computation on loaded objects (no queries), so the page's query count does not grow with sessions.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SLOT_MINUTES = 15
# The grid always shows at least the working day, local time.
DAY_START, DAY_END = 8 * 60, 19 * 60


@dataclass
class Placed:
    """A session on the grid: its row span (1-based slot rows) and column."""

    session: object
    row: int
    row_end: int
    column: int
    start: datetime  # local wall clock
    end: datetime


@dataclass
class Grid:
    """One day of the timetable."""

    day: date
    columns: list  # rooms, then None for "no room" when a session of the day has none
    slots: list[datetime] = field(default_factory=list)  # local wall-clock start of each row
    placed: list[Placed] = field(default_factory=list)


def local_naive(value: datetime, tz: ZoneInfo) -> datetime:
    """An aware time as the wall clock of the zone."""
    return value.astimezone(tz).replace(tzinfo=None)


def event_days(event, sessions) -> list[date]:
    """Every calendar day of the event in its timezone, plus any other day a session falls on."""
    tz = ZoneInfo(event.timezone)
    first, last = local_naive(event.start_at, tz).date(), local_naive(event.end_at, tz).date()
    days = {first + timedelta(days=n) for n in range((last - first).days + 1)}
    days |= {local_naive(s.start_at, tz).date() for s in sessions}
    return sorted(days)


def _minutes(value: datetime, midnight: datetime) -> int:
    return int((value - midnight).total_seconds() // 60)


def build_grid(event, sessions, rooms, day: date) -> Grid:
    """Place the day's sessions (by local start date) on rooms × slots; the range grows to fit them."""
    tz = ZoneInfo(event.timezone)
    midnight = datetime.combine(day, time())
    todays = [s for s in sessions if local_naive(s.start_at, tz).date() == day]
    columns = list(rooms) + ([None] if any(s.room_id is None for s in todays) else [])
    index = {room.id: n for n, room in enumerate(rooms)}
    first = min([DAY_START] + [_minutes(local_naive(s.start_at, tz), midnight) for s in todays])
    last = max([DAY_END] + [min(24 * 60, _minutes(local_naive(s.end_at, tz), midnight)) for s in todays])
    first -= first % SLOT_MINUTES
    last += -last % SLOT_MINUTES
    grid = Grid(day, columns, [midnight + timedelta(minutes=m) for m in range(first, last, SLOT_MINUTES)])
    for s in todays:
        start, end = local_naive(s.start_at, tz), local_naive(s.end_at, tz)
        row = (_minutes(start, midnight) - first) // SLOT_MINUTES + 1
        row_end = -(-(min(24 * 60, _minutes(end, midnight)) - first) // SLOT_MINUTES) + 1
        column = index.get(s.room_id, len(rooms)) + 1
        grid.placed.append(Placed(s, row, max(row_end, row + 1), column, start, end))
    return grid
