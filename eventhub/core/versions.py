"""Versions of what the busiest read-only answers are built from, kept in the database so every
process and every app server agrees on them.

A domain says which of its models feed which scope ("agenda:12": everything the agenda of event 12
shows); whenever a unit of work adds, changes or deletes such a row, the scope gets a new version in
the same transaction, written just before it commits. A cache keyed by a scope's version can
therefore never serve an answer older than a committed change, wherever that change was made: the
next request, in any process, reads the new version in one small query.

A version is a random token, not a counter: the tests empty the database between tests (and a
backup may be restored), and a counter starting again at 1 would hand an old cache entry to new data.
A scope never written has no version (None): nothing keyed by it may be cached.
"""
import secrets
from collections.abc import Callable

from sqlalchemy import String, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from eventhub.extensions import db

_PENDING = "touched_scopes"
# model -> functions naming the scopes an added, changed or deleted row of it feeds.
_WATCHED: dict[type, list[Callable]] = {}


class ContentVersion(db.Model):
    """The current version of one scope."""

    __tablename__ = "content_versions"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


def watch(model: type, scopes: Callable) -> None:
    """A row of `model` added, changed or deleted gives new versions to scopes(row) (a scope, a list, or None)."""
    _WATCHED.setdefault(model, []).append(scopes)


def touch(*scopes: str, session=None) -> None:
    """Give these scopes new versions when the current unit of work commits (for changes the ORM does
    not see row by row: bulk inserts and updates)."""
    (session or db.session).info.setdefault(_PENDING, set()).update(scopes)


def current(*scopes: str) -> dict[str, str | None]:
    """Each scope's version now, in one query; None for a scope never written, or changed by this
    unit of work and not yet committed (its new version does not exist yet)."""
    found = dict(db.session.execute(select(ContentVersion.scope, ContentVersion.token)
                                    .where(ContentVersion.scope.in_(scopes))).all())
    # The query flushed first, so the pending set holds every change made so far.
    pending = db.session.info.get(_PENDING, ())
    return {scope: None if scope in pending else found.get(scope) for scope in scopes}


def uncommitted(scope: str) -> bool:
    """Whether this unit of work changed the scope without committing yet (after current(), which flushes)."""
    return scope in db.session.info.get(_PENDING, ())


def _scopes_of(row) -> list[str]:
    """The scopes a row feeds, by every watcher of its class (and its base classes)."""
    found = []
    for model in type(row).__mro__:
        for scopes in _WATCHED.get(model, ()):
            named = scopes(row)
            found += [named] if isinstance(named, str) else list(named or ())
    return found


@event.listens_for(Session, "after_flush")
def _note_changes(session, flush_context) -> None:
    """Remember the scopes of what this flush wrote (after it, so new rows have their ids)."""
    changed = list(session.new) + list(session.deleted)
    changed += [row for row in session.dirty if session.is_modified(row, include_collections=False)]
    scopes = [scope for row in changed for scope in _scopes_of(row)]
    if scopes:
        touch(*scopes, session=session)


@event.listens_for(Session, "before_commit")
def _write_versions(session) -> None:
    """New versions for the touched scopes, last thing before the commit: the rows stay locked only briefly."""
    session.flush()
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    connection = session.connection()
    insert = _upsert_for(connection.dialect.name)
    for scope in sorted(pending):  # one order for every transaction: two never wait on each other in a circle
        statement = insert(ContentVersion.__table__).values(scope=scope, token=secrets.token_hex(16))
        connection.execute(statement.on_conflict_do_update(index_elements=["scope"],
                                                           set_={"token": statement.excluded.token}))


def _upsert_for(dialect: str):
    """The INSERT … ON CONFLICT of the database in use (SQLite and PostgreSQL both have one)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


@event.listens_for(Session, "after_soft_rollback")
def _forget_changes(session, previous_transaction) -> None:
    """A rolled-back unit of work changed nothing."""
    if not session.in_transaction():
        session.info.pop(_PENDING, None)
