"""Loading the object a URL names, or answering 404 — also when it belongs to someone else.

A URL's id is only trusted together with its parent: room 7 under another event's address, or a
delegate of another delegation, is "not found", never a way around the URL (flaskr's
get_post(id, check_author) in one helper). Under /api/ the 404 is JSON (eventhub.core.error_pages).
"""
from flask import abort

from eventhub.core.validation import as_id
from eventhub.extensions import db


def get_or_404(model, item_id, message: str | None = None, **owner):
    """The row of `model` with this id whose attributes match `owner` (e.g. event_id=event.id), or 404."""
    number = as_id(item_id)
    item = db.session.get(model, number) if number else None
    if item is None or any(getattr(item, name) != value for name, value in owner.items()):
        abort(404, description=message)
    return item


def found_or_404(item, message: str | None = None):
    """`item`, or 404 when a lookup found nothing."""
    if item is None:
        abort(404, description=message)
    return item
