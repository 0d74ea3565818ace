"""Places and waiting lists, shared by event registration and session sign-up.

The rule that keeps any pool from being overbooked: lock the row that owns the capacity
(the event, the session) as the FIRST statement of the transaction, then count and decide, then
commit. Concurrent requests for the same pool queue behind the lock on both databases:
PostgreSQL holds a row lock until commit; SQLite takes its single write lock at the UPDATE
(and WAL readers never see half a decision). It must come first because a SQLite transaction
that has read an older snapshot cannot upgrade to a write.
"""
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, func, select, update

from eventhub.core.types import utcnow
from eventhub.extensions import db


def lock(model, row_id: int) -> None:
    """Take the write lock on one row (a no-op UPDATE) for the rest of the transaction.

    Columns with an onupdate default (updated_at) are set to themselves, so taking the lock does
    not make the row look edited.
    """
    db.session.execute(_lock_statement(model.__table__), {"row_id": row_id})


@cache
def _lock_statement(table):
    """The no-op UPDATE for one table, built once (the check-in door takes a lock on every scan)."""
    unchanged = {column.key: column for column in table.c if column.onupdate is not None or column.primary_key}
    return update(table).where(table.c.id == bindparam("row_id")).values(unchanged)


def has_place(capacity: int | None, taken: int) -> bool:
    """True when a pool with this capacity (None: unlimited) has room beside `taken` places."""
    return capacity is None or taken < capacity


def count(query) -> int:
    """Rows a select would return, counted in the database."""
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def waitlist_order(model):
    """Who is first on a waiting list: earliest to join, ties broken by id."""
    return (model.waitlisted_at, model.id)


def position(model, item, same_pool) -> int | None:
    """1-based place of `item` on its waiting list, None when it is not waitlisted.

    `same_pool` is a where-clause selecting the waitlisted rows of the same pool.
    """
    if item.waitlisted_at is None:
        return None
    ahead = select(model.id).where(
        same_pool,
        (model.waitlisted_at < item.waitlisted_at) | ((model.waitlisted_at == item.waitlisted_at) & (model.id < item.id)),
    )
    return count(ahead) + 1


def positions(model, same_pool) -> dict[int, int]:
    """Every waitlisted row's place in one query: {id: position}."""
    ranked = select(model.id, func.row_number().over(order_by=waitlist_order(model)).label("n")).where(same_pool)
    return {row_id: n for row_id, n in db.session.execute(ranked)}


def join_waitlist(item, now: datetime | None = None) -> None:
    """Put an item at the end of its waiting list."""
    item.status = "waitlisted"
    item.waitlisted_at = now or utcnow()
