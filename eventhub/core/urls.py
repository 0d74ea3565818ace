"""URLs leaving the site (in mails, calendars, exports) and URLs coming back into it (redirect targets)."""
import logging
import re
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request

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


# Where `make run` serves the app: the links' address when neither BASE_URL nor a request says better.
DEFAULT_BASE_URL = "http://127.0.0.1:5000"

_log = logging.getLogger(__name__)


def base_url() -> str:
    """The site's public address, which links leaving the site (mails, calendar feeds, exports) start with.

    BASE_URL when it is set; production needs it, since a request's Host header is whatever the client
    sent. In development without it (BASE_URL_FROM_REQUEST, config.py), the address the request came in
    on: `flask run --port 5071`, or a phone on the laptop's address at the venue, gets links that work.
    Outside a request (the CLI) the `make run` address. Mail is rendered when it is queued, so a message
    queued by a request keeps that request's address when `flask mail send` delivers it later.
    """
    configured = current_app.config.get("BASE_URL")
    if configured:
        return configured
    if current_app.config.get("BASE_URL_FROM_REQUEST"):
        return request.host_url if has_request_context() else DEFAULT_BASE_URL
    if not current_app.extensions.get("eventhub.base_url_warned"):
        current_app.extensions["eventhub.base_url_warned"] = True  # once, not at every link
        _log.warning("BASE_URL is not set: links in e-mails and calendar feeds point at %s. Set BASE_URL to the "
                     "address people open EventHub at.", DEFAULT_BASE_URL)
    return DEFAULT_BASE_URL


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of an endpoint at base_url(), the site's public address, as url_for builds it.

    Mails, calendar feeds and exports carry these; with BASE_URL they are built the same from a web request
    (whatever host it came in on), the API, the CLI and the mail worker, where there is no request at all.
    """
    base = urlsplit(base_url())
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path.rstrip("/") or "/",
                                       url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def identity_url() -> str:
    """The site's address as identifiers use it (calendar UIDs, schedule GUIDs): BASE_URL, else the `make run`
    address, never the request's. A calendar keeps an entry by its UID: it must not change with the address
    a feed happened to be fetched from."""
    return current_app.config.get("BASE_URL") or DEFAULT_BASE_URL


def site_host() -> str:
    """The host name of the site's address, the domain part of calendar UIDs."""
    return urlsplit(identity_url()).hostname or "eventhub"
