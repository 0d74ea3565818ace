"""Lists a page at a time, the page number taken from ?page= without ever failing on it."""
from flask import request

from eventhub.extensions import db

# Far past any real list; a bigger number would only overflow the database's OFFSET.
MAX_PAGE = 100_000


def paginate(query, per_page: int):
    """The page ?page= asks for. Junk reads as the first page, a page past the end as the last one,
    so an old bookmark or a hand-edited URL still shows the list instead of an error."""
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    if page > 1 and not result.items and result.pages:
        result = db.paginate(query, page=result.pages, per_page=per_page, error_out=False)
    return result
