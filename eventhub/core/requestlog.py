"""One log line per request, and a request id that ties a log line to what a person saw.

Production writes JSON lines to stderr (gunicorn collects them); development and the tests write
readable lines. A line names the route's template ("/registrations/<token>"), never the path or query
string a request was sent to: those hold manage links' and feeds' secrets and people's search words.
Who asked is an account id, never a name or an address.

The id comes from the X-Request-ID header when a proxy in front set a short, safe one (so both logs
share it), else it is made here; it is echoed in the response's X-Request-ID and shown on error pages
and in JSON errors ("Reference: …"), so a person can quote it and we can find their request.
"""
import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import g, has_request_context, request, request_started
from flask.logging import default_handler

HEADER = "X-Request-ID"
# What we take from a client or a proxy: short, and nothing that could break a log line or a page.
SAFE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
logger = logging.getLogger("eventhub.requests")


def request_id() -> str | None:
    """This request's id, or None outside a request."""
    return g.get("request_id") if has_request_context() else None


def init_app(app) -> None:
    """Give every request an id and a log line; set up the app's log output for its environment."""
    request_started.connect(_start, app)
    app.after_request(_finish)
    app.log_exception = _log_exception
    _configure_output(app)


def _start(sender, **extra) -> None:
    """Take or make the id, and start the clock, before any other code of the request runs."""
    incoming = request.headers.get(HEADER, "")
    g.request_id = incoming if SAFE_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response):
    """Echo the id and write the request's line."""
    response.headers[HEADER] = g.get("request_id") or ""
    status = response.status_code
    fields = {
        "method": request.method,
        "rule": _rule(),
        "status": status,
        "duration_ms": round((time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000, 1),
        **_caller(),
    }
    level = logging.ERROR if status >= 500 else logging.INFO
    logger.log(level, "%s %s %s %.1f ms", fields["method"], fields["rule"], status, fields["duration_ms"],
               extra={"fields": fields})
    return response


def _rule() -> str:
    """The route's template; a URL matching no route is not written down (it is whatever was typed)."""
    return request.url_rule.rule if request.url_rule is not None else "<no route>"


def _caller() -> dict:
    """The account behind the request, as far as it was already loaded: the log never loads a user itself,
    and never reads the session (which would make the answer vary by cookie)."""
    api_user = g.get("api_user")
    if api_user is not None:
        return {"user_id": api_user.id, "auth": "token"}
    user = g.get("_login_user")  # set by Flask-Login when the request asked for current_user
    if user is not None and user.is_authenticated:
        return {"user_id": user.id, "auth": "session"}
    return {}


def _log_exception(exc_info) -> None:
    """Replaces Flask's own, whose line names request.path (a manage link's secret, say): the route instead."""
    logging.getLogger("eventhub").error("Unhandled exception in %s %s", request.method, _rule(), exc_info=exc_info)


class RequestIdFilter(logging.Filter):
    """Put the request id on every record written during a request, whichever logger writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: the time, level, logger, message, request id, a request's fields and
    any traceback (as one string, so a traceback stays one line)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Readable lines for development: time, level, request id, message (and the traceback after it)."""

    def __init__(self):
        super().__init__("[%(asctime)s] %(levelname)s %(request_id)s: %(message)s")


def _configure_output(app) -> None:
    """Write the app's log (its own logger "eventhub" and those under it) to stderr, as JSON in production.

    LOG_FORMAT ("json" or "text") overrides the choice; the default is text under debug or testing, else JSON.
    """
    fmt = app.config.get("LOG_FORMAT") or ("text" if app.debug or app.testing else "json")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(RequestIdFilter())
    handler.eventhub_output = True
    app_logger = logging.getLogger("eventhub")
    # Flask's own handler, and ours from an app made before in this process (the tests make several).
    for old in [h for h in app_logger.handlers if h is default_handler or getattr(h, "eventhub_output", False)]:
        app_logger.removeHandler(old)
    app_logger.addHandler(handler)
    app_logger.setLevel(logging.DEBUG if app.debug else logging.INFO)
