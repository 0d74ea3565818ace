"""Country names from ISO 3166-1 codes, for every domain's pages, exports and printed documents.

Names follow the language being spoken (a request's, a mail's, a PDF's: flask_babel.get_locale()):
Babel's territory names ("Allemagne", "Alemanha"), with pycountry's English name for a code Babel
does not know. English keeps pycountry's ISO short names ("Korea, Republic of"): they are the names the
member records' CSV import accepts back (members.validation), so an English export and import agree.
"""
from functools import cache

import pycountry
from flask_babel import get_locale

from eventhub.core.text import fold

ENGLISH = "en"


def _code() -> str:
    """The locale being spoken, as Babel spells it ("fr", "pt_BR"); English outside a request."""
    return str(get_locale() or ENGLISH)


@cache
def _names(locale_code: str) -> dict[str, str]:
    """{alpha-2: name} of every ISO country in one locale (built once per locale: 249 names)."""
    english = {country.alpha_2: country.name for country in pycountry.countries}
    if locale_code.split("_")[0] == ENGLISH:
        return english
    from babel import Locale

    territories = Locale.parse(locale_code).territories
    return {code: territories.get(code) or name for code, name in english.items()}


@cache
def _sorted_choices(locale_code: str) -> tuple[tuple[str, str], ...]:
    """(alpha-2, name) sorted as a reader of that language expects: accents and case ignored (Égypte after
    Danemark, not after Zimbabwe)."""
    return tuple(sorted(_names(locale_code).items(), key=lambda pair: (fold(pair[1]), pair[1])))


def country_name(code: str | None) -> str:
    """The name of an ISO alpha-2 code in the language being spoken, or the code itself if unknown."""
    if not code:
        return ""
    return _names(_code()).get(code.upper(), code)


def country_choices() -> list[tuple[str, str]]:
    """(alpha-2, name) pairs sorted by name in the language being spoken, for select boxes."""
    return list(_sorted_choices(_code()))
