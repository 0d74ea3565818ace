"""Lists a page at a time, the page number taken from ?page= without ever failing on it.

At congress scale (20,000 registrations, 25,000 member records) two things make a page slow, and
paginate() avoids both when its caller helps:
- the count: a caller that knows how many rows its filters match (the registrations list counts them
  per status anyway) passes `total`, and no COUNT runs;
- a deep page: OFFSET 19,950 makes the database sort and skip 19,950 whole rows. With `key` (the
  primary key column), it sorts and skips only the keys, then reads the page's 50 rows by key, in the
  same statement.
"""
from math import ceil

from flask import request
from sqlalchemy import func, select

from eventhub.extensions import db

# Far past any real list; a bigger number would only overflow the database's OFFSET.
MAX_PAGE = 100_000


class Page:
    """One page of a list: its rows and what the page links need (named as in Flask-SQLAlchemy's Pagination)."""

    def __init__(self, items: list, page: int, per_page: int, total: int):
        self.items, self.page, self.per_page, self.total = items, page, per_page, total

    @property
    def pages(self) -> int:
        """How many pages there are (0 for an empty list)."""
        return ceil(self.total / self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def __iter__(self):
        return iter(self.items)


def count(query, key=None) -> int:
    """How many rows the query selects; with `key`, counted over that column alone (no wide rows)."""
    counted = query.order_by(None)
    if key is not None:
        counted = counted.with_only_columns(key, maintain_column_froms=True)
    return db.session.scalar(select(func.count()).select_from(counted.subquery()))


def paginate(query, per_page: int, *, total: int | None = None, key=None) -> Page:
    """The page ?page= asks for. Junk reads as the first page, a page past the end as the last one,
    so an old bookmark or a hand-edited URL still shows the list instead of an error.

    `total`: how many rows the query selects, when the caller knows (then no count runs). `key`: the
    primary key column of the query's rows, to find a page by its keys first (see the module's doc).
    """
    if total is None:
        total = count(query, key)
    asked = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    page = max(min(asked, ceil(total / per_page)), 1)
    offset = (page - 1) * per_page
    if key is None:
        rows = query.limit(per_page).offset(offset)
    else:
        keys = query.with_only_columns(key, maintain_column_froms=True).limit(per_page).offset(offset)
        rows = query.where(key.in_(keys))
    items = list(db.session.execute(rows).unique().scalars()) if total else []
    return Page(items, page, per_page, total)
