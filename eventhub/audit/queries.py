"""Read-side queries for the trail pages: one event's entries, or the whole system's, filtered.

No request here: the pages pass plain filter values. Times are aware UTC; the pages turn the days
people pick (in the event's timezone, or UTC) into those bounds.
"""
from datetime import datetime

from sqlalchemy import Select, select

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db


def entries_query(event_id: int | None = None, subject_type: str | None = None, subject_id: int | None = None,
                  actor: str | None = None, since: datetime | None = None, until: datetime | None = None) -> Select:
    """Entries newest first: of one event (event_id), or of the whole system (None).

    subject_id only counts together with subject_type (an id alone names no object); `until` is
    exclusive, so a day's end is the next day's start.
    """
    query = select(AuditEntry)
    if event_id is not None:
        query = query.where(AuditEntry.event_id == event_id)
    if subject_type:
        query = query.where(AuditEntry.subject_type == subject_type)
        if subject_id:
            query = query.where(AuditEntry.subject_id == subject_id)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    # Entries of one request share their moment: the id keeps their order stable from page to page.
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def actors(event_id: int | None = None) -> list[str]:
    """Everyone who appears as the actor of an entry (of one event, or anywhere), for the filter."""
    query = select(AuditEntry.actor).distinct()
    if event_id is not None:
        query = query.where(AuditEntry.event_id == event_id)
    return sorted(db.session.scalars(query), key=str.casefold)
