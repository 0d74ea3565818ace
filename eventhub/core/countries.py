"""Country names from ISO 3166-1 codes, for every domain's pages, exports and printed documents."""
import pycountry


def country_name(code: str | None) -> str:
    """English short name of an ISO alpha-2 code, or the code itself if unknown."""
    found = pycountry.countries.get(alpha_2=code) if code else None
    return found.name if found else (code or "")


def country_choices() -> list[tuple[str, str]]:
    """(alpha-2, name) pairs sorted by name, for select boxes."""
    return sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda pair: pair[1])
