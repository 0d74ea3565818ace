"""The audit trail: one way to record who changed what, used by every service.

Every audited model names itself with a stable `audit_type` ("event", "session", "user"…), which
is what the trail stores and what the pages look entries up by: renaming a Python class never
orphans its history. Changes are recorded as {field: [before, after]} from two snapshots taken
with the same serializer (`plain`), so every object's history reads the same way. The entry
joins the caller's unit of work: it is committed with the change, or not at all.
"""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db

# Long texts (descriptions, notes) are cut in the trail: it says they changed, the record keeps the full text.
TEXT_LIMIT = 300


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user (organiser, API token owner) or a label such as "registrant"."""

    label: str
    user_id: int | None = None

    @classmethod
    def for_user(cls, user) -> "Actor":
        """The signed-in user or the owner of an API token."""
        return cls(label=user.email, user_id=user.id)


SYSTEM = Actor("system")
REGISTRANT = Actor("registrant")
CLI = Actor("cli")


def subject_type(subject) -> str:
    """The stable name an object's entries are filed under; a model without one is a programming error."""
    name = getattr(type(subject), "audit_type", None)
    if not name:
        raise TypeError(f"{type(subject).__name__} has no audit_type: name it before auditing it.")
    return name


def plain(value):
    """A value as the trail's JSON keeps it: moments and dates in ISO form (UTC), records by their
    audit_label, sets sorted. Texts stay whole here, so a change after their first TEXT_LIMIT
    characters is still a change; record() cuts them."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(type(value), "audit_type"):
        return value.audit_label
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [plain(item) for item in value]
        return items if isinstance(value, (list, tuple)) else sorted(items, key=str)
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(subject, fields) -> dict:
    """The fields of an object as the trail would record them."""
    return {field: plain(getattr(subject, field)) for field in fields}


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} for every field whose recorded value changed."""
    return {field: [before.get(field), value] for field, value in after.items() if before.get(field) != value}


def _cut(value):
    """Long texts cut for the trail: it says that they changed, the record itself keeps the full text."""
    if isinstance(value, str) and len(value) > TEXT_LIMIT:
        return value[:TEXT_LIMIT] + "…"
    if isinstance(value, list):
        return [_cut(item) for item in value]
    if isinstance(value, dict):
        return {key: _cut(item) for key, item in value.items()}
    return value


def record(actor: Actor, action: str, subject, event_id: int | None = None, changes: dict | None = None) -> AuditEntry:
    """Add an entry to the current unit of work; it is committed with the change it describes."""
    if subject.id is None:
        db.session.flush()
    entry = AuditEntry(
        actor=actor.label,
        user_id=actor.user_id,
        action=action,
        subject_type=subject_type(subject),
        subject_id=subject.id,
        event_id=event_id,
        changes=_cut(changes or {}),
    )
    db.session.add(entry)
    return entry


def given(values: dict) -> dict:
    """The values an object was made with, as its .created entry shows them: blanks left out."""
    return {field: value for field, value in values.items() if value not in (None, "", [], {})}


def record_created(actor: Actor, subject, fields, event_id: int | None = None) -> AuditEntry:
    """<type>.created with the values the object was made with (blanks left out)."""
    return record(actor, f"{subject_type(subject)}.created", subject, event_id, given(snapshot(subject, fields)))


def record_update(actor: Actor, subject, before: dict, event_id: int | None = None,
                  action: str | None = None) -> AuditEntry | None:
    """<type>.updated with [before, after] of every field of the `before` snapshot that changed;
    nothing at all when nothing changed."""
    changes = diff(before, snapshot(subject, before))
    if not changes:
        return None
    return record(actor, action or f"{subject_type(subject)}.updated", subject, event_id, changes)


def record_deleted(actor: Actor, subject, fields, event_id: int | None = None) -> AuditEntry:
    """<type>.deleted with what the object was, so the trail still says what is gone."""
    return record(actor, f"{subject_type(subject)}.deleted", subject, event_id, snapshot(subject, fields))


def trail(subject_type: str, subject_id: int, newest_first: bool = False) -> list[AuditEntry]:
    """The entries about one object, oldest first (newest first for the history tables on the pages)."""
    order = (AuditEntry.at.desc(), AuditEntry.id.desc()) if newest_first else (AuditEntry.at, AuditEntry.id)
    query = (
        select(AuditEntry)
        .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
        .order_by(*order)
    )
    return list(db.session.scalars(query))


def history(subject) -> list[AuditEntry]:
    """An object's trail newest first, for its page (none for an object not saved yet); one query."""
    return trail(subject_type(subject), subject.id, newest_first=True) if subject is not None and subject.id else []
