"""URLs leaving the site (in mails, calendars, exports) and URLs coming back into it (redirect targets)."""
import re
from urllib.parse import urlsplit

from flask import current_app

# Browsers drop tabs and line breaks inside a URL and read a backslash as a slash, so
# "/\t/evil.example" or "/\\evil.example" would leave the site: refuse any of them outright.
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


def safe_redirect_target(target: str | None, fallback: str) -> str:
    """`target` when it is a path on this site, else `fallback`: a ?next= or a hidden field cannot send
    people to another host after they sign in or press a button."""
    if not target or _UNSAFE.search(target) or not target.startswith("/") or target.startswith("//"):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of an endpoint on BASE_URL, the site's public address, as url_for builds it.

    Mails, calendar feeds and exports carry these; they are built the same from a web request (whatever
    host it came in on), the API, the CLI and the mail worker, where there is no request at all.
    """
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path.rstrip("/") or "/",
                                       url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def site_host() -> str:
    """The host name of BASE_URL, the domain part of calendar UIDs."""
    return urlsplit(current_app.config["BASE_URL"]).hostname or "eventhub"
