"""Dates and numbers for templates, in the event's timezone and the current locale."""
from datetime import datetime
from zoneinfo import ZoneInfo

from babel import dates, numbers
from flask_babel import get_locale

from eventhub.core.countries import country_name


def in_zone(value: datetime | None, tz_name: str) -> datetime | None:
    """An aware datetime converted to the named IANA timezone."""
    return value.astimezone(ZoneInfo(tz_name)) if value else None


def format_in_zone(value: datetime | None, tz_name: str) -> str:
    """Date and time, e.g. 'Tue, Jun 15, 2027, 9:00 AM', in the given timezone and the current locale."""
    if value is None:
        return ""
    tz, locale = ZoneInfo(tz_name), get_locale()
    day = dates.format_skeleton("yMMMEd", value, tzinfo=tz, locale=locale)
    return f"{day}, {dates.format_time(value, 'short', tzinfo=tz, locale=locale)}"


def format_time_in_zone(value: datetime | None, tz_name: str) -> str:
    """The time of day alone, e.g. '9:00 AM', in the given timezone."""
    if value is None:
        return ""
    return dates.format_time(value, "short", tzinfo=ZoneInfo(tz_name), locale=get_locale())


def format_date_in_zone(value: datetime | None, tz_name: str, format: str = "medium") -> str:
    """The calendar date of an instant as seen in the given timezone."""
    if value is None:
        return ""
    return dates.format_date(in_zone(value, tz_name).date(), format, locale=get_locale())


def format_event_dates(event) -> str:
    """The event's span in its own timezone, e.g. '10–12 Mar 2027'."""
    start, end = in_zone(event.start_at, event.timezone), in_zone(event.end_at, event.timezone)
    if start.date() == end.date():
        return dates.format_date(start.date(), "medium", locale=get_locale())
    return dates.format_interval(start.date(), end.date(), "yMMMd", locale=get_locale())


def format_number(value) -> str:
    return "" if value is None else numbers.format_decimal(value, locale=get_locale())


def local_name_lang(organisation) -> str | None:
    """A lang code for an organisation's local name, when its country has a single official language.

    Lets screen readers pronounce it and browsers pick the right CJK glyphs; multilingual
    countries get none rather than a wrong guess.
    """
    from babel.languages import get_official_languages

    languages = get_official_languages(organisation.country, de_facto=True) if organisation.country else ()
    return languages[0].replace("_", "-") if len(languages) == 1 else None


def timezone_label(value: datetime, tz_name: str) -> str:
    """The zone's name and UTC offset at that moment, e.g. 'Brasilia Standard Time, GMT-03:00'."""
    return dates.format_datetime(value, "zzzz, ZZZZ", tzinfo=ZoneInfo(tz_name), locale=get_locale())


def format_recorded(value, tz_name: str):
    """A value from the audit trail as people read it: a recorded moment (stored as UTC ISO text)
    on the given zone's clock, anything else unchanged."""
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return format_in_zone(moment, tz_name)
    return value


def init_app(app) -> None:
    """Expose the helpers as Jinja filters."""
    app.add_template_filter(format_in_zone, "in_zone")
    app.add_template_filter(format_date_in_zone, "date_in_zone")
    app.add_template_filter(format_time_in_zone, "time_in_zone")
    app.add_template_filter(format_event_dates, "event_dates")
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_recorded, "recorded")
    from eventhub.core import languages
    from eventhub.core.translated import localized

    app.add_template_filter(localized, "localized")
    app.add_template_global(languages.html_lang, "html_lang")
    app.add_template_global(languages.current, "current_language")
    app.add_template_global(languages.choices, "language_choices")
    for helper in (local_name_lang, timezone_label, country_name):
        app.add_template_global(helper)
