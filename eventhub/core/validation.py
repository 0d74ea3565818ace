"""Checking raw input in services, the one boundary every form, API call, CSV row and CLI option crosses.

Problems are collected per field and raised together (ValidationError), so a person sees them all
at once. Text is cleaned the same way everywhere: a line break inside a one-line field (a name, a
title) is refused, because it would break mail headers and file names downstream; invisible
controls that only serve to disguise text (bidi overrides, zero-width spaces) are dropped.
"""
import re
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

from eventhub.core.errors import ValidationError

# Ids beyond the integer columns would overflow the database (an error page, not a message).
MAX_ID = 2**31 - 1
# Dates people can mean: later ones are typos, and year 1 cannot even be shifted between timezones.
MIN_YEAR, MAX_YEAR = 1900, 2200
# Bidi embeddings, overrides and isolates reorder the text around them (U+202E shows "gpj.exe" as
# "exe.jpg"); zero-width spaces, word joiners and BOMs hide inside words. None belongs in a name.
# Kept: ZWNJ and ZWJ (U+200C/D), which Persian and Indic spellings need, and the LRM/RLM/ALM
# marks, which only nudge neutral characters and cannot reverse a word.
_DISGUISING = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u2060-\u2064\ufeff\u00ad\u180e]")
# C0 and C1 control characters other than tab and line feed.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class Collector:
    """Gathers field errors so a caller sees every problem at once, not the first."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        """Note one problem with one field."""
        self.errors.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        """Raise every problem noted so far as one ValidationError."""
        if self.errors:
            raise ValidationError(self.errors)


def clean_text(value, multiline: bool = False) -> str:
    """Text as typed, made safe to keep: NFC, Windows line ends unified, disguising and control
    characters dropped, tabs as spaces in one-line text, surrounding blanks stripped."""
    text = unicodedata.normalize("NFC", str(value if value is not None else ""))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", _DISGUISING.sub("", text))
    if not multiline:
        text = text.replace("\t", " ")
    return text.strip()


def text_value(data: dict, field: str, limit: int, errors: Collector, required: bool = False,
               multiline: bool = False, error_field: str | None = None, required_message: str | None = None):
    """A cleaned text input (see clean_text), None when blank.

    Notes a missing required value, one over `limit` characters, and a line break in a one-line
    field. `error_field` files the messages under another name (answers.<key>).
    """
    from flask_babel import gettext as _

    name = error_field or field
    text = clean_text(data.get(field), multiline)
    if required and not text:
        errors.add(name, required_message or _("This field is required."))
    elif len(text) > limit:
        errors.add(name, _("At most %(limit)d characters.", limit=limit))
    if not multiline and "\n" in text:
        errors.add(name, _("Keep this on one line."))
    return text or None


def as_id(value) -> int | None:
    """A record id from raw input ("12", 12), or None for anything that cannot be one ("abc", -1, 10**20)."""
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= MAX_ID else None


def as_ids(values) -> list[int] | None:
    """A list of record ids, or None when any of them cannot be one."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        return None
    ids = [as_id(value) for value in values]
    return None if None in ids else ids


class YearOutOfRange(ValueError):
    """A date and time that parses, in a year nobody means (see MIN_YEAR, MAX_YEAR)."""


def to_utc(value, tz_name: str) -> datetime | None:
    """An input time as aware UTC: naive values are wall-clock times in the given zone.

    Raises ValueError for text that is no date and time, YearOutOfRange for a year outside MIN_YEAR–MAX_YEAR.
    """
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip())
    if not isinstance(value, datetime):
        raise ValueError(f"not a date and time: {value!r}")
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise YearOutOfRange(f"year {value.year} is out of range")
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz_name))
    return value.astimezone(ZoneInfo("UTC"))


def moment(data: dict, field: str, tz_name: str, errors: Collector, required: bool = False) -> datetime | None:
    """A time input as aware UTC (see to_utc), noting one that does not parse, is out of range or is missing."""
    from flask_babel import gettext as _

    raw = data.get(field)
    try:
        value = to_utc(raw, tz_name)
    except YearOutOfRange:
        errors.add(field, _("Give a date between the years %(first)d and %(last)d.", first=MIN_YEAR, last=MAX_YEAR))
        return None
    except (TypeError, ValueError):
        errors.add(field, _("'%(value)s' is not a date and time.", value=raw))
        return None
    if value is None and required:
        errors.add(field, _("This field is required."))
    return value
