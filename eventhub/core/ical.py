"""iCalendar pieces every domain that writes a calendar uses: the envelope and the time zones.

icalendar is imported inside the functions, so that only the code that builds a calendar pays for it.
"""
from datetime import date
from functools import lru_cache
from zoneinfo import ZoneInfo


def new_calendar(prodid: str, method: str | None = None):
    """An empty VCALENDAR with what every client looks for.

    Built by hand rather than with Calendar.new(), which would add a random (so unstable) calendar UID.
    """
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", prodid)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


@lru_cache(maxsize=64)
def vtimezone(tz_name: str, first_year: int, last_year: int):
    """The zone's rules for the years a calendar touches: enough for every client, and a short file.

    Cached because building it costs more than the rest of a message; the component is only read.
    """
    from icalendar import Timezone

    return Timezone.from_tzinfo(ZoneInfo(tz_name), tz_name, date(first_year, 1, 1), date(last_year, 1, 1))
