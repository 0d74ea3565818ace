"""Rules for member records, shared by the pages, the CSV import and the API."""
import re
from datetime import date

import pycountry
from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from eventhub.extensions import db
from eventhub.members.models import KINDS, STATUSES, Network, Organisation, Region, network_members
from eventhub.text import fold, like_pattern
from eventhub.validation import Collector, ValidationError, text_value

# Fields an organisation is made of, in CSV column order (network_ids is not in the CSV).
FIELDS = ("name", "local_name", "kind", "country", "region", "population", "status", "member_since", "website", "external_id")


def _choice(value, choices: dict[str, str]) -> str | None:
    """Accept a stored value or its label, in any case: 'metropolitan_area' or 'Metropolitan area'."""
    text = str(value or "").strip().lower()
    for key, label in choices.items():
        if text in (key, label.lower(), key.replace("_", " ")):
            return key
    return None


def country_name(code: str | None) -> str:
    """English short name of an ISO alpha-2 code, or the code itself if unknown."""
    found = pycountry.countries.get(alpha_2=code) if code else None
    return found.name if found else (code or "")


def country_choices() -> list[tuple[str, str]]:
    """(alpha-2, name) pairs sorted by name, for select boxes."""
    return sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda pair: pair[1])


def _country(value) -> str | None:
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


def _population(value, errors: Collector) -> int | None:
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
    return number


def _member_since(value, errors: Collector) -> date | None:
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



def clean_organisation(data: dict) -> dict:
    """Check and convert raw input (strings from a form or CSV, or typed values).

    Returns the typed values; raises ValidationError listing every bad field.
    """
    errors = Collector()
    cleaned = {
        "name": text_value(data, "name", 200, errors, required=True),
        "local_name": text_value(data, "local_name", 200, errors),
        "external_id": text_value(data, "external_id", 100, errors),
        "notes": text_value(data, "notes", 10_000, errors),
        "population": _population(data.get("population"), errors),
        "member_since": _member_since(data.get("member_since"), errors),
        "website": _website(data.get("website"), errors),
    }
    cleaned["kind"] = _choice(data.get("kind"), KINDS)
    if cleaned["kind"] is None:
        errors.add("kind", _("'%(value)s' is not a kind. Use one of: %(choices)s.", value=data.get("kind") or "", choices=", ".join(KINDS)))
    cleaned["status"] = _choice(data.get("status") or "member", STATUSES)
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
    errors.raise_if_any()
    return cleaned


def _networks(ids, errors: Collector) -> list[Network]:
    ids = [int(i) for i in ids]
    found = list(db.session.scalars(select(Network).where(Network.id.in_(ids)))) if ids else []
    missing = set(ids) - {n.id for n in found}
    if missing:
        errors.add("network_ids", _("No network with id %(ids)s.", ids=", ".join(map(str, sorted(missing)))))
    return found


def find_match(cleaned: dict, exclude_id: int | None = None) -> Organisation | None:
    """The existing record the data refers to: same external_id, else same name and country."""
    if cleaned.get("external_id"):
        query = select(Organisation).where(Organisation.external_id == cleaned["external_id"])
    else:
        query = select(Organisation).where(
            # lower() on both sides: SQLite lower-cases ASCII only, so Python's lower() would miss "Αθήνα".
            func.lower(Organisation.name) == func.lower(cleaned["name"]),
            Organisation.country == cleaned["country"],
        )
    if exclude_id is not None:
        query = query.where(Organisation.id != exclude_id)
    return db.session.scalar(query)


def _check_unique(cleaned: dict, organisation: Organisation | None) -> None:
    own_id = organisation.id if organisation is not None else None
    errors = Collector()
    if cleaned.get("external_id"):
        query = select(Organisation).where(Organisation.external_id == cleaned["external_id"])
        if own_id:
            query = query.where(Organisation.id != own_id)
        other = db.session.scalar(query)
        if other is not None:
            errors.add("external_id", _("External id %(id)s is already used by %(name)s.", id=cleaned["external_id"], name=other.name))
    twin = find_match({"name": cleaned["name"], "country": cleaned["country"]}, exclude_id=own_id)
    if twin is not None:
        errors.add("name", _("%(name)s (%(country)s) is already in the member records.", name=cleaned["name"], country=cleaned["country"]))
    errors.raise_if_any()


def organisation_values(organisation: Organisation) -> dict:
    """The record as raw input values (the inverse of clean_organisation)."""
    return {
        "name": organisation.name,
        "local_name": organisation.local_name,
        "kind": organisation.kind,
        "country": organisation.country,
        "region": organisation.region.name if organisation.region else None,
        "population": organisation.population,
        "status": organisation.status,
        "member_since": organisation.member_since,
        "website": organisation.website,
        "external_id": organisation.external_id,
        "notes": organisation.notes,
    }


def apply_organisation(organisation: Organisation, cleaned: dict) -> bool:
    """Copy cleaned values onto a record; returns whether anything changed."""
    changed = False
    for field, value in cleaned.items():
        if getattr(organisation, field) != value:
            setattr(organisation, field, value)
            changed = True
    organisation.search_text = fold(f"{organisation.name} {organisation.local_name or ''}")
    return changed


def save_organisation(data: dict, organisation: Organisation | None = None, commit: bool = True) -> Organisation:
    """Create (organisation=None) or update a record from raw input; the one write path for members.

    An update may be partial: fields missing from `data` keep their values.
    """
    if organisation is not None:
        data = {**organisation_values(organisation), **data}
    cleaned = clean_organisation(data)
    _check_unique(cleaned, organisation)
    if organisation is None:
        organisation = Organisation()
        db.session.add(organisation)
    apply_organisation(organisation, cleaned)
    if commit:
        db.session.commit()
    return organisation


def search_organisations(
    q: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    region_id: int | None = None,
    country: str | None = None,
    network_id: int | None = None,
) -> Select:
    """A query for organisations matching the filters, ordered by name; paginate it with db.paginate."""
    query = select(Organisation).order_by(Organisation.name, Organisation.id)
    if q and q.strip():
        query = query.where(Organisation.search_text.like(like_pattern(q.strip()), escape="\\"))
    if kind:
        query = query.where(Organisation.kind == kind)
    if status:
        query = query.where(Organisation.status == status)
    if region_id:
        query = query.where(Organisation.region_id == region_id)
    if country:
        query = query.where(Organisation.country == country.upper())
    if network_id:
        query = query.where(Organisation.networks.any(Network.id == network_id))
    return query


def list_regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.name)))


def add_region(name: str) -> Region:
    """Add a world region to the editable list."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": [_("A region needs a name of at most 100 characters.")]})
    if region_by_name(name):
        raise ValidationError({"name": [_("The region %(name)s already exists.", name=name)]})
    region = Region(name=name)
    db.session.add(region)
    db.session.commit()
    return region


def list_networks() -> list[Network]:
    return list(db.session.scalars(select(Network).order_by(Network.name)))


def save_network(data: dict, network: Network | None = None) -> Network:
    """Create or update a network: name (unique), description, member_ids."""
    errors = Collector()
    name = text_value(data, "name", 200, errors, required=True)
    description = text_value(data, "description", 10_000, errors)
    if name:
        clash = db.session.scalar(select(Network).where(func.lower(Network.name) == name.lower()))
        if clash is not None and clash is not network:
            errors.add("name", _("A network called %(name)s already exists.", name=name))
    members = None
    if "member_ids" in data:
        ids = [int(i) for i in data["member_ids"] or []]
        members = list(db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))) if ids else []
        if len(members) != len(set(ids)):
            errors.add("member_ids", _("Some of the organisations do not exist."))
    errors.raise_if_any()
    if network is None:
        network = Network()
        db.session.add(network)
    network.name, network.description = name, description
    if members is not None:
        network.members = members
    db.session.commit()
    return network


def network_member_counts() -> list[tuple[Network, int]]:
    """Every network with its number of members, in one query, ordered by name."""
    query = (
        select(Network, func.count(network_members.c.organisation_id))
        .outerjoin(network_members, network_members.c.network_id == Network.id)
        .group_by(Network.id)
        .order_by(Network.name)
    )
    return [(network, count) for network, count in db.session.execute(query)]


def organisation_choices() -> list[tuple[int, str]]:
    """(id, "Name (CC)") pairs ordered by name, for pickers; loads no full records."""
    query = select(Organisation.id, Organisation.name, Organisation.country)
    query = query.order_by(Organisation.name, Organisation.id)
    return [(id_, f"{name} ({country})") for id_, name, country in db.session.execute(query)]


def participation(organisation: Organisation) -> dict[str, list]:
    """What an organisation took part in, for its detail page: one key per kind of participation.

    The extension point for other domains: the events it hosted and its people's registrations
    across all events; templates/members/_participation.html shows them.
    """
    # Imported here because events and registration depend on members, never the other way at import time.
    from sqlalchemy.orm import contains_eager

    from eventhub.events.models import Event
    from eventhub.registration.models import Registration

    hosted = db.session.scalars(
        select(Event).where(Event.host_organisation_id == organisation.id).order_by(Event.start_at.desc())
    )
    # One query: each registration with its event, newest event first.
    registrations = db.session.scalars(
        select(Registration)
        .join(Registration.event)
        .options(contains_eager(Registration.event))
        .where(Registration.organisation_id == organisation.id)
        .order_by(Event.start_at.desc(), Event.id, Registration.full_name, Registration.id)
    )
    return {"hosted_events": list(hosted), "registrations": list(registrations)}
