"""The database out of reach (restarting, failing over, out of connections): a 503 that says when to try
again, instead of a 500. Nothing is half-written: the request's transaction never committed. The next
request gets a fresh connection (pool_pre_ping, and SQLAlchemy drops a pool whose connections died), so
the app recovers by itself once the database is back.
"""
from flask import current_app, g, make_response
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import ServiceUnavailable

from eventhub.core.error_pages import handle_http_error
from eventhub.core.transaction import discard

# Seconds a client (the scanner's queue, a browser's reload, a proxy) is asked to wait.
RETRY_AFTER = 5


def handle_database_unavailable(error: Exception):
    """Answer 503 with Retry-After, HTML for people and JSON for the API, without touching the database."""
    current_app.logger.warning("Database unavailable: %s", error.__class__.__name__)
    discard()
    # The page header shows the signed-in person, which would need the database: show it as for a visitor.
    g._login_user = current_app.login_manager.anonymous_user()
    unavailable = ServiceUnavailable(_("EventHub is briefly unavailable. Nothing was saved: please try again in a "
                                       "few seconds."))
    response = make_response(handle_http_error(unavailable))
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


def init_app(app) -> None:
    """Register the handler for a database that cannot be reached or has no free connection."""
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(PoolTimeout, handle_database_unavailable)
