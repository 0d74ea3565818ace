"""Checking and converting raw organisation input (form, CSV row, API) into typed values for members.services."""
import re
from datetime import date
from functools import cache

import pycountry
from flask_babel import gettext as _
from sqlalchemy import func, select

from eventhub.core.labels import aliases
from eventhub.core.validation import MAX_ID, Collector, as_ids, text_value
from eventhub.extensions import db
from eventhub.members.models import KINDS, STATUSES, Network, Region


CHOICES = {"kind": KINDS, "status": STATUSES}


@cache
def _aliases(field: str) -> dict[str, str]:
    """Keys and English labels of a field's choices (worked out once: an import checks 25,000 rows)."""
    return aliases(CHOICES[field])


def _choice(value, field: str) -> str | None:
    """Accept a stored value or its label, in any case: 'metropolitan_area', 'Metropolitan area', or the label
    in the language being spoken ('Zone métropolitaine')."""
    text = str(value or "").strip().lower()
    key = _aliases(field).get(text)
    if key is None:
        key = next((key for key, label in CHOICES[field].items() if str(label).lower() == text), None)
    return key


def _country(value) -> str | None:
    """An ISO alpha-2 code from a code or a country name in any case, or None when unknown."""
    text = str(value or "").strip()
    if len(text) == 2:
        found = pycountry.countries.get(alpha_2=text.upper())
    else:
        try:
            found = pycountry.countries.lookup(text) if text else None
        except LookupError:
            found = None
    return found.alpha_2 if found else None


def region_by_name(name: str) -> Region | None:
    """The region with this name, ignoring case."""
    return db.session.scalar(select(Region).where(func.lower(Region.name) == name.strip().lower()))


def list_regions() -> list[Region]:
    """Every world region by name."""
    return list(db.session.scalars(select(Region).order_by(Region.name)))


def _population(value, errors: Collector) -> int | None:
    """A whole number, accepting the separators spreadsheets write (1 234 567, 1,234,567, 1.234.567)."""
    if value in (None, ""):
        return None
    if isinstance(value, int):
        number = value
    else:
        digits = re.sub(r"[\s,.'_\u00a0\u202f]", "", str(value))
        if not digits.isdigit():
            errors.add("population", _("'%(value)s' is not a whole number.", value=value))
            return None
        number = int(digits)
    if number < 0:
        errors.add("population", _("Population cannot be negative."))
    elif number > MAX_ID:
        errors.add("population", _("At most %(max)d.", max=MAX_ID))
    return number


def _member_since(value, errors: Collector) -> date | None:
    """A date in ISO form (YYYY-MM-DD)."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add("member_since", _("'%(value)s' is not a date (use YYYY-MM-DD).", value=value))
        return None


def _website(value, errors: Collector) -> str | None:
    """A web address, https:// added when the scheme is missing."""
    text = str(value or "").strip()
    if not text:
        return None
    if not re.match(r"^https?://", text, re.I):
        text = "https://" + text
    if not re.match(r"^https?://[^\s/]+\.[^\s/]+(/\S*)?$", text, re.I):
        errors.add("website", _("'%(value)s' is not a web address.", value=value))
    elif len(text) > 300:
        errors.add("website", _("The web address is longer than 300 characters."))
    return text


# A host name: labels of letters, digits and hyphens (IDNs in their xn-- form), at least one dot.
DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$")
MAX_DOMAINS = 20


def _email_domains(value, errors: Collector) -> list[str]:
    """The organisation's e-mail domains from a list or a text ("lisboa.pt, cm-lisboa.pt" or one per line),
    lower case, without "@", each once."""
    items = value if isinstance(value, list | tuple) else re.split(r"[\s,;]+", str(value or ""))
    domains = []
    for item in items:
        domain = str(item).strip().lower().lstrip("@")
        if not domain or domain in domains:
            continue
        if not DOMAIN.match(domain):
            errors.add("email_domains", _("'%(value)s' is not an e-mail domain (e.g. lisboa.pt).", value=item))
        domains.append(domain)
    if len(domains) > MAX_DOMAINS:
        errors.add("email_domains", _("At most %(n)d e-mail domains.", n=MAX_DOMAINS))
    return domains


def clean_organisation(data: dict, errors: Collector | None = None) -> dict:
    """Check and convert raw input (strings from a form or CSV, or typed values).

    Returns the typed values; raises ValidationError listing every bad field, or, given a
    Collector, notes them there for the caller to add its own checks before raising.
    """
    own = errors is None
    errors = errors or Collector()
    cleaned = {
        "name": text_value(data, "name", 200, errors, required=True),
        "local_name": text_value(data, "local_name", 200, errors),
        "external_id": text_value(data, "external_id", 100, errors),
        "notes": text_value(data, "notes", 10_000, errors, multiline=True),
        "population": _population(data.get("population"), errors),
        "member_since": _member_since(data.get("member_since"), errors),
        "website": _website(data.get("website"), errors),
        "email_domains": _email_domains(data.get("email_domains"), errors),
    }
    cleaned["kind"] = _choice(data.get("kind"), "kind")
    if cleaned["kind"] is None:
        errors.add("kind", _("'%(value)s' is not a kind. Use one of: %(choices)s.", value=data.get("kind") or "", choices=", ".join(KINDS)))
    cleaned["status"] = _choice(data.get("status") or "member", "status")
    if cleaned["status"] is None:
        errors.add("status", _("'%(value)s' is not a status. Use one of: %(choices)s.", value=data.get("status"), choices=", ".join(STATUSES)))
    cleaned["country"] = _country(data.get("country"))
    if cleaned["country"] is None:
        errors.add("country", _("'%(value)s' is not an ISO 3166-1 country code.", value=data.get("country") or ""))
    cleaned["region"] = None
    region = data.get("region")
    if isinstance(region, Region):
        cleaned["region"] = region
    elif region not in (None, ""):
        cleaned["region"] = region_by_name(str(region))
        if cleaned["region"] is None:
            known = ", ".join(r.name for r in list_regions())
            errors.add("region", _("'%(value)s' is not a region. Known regions: %(known)s.", value=region, known=known))
    if "network_ids" in data:
        cleaned["networks"] = _networks(data.get("network_ids") or [], errors)
    if own:
        errors.raise_if_any()
    return cleaned


def _networks(ids, errors: Collector) -> list[Network]:
    """The networks with these ids, noting ids that do not exist."""
    numbers = as_ids(ids)
    if numbers is None:
        errors.add("network_ids", _("Network ids are whole numbers."))
        return []
    found = list(db.session.scalars(select(Network).where(Network.id.in_(numbers)))) if numbers else []
    missing = set(numbers) - {n.id for n in found}
    if missing:
        errors.add("network_ids", _("No network with id %(ids)s.", ids=", ".join(map(str, sorted(missing)))))
    return found
