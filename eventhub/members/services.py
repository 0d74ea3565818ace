"""Rules for member records, shared by the pages, the CSV import and the API.

Input is checked in members.validation; every change is written here with its audit entry.
"""
from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from eventhub.audit.services import SYSTEM, Actor, given, record, record_created, record_update, snapshot
from eventhub.core.errors import ValidationError
from eventhub.core.signals import answers, member_participation
from eventhub.core.text import fold, like_pattern
from eventhub.core.validation import Collector, as_ids, text_value
from eventhub.extensions import db
from eventhub.members.models import Network, Organisation, Region, network_members

# list_regions is read through this module by the member and registration forms.
from eventhub.members.validation import clean_organisation, list_regions, region_by_name  # noqa: F401

# Fields an organisation is made of, in CSV column order (network_ids is not in the CSV).
FIELDS = ("name", "local_name", "kind", "country", "region", "population", "status", "member_since", "website", "external_id",
          "email_domains")
# What an organisation's audit entries compare and show: the CSV columns, the notes and its networks.
AUDITED = (*FIELDS, "notes", "networks")


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


def _check_unique(cleaned: dict, organisation: Organisation | None, errors: Collector) -> None:
    """Note an external id or a name and country that another record has already."""
    own_id = organisation.id if organisation is not None else None
    if cleaned.get("external_id"):
        query = select(Organisation).where(Organisation.external_id == cleaned["external_id"])
        if own_id:
            query = query.where(Organisation.id != own_id)
        other = db.session.scalar(query)
        if other is not None:
            errors.add("external_id", _("External id %(id)s is already used by %(name)s.", id=cleaned["external_id"], name=other.name))
    if not (cleaned["name"] and cleaned["country"]):
        return
    twin = find_match({"name": cleaned["name"], "country": cleaned["country"]}, exclude_id=own_id)
    if twin is not None:
        errors.add("name", _("%(name)s (%(country)s) is already in the member records.", name=cleaned["name"], country=cleaned["country"]))


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
        "email_domains": " ".join(organisation.email_domains or []),
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


def save_organisation(data: dict, organisation: Organisation | None = None, actor: Actor = SYSTEM) -> Organisation:
    """Create (organisation=None) or update a record from raw input; the one write path for members.

    An update may be partial: fields missing from `data` keep their values. The audit entry joins
    the caller's unit of work.
    """
    if organisation is not None:
        data = {**organisation_values(organisation), **data}
    errors = Collector()
    cleaned = clean_organisation(data, errors)
    _check_unique(cleaned, organisation, errors)
    errors.raise_if_any()
    created = organisation is None
    before = None if created else snapshot(organisation, AUDITED)
    if created:
        organisation = Organisation()
        db.session.add(organisation)
    apply_organisation(organisation, cleaned)
    if created:
        record_created(actor, organisation, AUDITED)
    else:
        record_update(actor, organisation, before)
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


def add_region(name: str, actor: Actor = SYSTEM) -> Region:
    """Add a world region to the editable list."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": [_("A region needs a name of at most 100 characters.")]})
    if region_by_name(name):
        raise ValidationError({"name": [_("The region %(name)s already exists.", name=name)]})
    region = Region(name=name)
    db.session.add(region)
    record_created(actor, region, ("name",))
    return region


def list_networks() -> list[Network]:
    """Every network by name."""
    return list(db.session.scalars(select(Network).order_by(Network.name)))


def _network_state(network: Network) -> dict:
    """What a network's audit entries compare: name, description, members as "Name (CC)"."""
    members = sorted(f"{m.name} ({m.country})" for m in network.members)
    return {**snapshot(network, ("name", "description")), "members": members}


def _network_changes(before: dict, after: dict) -> dict:
    """Name and description as [old, new]; the members as the ones added and removed."""
    changes = {f: [before[f], after[f]] for f in ("name", "description") if before[f] != after[f]}
    moves = {"added": sorted(set(after["members"]) - set(before["members"])),
             "removed": sorted(set(before["members"]) - set(after["members"]))}
    if any(moves.values()):
        changes["members"] = {k: v for k, v in moves.items() if v}
    return changes


def save_network(data: dict, network: Network | None = None, actor: Actor = SYSTEM) -> Network:
    """Create or update a network: name (unique), description, member_ids.

    An update records the name and description as [old, new] and the members as added/removed.
    """
    errors = Collector()
    name = text_value(data, "name", 200, errors, required=True)
    description = text_value(data, "description", 10_000, errors, multiline=True)
    if name:
        clash = db.session.scalar(select(Network).where(func.lower(Network.name) == name.lower()))
        if clash is not None and clash is not network:
            errors.add("name", _("A network called %(name)s already exists.", name=name))
    members = None
    if "member_ids" in data:
        ids = as_ids(data["member_ids"] or [])
        members = list(db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))) if ids else []
        if ids is None or len(members) != len(set(ids)):
            errors.add("member_ids", _("Some of the organisations do not exist."))
    errors.raise_if_any()
    before = None if network is None else _network_state(network)
    if network is None:
        network = Network()
        db.session.add(network)
    network.name, network.description = name, description
    if members is not None:
        network.members = members
    after = _network_state(network)
    if before is None:
        record(actor, "network.created", network, changes=given(after))
    elif changes := _network_changes(before, after):
        record(actor, "network.updated", network, changes=changes)
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

    Members know nothing of events or registrations; the domains built on them answer the
    member_participation signal (events: "hosted_events", registration: "registrations"), and
    templates/members/_participation.html shows each key.
    """
    return answers(member_participation, organisation)
