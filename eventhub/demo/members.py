"""`flask demo --members N`: the planned organisations (plan.py) and the three networks.

Each organisation goes through the members domain's own input check (clean_organisation) and
search folding (apply_organisation), then all are inserted at once with the organisation.created
entries save_organisation would write: one record at a time through the service took seconds
per thousand. The networks (three) go through save_network.
"""
from types import SimpleNamespace

from flask_babel import gettext as _

from eventhub.audit.services import SYSTEM, given, snapshot
from eventhub.core.errors import ValidationError
from eventhub.core.types import utcnow
from eventhub.demo.bulk import audit_row, insert_rows, write_audit
from eventhub.demo.plan import plan_network_members
from eventhub.demo.scenario import NETWORKS
from eventhub.extensions import db
from eventhub.members.models import Network, Organisation
from eventhub.members.services import AUDITED, add_region, apply_organisation, save_network
from eventhub.members.validation import clean_organisation, list_regions

ORGANISATION_FIELDS = (
    "name", "local_name", "kind", "country", "population", "status", "member_since", "website", "external_id", "notes"
)


def _regions(plans: list[dict]) -> dict:
    """The world regions by name, adding any the plans need that an organiser removed or renamed."""
    regions = {region.name: region for region in list_regions()}
    for name in sorted({plan["region"] for plan in plans} - regions.keys()):
        regions[name] = add_region(name)
    db.session.flush()
    return regions


def _check_unique(record: SimpleNamespace, names: set, external_ids: set) -> None:
    """What the database's unique constraints and save_organisation's own check refuse: a second record
    with the same name (in any case) in the same country, or the same external id."""
    key = (record.name.lower(), record.country)
    if key in names or (record.external_id and record.external_id in external_ids):
        raise ValidationError({"name": [_("%(name)s (%(country)s) is already in the member records.",
                                          name=record.name, country=record.country)]})
    names.add(key)
    external_ids.add(record.external_id)


def seed_members(plans: list[dict]) -> dict[str, int]:
    """Create the planned organisations with their audit entries; returns their ids by name."""
    regions = _regions(plans)
    records, names, external_ids = [], set(), set()
    for plan in plans:
        data = {field: plan.get(field) for field in ORGANISATION_FIELDS}
        # The Region object itself, which spares clean_organisation a lookup by name per record.
        data["region"] = regions[plan["region"]]
        cleaned = clean_organisation(data)
        record = SimpleNamespace(**dict.fromkeys(cleaned), networks=[])
        apply_organisation(record, cleaned)  # the values and the folded search text, as the service sets them
        _check_unique(record, names, external_ids)
        records.append(record)
    now = utcnow()
    columns = [*ORGANISATION_FIELDS, "search_text"]
    rows = [{**{column: getattr(record, column) for column in columns}, "region_id": record.region.id,
             "created_at": now, "updated_at": now} for record in records]
    ids = insert_rows(Organisation, rows, key=("name", "country"))
    write_audit([audit_row(SYSTEM, "organisation.created", Organisation.audit_type, organisation_id, None,
                           given(snapshot(record, AUDITED)), now)
                 for record, organisation_id in zip(records, ids)])
    return {record.name: organisation_id for record, organisation_id in zip(records, ids)}


def seed_networks(plans: list[dict], organisations: dict[str, int]) -> dict[str, Network]:
    """Create the three networks with their planned members; returns them by tag."""
    members = plan_network_members(plans)
    return {tag: save_network({**spec, "member_ids": [organisations[name] for name in members[tag]]})
            for tag, spec in NETWORKS.items()}
