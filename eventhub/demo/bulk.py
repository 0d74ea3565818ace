"""Writing the demo's many rows at once: one INSERT per batch of rows instead of one ORM object,
one lock and one audit call per row, which is what made large demos take minutes.

The demo decides everything first, in memory and with the rules the services use, then writes
the rows here, in the caller's unit of work (`with atomic():`, eventhub.core.transaction).
"""
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select

from eventhub.audit.models import AuditEntry
from eventhub.audit.services import Actor
from eventhub.core.types import utcnow
from eventhub.extensions import db


def insert_rows(model, rows: list[dict], key: tuple[str, ...]) -> list[int]:
    """Insert rows of a model in bulk; returns their new ids in the order of `rows`.

    `key` names columns unique among the rows (a unique constraint of the table): the ids are read
    back by it in one query. Asking the INSERT to RETURN them in order instead made SQLAlchemy
    insert SQLite rows one at a time, and splice the results in quadratic time (30 s for 20,000).
    """
    if not rows:
        return []
    before = db.session.scalar(select(func.max(model.id))) or 0
    insert_only(model, rows)
    columns = [getattr(model, name) for name in key]
    found = {tuple(values): row_id for row_id, *values in db.session.execute(select(model.id, *columns)
                                                                            .where(model.id > before))}
    return [found[tuple(row[name] for name in key)] for row in rows]


def insert_only(model, rows: list[dict]) -> None:
    """Insert rows of a model in bulk when nothing needs their ids (audit entries, stars).

    A plain executemany on the table: the ORM's bulk insert leaves out None values, and so splits
    rows with a None in another column than their neighbours into batches of their own.
    """
    if rows:
        db.session.execute(insert(model.__table__), rows)


def audit_row(actor: Actor, action: str, subject_type: str, subject_id: int, event_id: int | None,
              changes: dict, at: datetime) -> dict:
    """An audit entry as eventhub.audit.services.record writes it, as a row for insert_only(AuditEntry, …)."""
    return {"actor": actor.label, "user_id": actor.user_id, "action": action, "subject_type": subject_type,
            "subject_id": subject_id, "event_id": event_id, "changes": changes, "at": at}


def write_audit(rows: list[dict]) -> None:
    """Insert audit rows oldest first, so their ids follow the order things happened in."""
    insert_only(AuditEntry, sorted(rows, key=lambda row: row["at"]))


class Clock:
    """Strictly increasing moments a millisecond apart, the last about now.

    Seeded actions happen "one after the other" in plan order: waiting lists (ordered by
    waitlisted_at) and audit trails (ordered by at) then read as if people had come one by one.
    """

    STEP = timedelta(milliseconds=1)

    def __init__(self, actions: int):
        """A clock for `actions` ticks, started that many steps ago."""
        self.now = utcnow() - self.STEP * actions

    def tick(self) -> datetime:
        """The next moment."""
        self.now += self.STEP
        return self.now
