"""The congress timetable that `flask demo --sessions N` fills: days × time slots × rooms.

Up to 118 sessions the congress keeps its three days and eight rooms. Beyond, it grows as a real
congress would: parallel rooms first (a convention centre rents more meeting rooms), up to
MAX_ROOMS, and only then days, up to MAX_DAYS. Every room has one session per time block, so no
room is ever double-booked, whatever the size.
"""

BLOCKS = [("10:30", "12:00"), ("13:00", "14:30"), ("15:00", "16:30"), ("16:30", "18:00")]
BREAKS = [("10:00", "10:30", "Coffee break"), ("12:00", "13:00", "Lunch"), ("14:30", "15:00", "Coffee break")]
# The congress's own rooms (see agenda_data.ROOMS), in the order parallel sessions fill them, so a
# small agenda still has something in every block.
BASE_ROOM_ORDER = ["Room A", "Workshop studio", "Room B", "Plenary hall", "Room C", "Room D", "Room E", "Room F"]
# Meeting rooms added for larger agendas, filled after the base rooms.
EXTRA_ROOM_NAMES = [f"Room {letter}" for letter in "GHIJKLMNOPQRSTUVWXYZ"]
ROOM_ORDER = BASE_ROOM_ORDER + EXTRA_ROOM_NAMES
# 28 rooms in parallel is a large convention centre; more would not be a congress people can follow.
MAX_ROOMS = len(ROOM_ORDER)
# Three weeks, the length of the longest UN conferences.
MAX_DAYS = 21
SIDE_EVENT_ROOMS = ("Room A", "Room B", "Room C")

# What is dropped first when N is smaller than the timetable: plenaries and breaks are kept, then
# parallel sessions in the congress's rooms, then side events and visits, then the added rooms.
FRAME, BASE_BLOCKS, EXTRAS, EXTRA_BLOCKS = 0, 1, 2, 3


def minutes(day: int, clock: str) -> int:
    """Minutes from the first day's midnight to "HH:MM" on `day` (0-based)."""
    hours, mins = clock.split(":")
    return day * 1440 + int(hours) * 60 + int(mins)


def _slot(day, start, end, kind, room=None, priority=FRAME, rank=()) -> dict:
    """One slot of the timetable; priority and rank say how soon it is dropped from a smaller agenda."""
    return {"day": day, "start": start, "end": end, "kind": kind, "room": room, "priority": priority, "rank": rank}


def _blocks(day: int, last: bool, days: int, rooms: int) -> list[dict]:
    """The parallel sessions of one day: every room in every block (three blocks on a closing day)."""
    slots = []
    for block, (start, end) in enumerate(BLOCKS[:3] if last and days > 1 else BLOCKS):
        for rank, room in enumerate(ROOM_ORDER[:rooms]):
            kind = "Workshop" if room == "Workshop studio" else "Parallel session"
            priority = BASE_BLOCKS if room in BASE_ROOM_ORDER else EXTRA_BLOCKS
            slots.append(_slot(day, start, end, kind, room, priority, (rank, day, block)))
    return slots


def skeleton(days: int, rooms: int = len(BASE_ROOM_ORDER)) -> list[dict]:
    """Every slot of a congress of `days` days with `rooms` parallel rooms (at least the eight base rooms)."""
    rooms = max(rooms, len(BASE_ROOM_ORDER))
    slots = []
    for day in range(days):
        last = day == days - 1
        slots.append(_slot(day, "09:00", "10:00", "Plenary", "Plenary hall"))
        slots += [_slot(day, start, end, "Break") for start, end, _title in BREAKS]
        if last and days > 1:
            slots.append(_slot(day, "16:30", "18:00", "Plenary", "Plenary hall"))
        slots += _blocks(day, last, days, rooms)
        slots += [_slot(day, "12:10", "12:55", "Side event", room, EXTRAS, (rank,))
                  for rank, room in enumerate(SIDE_EVENT_ROOMS)]
        slots += [_slot(day, "13:00", "16:30", "Site visit", None, EXTRAS, (10 + n,)) for n in range(2)]
        if not last:
            slots.append(_slot(day, "19:00", "21:00", "Networking", None, EXTRAS, (20,)))
    return slots


def capacity(days: int, rooms: int) -> int:
    """How many sessions a timetable of `days` days and `rooms` rooms holds."""
    return len(skeleton(days, rooms))


def max_sessions(days: int = 3) -> int:
    """The most sessions the demo can make for a congress of `days` days: MAX_ROOMS over MAX_DAYS."""
    return capacity(max(days, MAX_DAYS), MAX_ROOMS)


def size_for(count: int, days: int) -> tuple[int, int]:
    """(rooms, days) of the smallest timetable that holds `count` sessions: rooms first, then days.

    Raises ValueError above max_sessions(days); the command refuses such a count before writing.
    """
    for rooms in range(len(BASE_ROOM_ORDER), MAX_ROOMS + 1):
        if capacity(days, rooms) >= count:
            return rooms, days
    for more in range(days + 1, max(days, MAX_DAYS) + 1):
        if capacity(more, MAX_ROOMS) >= count:
            return MAX_ROOMS, more
    raise ValueError(f"{count} sessions do not fit in {MAX_ROOMS} rooms over {MAX_DAYS} days")


def slots_for(count: int, days: int) -> list[dict]:
    """Exactly `count` slots: the smallest timetable that holds them, less its least important slots."""
    rooms, days = size_for(count, days)
    return sorted(skeleton(days, rooms), key=lambda s: (s["priority"], s["rank"], s["day"], s["start"]))[:count]
