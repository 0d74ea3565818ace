"""Read-side queries for the organiser pages: the filtered list, counts, the overview, the CSV.

No request here: the pages, the CSV export (and the API, if it likes) pass plain filter values.

The text search matches the folded search_text of the registration (name, email, typed
organisation name) and of a linked member record, so it ignores accents and case in any script.
"""
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from eventhub.core.countries import country_name
from eventhub.core.csv_export import csv_chunks
from eventhub.core.text import like_pattern
from eventhub.core.validation import as_id
from eventhub.extensions import db
from eventhub.members.models import KINDS, Organisation, Region, network_members
from eventhub.registration.models import ACTIVE_STATUSES, STATUSES, Registration
from eventhub.registration.questions import event_questions
from eventhub.registration.rules import waitlist_positions

FILTERS = ("status", "category", "organisation_id", "country", "region_id", "network_id", "q")
# The overview counts the registrations that hold or wait for a place.
OVERVIEW_STATUSES = ("confirmed", "waitlisted")


def _search(q: str):
    """Where-clause for the text search: the person's or the linked organisation's folded text."""
    pattern = like_pattern(q.strip())
    return or_(Registration.search_text.like(pattern, escape="\\"),
               _linked_to(Organisation.search_text.like(pattern, escape="\\")))


def _linked_to(*conditions):
    """Where-clause: linked to a member record that meets the conditions. A subquery, not a join: the database
    picks the few records first (an index on country, a network's members) instead of joining every
    registration to its record, which at 20,000 registrations is most of a filtered page's time. Never
    correlated with the list's own join to the records."""
    return Registration.organisation_id.in_(select(Organisation.id).where(*conditions).correlate(None))


def _filtered(query: Select, status=None, category=None, organisation_id=None, country=None, region_id=None,
              network_id=None, q=None) -> Select:
    """Apply the list filters; country, region and network come from the linked member record."""
    if status:
        query = query.where(Registration.status == status)
    if category:
        query = query.where(Registration.category == category)
    if organisation_id:
        query = query.where(Registration.organisation_id == organisation_id)
    if country:
        query = query.where(_linked_to(Organisation.country == country.upper()))
    if region_id:
        query = query.where(_linked_to(Organisation.region_id == region_id))
    if network_id:
        members = select(network_members.c.organisation_id).where(network_members.c.network_id == network_id)
        query = query.where(Registration.organisation_id.in_(members))
    if q and q.strip():
        query = query.where(_search(q))
    return query


def _base(event, *columns) -> Select:
    """Registrations of one event, joined to their member record (if any) for the sorts and the overview."""
    query = select(*columns) if columns else select(Registration)
    return (
        query.select_from(Registration)
        .outerjoin(Organisation, Registration.organisation_id == Organisation.id)
        .where(Registration.event_id == event.id)
    )


def registrations_query(event, **filters) -> Select:
    """The event's registrations matching the filters, oldest first, organisations eager-loaded."""
    query = _filtered(_base(event), **filters)
    return query.options(selectinload(Registration.organisation)).order_by(Registration.created_at, Registration.id)


def status_counts(event, **filters) -> dict[str, int]:
    """{status: count} for every status, over the other filters (the status filter is ignored), in one query."""
    filters = {k: v for k, v in filters.items() if k != "status"}
    query = select(Registration.status, func.count(Registration.id)).where(Registration.event_id == event.id)
    query = _filtered(query, **filters)
    found = dict(db.session.execute(query.group_by(Registration.status)).all())
    return {status: found.get(status, 0) for status in STATUSES}


def live_registrations(event) -> int:
    """How many people are registered and not cancelled or rejected (pending, waitlisted, confirmed)."""
    counts = status_counts(event)
    return sum(counts[status] for status in ACTIVE_STATUSES)


def registered_organisations(event, ids: list[int] | None = None) -> list[tuple[int, str]]:
    """(id, "Name (CC)") of the member records people registered from, for the filter box; with `ids`, only
    those of them (the filter checks the one asked for without reading them all).

    Some 12,000 at a congress of 20,000: read through the table's plain columns, so that the rows come back
    as tuples without the ORM's work per row (three times the query's own time at that size).
    """
    if ids is not None and not ids:
        return []
    organisations, registrations = Organisation.__table__.c, Registration.__table__.c
    query = (
        select(organisations.id, organisations.name, organisations.country)
        .where(organisations.id.in_(select(registrations.organisation_id).where(registrations.event_id == event.id)))
        .order_by(organisations.name, organisations.id)
    )
    if ids is not None:
        query = query.where(organisations.id.in_(ids))
    return [(id_, f"{name} ({country})") for id_, name, country in db.session.connection().execute(query)]


def registrations_of_event(event, ids) -> list[Registration]:
    """The given registrations, only those that belong to the event (for bulk actions)."""
    ids = [number for number in map(as_id, ids) if number]
    if not ids:
        return []
    query = select(Registration).where(Registration.event_id == event.id, Registration.id.in_(ids))
    return list(db.session.scalars(query.order_by(Registration.id)))


# --- participation overview ------------------------------------------------------------------

def _breakdown(event, label_column) -> list[dict]:
    """Confirmed and waitlisted per value of `label_column`, biggest first; None is "not linked"."""
    query = (
        _base(event, label_column, Registration.status, func.count(Registration.id))
        .outerjoin(Region, Organisation.region_id == Region.id)
        .where(Registration.status.in_(OVERVIEW_STATUSES))
        .group_by(label_column, Registration.status)
    )
    rows: dict = {}
    for label, status, count in db.session.execute(query):
        row = rows.setdefault(label, {"label": label, "confirmed": 0, "waitlisted": 0})
        row[status] = count
    for row in rows.values():
        row["total"] = row["confirmed"] + row["waitlisted"]
    return sorted(rows.values(), key=lambda r: (-r["total"], r["label"] is None, str(r["label"] or "")))


def participation_overview(event) -> dict[str, list[dict]]:
    """Rows {label, confirmed, waitlisted, total} by region, country and organisation kind (three GROUP BYs).

    A label of None means the registration is not linked to a member record (or the record has no region).
    """
    by_country = _breakdown(event, Organisation.country)
    for row in by_country:
        row["code"], row["label"] = row["label"], country_name(row["label"]) if row["label"] else None
    by_kind = _breakdown(event, Organisation.kind)
    for row in by_kind:
        row["code"], row["label"] = row["label"], KINDS.get(row["label"], row["label"]) if row["label"] else None
    return {"region": _breakdown(event, Region.name), "country": by_country, "kind": by_kind}


# --- CSV export ------------------------------------------------------------------------------

COLUMNS = (
    "id", "status", "waitlist_position", "full_name", "email", "position", "organisation", "country",
    "region", "category", "delegation_id", "listed", "created_at",
)
# Registrations read from the database at a time while the CSV streams.
EXPORT_BATCH = 500


def _answer_text(value) -> str:
    """An answer as a spreadsheet cell: lists joined with "; ", checkboxes yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def _answer_columns(event, **filters) -> list[tuple[str, str]]:
    """(key, header) per current question in form order, then keys only old answers still carry (a question
    since deleted), found by reading the filtered answers a batch at a time."""
    columns = [(q.key, f"{q.label} ({q.key})") for q in event_questions(event)]
    known, extra = {key for key, _header in columns}, set()
    query = _filtered(_base(event, Registration.answers), **filters).execution_options(yield_per=EXPORT_BATCH)
    for answers in db.session.scalars(query):
        extra.update(key for key in answers or {} if key not in known)
    return columns + [(key, key) for key in sorted(extra)]


def _row(registration, positions, zone) -> list:
    """The fixed columns of one registration."""
    organisation = registration.organisation
    return [
        registration.id,
        registration.status,
        positions.get(registration.id, ""),
        registration.full_name,
        registration.email,
        registration.position,
        registration.organisation_display,
        organisation.country if organisation else "",
        organisation.region.name if organisation and organisation.region else "",
        registration.category,
        registration.delegation_id or "",
        "yes" if registration.listed else "no",
        registration.created_at.astimezone(zone).replace(microsecond=0).isoformat(),
    ]


def _rows(event, answer_columns, **filters) -> Iterator[list]:
    """One list of cells per filtered registration, oldest first, read from the database a batch at a time."""
    positions = waitlist_positions(event)
    zone = ZoneInfo(event.timezone)
    query = registrations_query(event, **filters).execution_options(yield_per=EXPORT_BATCH)
    for registration in db.session.scalars(query):
        answers = registration.answers or {}
        yield [*_row(registration, positions, zone), *(_answer_text(answers.get(key)) for key, _h in answer_columns)]


def export_csv(event, **filters) -> Iterator[bytes]:
    """The filtered registrations as CSV: UTF-8 with a BOM (so Excel reads it), one column per question.

    Chunks of bytes to stream: the rows are read and written a batch at a time, so 20,000 registrations
    take no more memory than 2,000. The columns are worked out now; the rows are read only as the chunks are
    asked for (a streamed response is sent after its view's database session has ended, and reads in a
    session of its own: `event` is only read from, never loaded further).
    """
    answer_columns = _answer_columns(event, **filters)
    header = [*COLUMNS, *(header for _key, header in answer_columns)]
    return csv_chunks(header, _rows(event, answer_columns, **filters))
