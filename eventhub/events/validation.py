"""Checking and converting raw event input (form, API, demo) into typed values for events.services."""
import re
from functools import cache
from zoneinfo import available_timezones

from flask_babel import gettext as _
from sqlalchemy import select

from eventhub.core.translation_input import clean_language, clean_translations
from eventhub.core.validation import MAX_ID, Collector, as_id, moment, text_value
from eventhub.events.models import CATEGORIES, KINDS, Event
from eventhub.extensions import db
from eventhub.members.models import Network, Organisation

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A phone number as people write it internationally: "+", then digits with spaces, dots, dashes,
# slashes or brackets between them ("+55 (11) 3396-1234"). Lenient on layout, strict on the "+":
# mayors call from abroad, and a number without its country code cannot be dialled from there.
PHONE_PATTERN = re.compile(r"^\+[0-9][0-9 ().\/-]*[0-9]$")
PHONE_DIGITS = (7, 15)  # E.164 allows at most 15 digits, country code included
TIME_FIELDS = ("start", "end", "registration_opens", "registration_closes")
# The texts organisers may give in other languages than the main one: (longest, several lines?).
TRANSLATION_LIMITS = {"title": (200, False), "summary": (500, True), "description": (50_000, True)}


@cache
def timezone_names() -> tuple[str, ...]:
    """Every IANA timezone name, sorted, for validation and select boxes."""
    return tuple(sorted(available_timezones() - {"localtime", "Factory"}))


def _number(data, field, errors, kind=float, low=None, high=None):
    """A number from the input (None when blank), noting one that does not parse or is out of range."""
    value = data.get(field)
    if value in (None, ""):
        return None
    try:
        number = kind(value)
    except (TypeError, ValueError, OverflowError):
        errors.add(field, _("'%(value)s' is not a number.", value=value))
        return None
    if kind is int and high is None:
        high = MAX_ID  # the integer columns hold no more
    if number != number or (low is not None and number < low) or (high is not None and number > high):
        errors.add(
            field,
            _("Must be between %(low)s and %(high)s.", low=low, high=high)
            if high is not None
            else _("Must be at least %(low)s.", low=low),
        )
    return number


def _times(data, tz_name, errors) -> dict:
    """The four times as aware UTC, checking that the event and its registration window are in order."""
    times = {}
    for field in TIME_FIELDS:
        # Without a valid zone the wall-clock times cannot be placed: the zone's own error says why.
        times[field] = moment(data, field, tz_name, errors, required=field in ("start", "end")) if tz_name else None
    for field in ("start", "end"):
        if times[field] is None and field not in errors.errors:
            errors.add(field, _("This field is required."))
    if times["start"] and times["end"] and times["end"] <= times["start"]:
        errors.add("end", _("The event must end after it starts."))
    opens, closes = times["registration_opens"], times["registration_closes"]
    if opens and closes and closes <= opens:
        errors.add("registration_closes", _("Registration must close after it opens."))
    if closes and times["end"] and closes > times["end"]:
        errors.add("registration_closes", _("Registration cannot close after the event has ended."))
    return times


def _references(data, kind, errors) -> tuple[Organisation | None, Network | None]:
    """The host organisation and the network the ids name; a network only for network meetings."""
    host = network = None
    if data.get("host_organisation_id"):
        host_id = as_id(data["host_organisation_id"])
        host = db.session.get(Organisation, host_id) if host_id else None
        if host is None:
            errors.add("host_organisation_id", _("No such organisation."))
    if data.get("network_id"):
        network_id = as_id(data["network_id"])
        network = db.session.get(Network, network_id) if network_id else None
        if network is None:
            errors.add("network_id", _("No such network."))
        elif kind != "network_meeting":
            errors.add("network_id", _("Only a network meeting can be restricted to a network."))
    return host, network


def clean_event(data: dict, event: Event | None = None) -> dict:
    """Check and convert raw input; raises ValidationError listing every bad field."""
    errors = Collector()
    kind = data.get("kind")
    if kind not in KINDS:
        errors.add("kind", _("Choose one of: %(choices)s.", choices=", ".join(KINDS)))
    tz_name = str(data.get("timezone") or "").strip()
    if tz_name not in timezone_names():
        errors.add("timezone", _("'%(value)s' is not an IANA timezone such as Europe/Berlin.", value=tz_name))
        tz_name = ""
    title = text_value(data, "title", 200, errors, required=True)
    slug = str(data.get("slug") or "").strip().lower()
    if slug and (not SLUG_PATTERN.match(slug) or len(slug) > 100):
        errors.add("slug", _("Use lower-case letters, digits and single hyphens (at most 100)."))
    elif slug:
        clash = db.session.scalar(select(Event).where(Event.slug == slug))
        if clash is not None and clash is not event:
            errors.add("slug", _("The address /events/%(slug)s is already taken.", slug=slug))
    times = _times(data, tz_name, errors)
    latitude = _number(data, "latitude", errors, low=-90, high=90)
    longitude = _number(data, "longitude", errors, low=-180, high=180)
    if (latitude is None) != (longitude is None) and "latitude" not in errors.errors:
        errors.add("latitude", _("Give both latitude and longitude, or neither."))
    host, network = _references(data, kind, errors)
    language = clean_language(data, errors)
    cleaned = {
        "language": language,
        "translations": clean_translations(data, TRANSLATION_LIMITS, language, errors),
        **_contact(data, errors),
        "kind": kind,
        "title": title,
        "slug": slug or None,
        "summary": text_value(data, "summary", 500, errors, multiline=True),
        "description": text_value(data, "description", 50_000, errors, multiline=True),
        "venue_name": text_value(data, "venue_name", 200, errors),
        "venue_address": text_value(data, "venue_address", 2000, errors, multiline=True),
        "latitude": latitude,
        "longitude": longitude,
        "timezone": tz_name,
        "start_at": times["start"],
        "end_at": times["end"],
        "registration_opens": times["registration_opens"],
        "registration_closes": times["registration_closes"],
        "capacity": _number(data, "capacity", errors, kind=int, low=0),
        "host_organisation": host,
        "network": network,
        **_registration_settings(data, errors),
    }
    errors.raise_if_any()
    return cleaned


def _contact(data: dict, errors: Collector) -> dict:
    """The organisers' contact e-mail (a real address: replies go there) and phone, both optional."""
    from email_validator import EmailNotValidError, validate_email

    email = text_value(data, "contact_email", 254, errors)
    if email:
        try:
            # No DNS lookup: saving an event must not depend on the network, nor stall on it.
            email = validate_email(email, check_deliverability=False, allow_smtputf8=False).normalized
        except EmailNotValidError:
            errors.add("contact_email", _("'%(value)s' is not an e-mail address such as events@city.gov.",
                                          value=email))
    phone = text_value(data, "contact_phone", 40, errors)
    if phone:
        phone = " ".join(phone.split())
        if phone.startswith("00"):
            phone = "+" + phone[2:]  # the international call prefix of most countries, written out
        digits = sum(character.isdigit() for character in phone)
        if not PHONE_PATTERN.match(phone) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
            errors.add("contact_phone", _("Give the number in international format: + and the country code, "
                                          "then the number, e.g. +55 11 3396 1234."))
    return {"contact_email": email, "contact_phone": phone}


def _registration_settings(data: dict, errors: Collector) -> dict:
    """Quota per organisation, what happens to non-members, and the categories the public may pick."""
    policy = data.get("non_member_policy") or "confirm"
    if policy not in ("confirm", "approve"):
        errors.add("non_member_policy", _("Choose confirm or approve."))
    categories = data.get("public_categories") or ["delegate"]
    if isinstance(categories, str):
        categories = [c.strip() for c in categories.split(",")]
    categories = [c for c in CATEGORIES if c in categories]
    unknown = set(data.get("public_categories") if isinstance(data.get("public_categories"), list) else []) - set(CATEGORIES)
    if unknown or not categories:
        errors.add("public_categories", _("Choose among: %(choices)s.", choices=", ".join(CATEGORIES)))
    return {
        "delegate_quota": _number(data, "delegate_quota", errors, kind=int, low=1),
        "non_member_policy": policy,
        "public_categories": ",".join(categories),
    }

