"""The unit of work: one transaction per request or command, committed in one place.

Services add, flush and raise; they never commit. The caller (a view, an API resource, a CLI
command, the demo) wraps the whole change in `with atomic():`, so the change, its audit entries,
its outbox mail and whatever other domains do in reaction to it (eventhub.core.signals) are
committed together, or, when anything raises, rolled back together. Indico's RH.process works
the same way.

A GET never writes: atomic() refuses to run inside a GET or HEAD request, so a page that would
change data while it is only being looked at (by a person, a link preview, a crawler) fails loudly
in the tests instead of quietly in production.
"""
from contextlib import contextmanager

from flask import has_request_context, request

from eventhub.extensions import db

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_DEPTH = "atomic_depth"


class WriteInSafeRequest(RuntimeError):
    """Something tried to change the database while answering a GET."""


@contextmanager
def atomic():
    """Commit everything done inside the block, or nothing if it raises; an inner block joins the outer one."""
    info = db.session.info
    if has_request_context() and request.method in SAFE_METHODS:
        raise WriteInSafeRequest(f"{request.method} {request.path} must not write to the database.")
    if info.get(_DEPTH):
        info[_DEPTH] += 1
        try:
            yield
        finally:
            info[_DEPTH] -= 1
        return
    info[_DEPTH] = 1
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        info[_DEPTH] = 0


def discard() -> None:
    """Throw away what the session holds after its connection failed (the database restarting, a lost
    network), outside any unit of work: the mail worker's loop and the 503 page use it. A dead
    connection may refuse even the rollback; the session then drops it when it is removed."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001, S110  (see above: nothing left to undo)
        pass
