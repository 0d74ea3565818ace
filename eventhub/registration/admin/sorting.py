"""Column sorting of the registrations list: which columns, in what order, read from ?sort=&order=.

Every order ends with the registration id, so rows that tie (two people of the same city) keep the
same order on every page and after every action: paging never shows a row twice or skips one.
Rows without a value (not linked to a member record) come last in both directions.
"""
from functools import cache

from sqlalchemy import Select, case, func

from eventhub.core import languages
from eventhub.core.countries import country_choices
from eventhub.members.models import Organisation
from eventhub.registration.models import STATUSES, Registration

# The columns a list can be sorted by, as ?sort= names them.
SORTS = ("name", "organisation", "country", "status", "date")
# The list's first order: oldest first, as people registered (and as places are given).
DEFAULT_SORT, DEFAULT_ORDER = "date", "asc"
ORDERS = ("asc", "desc")


def _country_rank():
    """Countries ranked by the name the page shows (not by code: CH, Switzerland, is not next to China), in the
    reader's language: Allemagne (DE) sorts among the A's in French."""
    return _country_rank_in(languages.current())


@cache
def _country_rank_in(language: str):
    """The ranking for one language, worked out once per process (country_choices() names them in it)."""
    ranks = {code: rank for rank, (code, _name) in enumerate(country_choices())}
    return case(ranks, value=Organisation.country, else_=len(ranks))


def _name():
    """The person's name folded (accents and case ignored, so Łucja sorts with Lucas, not after Zoe): the
    folded search text starts with it."""
    return Registration.search_text


def _columns(key: str) -> tuple[list, list]:
    """(keys that put rows without a value last in either order, keys that follow the order), most
    significant first; sort_query adds the id."""
    if key == "name":
        return [], [_name()]
    if key == "organisation":
        # Member records by their folded name, then the names people typed (still to be linked; only
        # case-folded by the database), then registrations without any organisation.
        typed, missing = Organisation.id.is_(None), Registration.organisation_name.is_(None)
        return [typed, typed & missing], [func.coalesce(Organisation.search_text,
                                                        func.lower(Registration.organisation_name)), _name()]
    if key == "country":
        return [Organisation.country.is_(None)], [_country_rank(), _name()]
    if key == "status":
        # In the order a registration moves through (pending, confirmed, ...), not alphabetically.
        return [], [case({status: rank for rank, status in enumerate(STATUSES)}, value=Registration.status),
                    Registration.created_at]
    return [], [Registration.created_at]



def sort_from(args) -> tuple[str, str]:
    """(column, "asc"|"desc") from the query string; anything unknown reads as the default (old bookmarks open)."""
    key = args.get("sort") if args.get("sort") in SORTS else DEFAULT_SORT
    order = args.get("order") if args.get("order") in ORDERS else DEFAULT_ORDER
    return key, order


def sort_args(key: str, order: str) -> dict:
    """The query-string arguments of a sort, empty for the default one (short, shareable URLs)."""
    return {} if (key, order) == (DEFAULT_SORT, DEFAULT_ORDER) else {"sort": key, "order": order}


def sort_query(query: Select, key: str, order: str) -> Select:
    """The list query ordered by a column instead of its own order."""
    missing_last, keys = _columns(key)
    keys = [*keys, Registration.id]
    return query.order_by(None).order_by(*missing_last, *(k.desc() if order == "desc" else k for k in keys))
