"""Error pages: HTML for people, JSON under /api/."""
from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from eventhub.core.requestlog import request_id

# Werkzeug names its errors in English ("Not Found"): the pages name them in the visitor's language.
NAMES = {
    400: _l("Bad request"), 401: _l("Not signed in"), 403: _l("Forbidden"), 404: _l("Not found"),
    405: _l("Method not allowed"), 409: _l("Conflict"), 410: _l("Gone"), 413: _l("Too large"),
    415: _l("Unsupported file type"), 422: _l("Cannot be processed"), 429: _l("Too many requests"),
    500: _l("Internal error"), 502: _l("Bad gateway"), 503: _l("Service unavailable"),
    504: _l("Gateway timeout"),
}
# Said instead of Werkzeug's standard (English) description, when the code that refused gave no reason.
STANDARD_REASONS = {
    400: _l("The page could not understand what your browser sent. Go back, reload the page and try again."),
    401: _l("Sign in to see this page."),
    405: _l("This address does not take that kind of request."),
    409: _l("This conflicts with a change made meanwhile. Reload the page and try again."),
    410: _l("This page is no longer available."),
    415: _l("This kind of file is not accepted here."),
    500: _l("Something went wrong on our side. Nothing was saved; please try again, and tell the organisers "
            "if it happens again."),
    503: _l("EventHub is briefly unavailable. Please try again in a few seconds."),
}


def script_wants_json() -> bool:
    """A page's own script asking for JSON (the check-in scanner's fetch): it reads answers, not pages."""
    return request.is_json or request.accept_mimetypes.best == "application/json"


def _wants_json() -> bool:
    """The API, and a page's own script: they read the reason."""
    return request.path.startswith("/api/") or script_wants_json()


def _description(error: HTTPException) -> str:
    """What the page says; a 413 names the limit of the page that refused the body."""
    if error.code == 413:
        limit = request.max_content_length or 0
        return _("What you sent is larger than this page accepts (%(size)s MB at most).", size=f"{limit / 1048576:g}")
    return error.description


def handle_http_error(error: HTTPException):
    if _wants_json():
        # The API aborts with data={message, errors|messages (webargs), headers}; keep field errors and headers.
        data = getattr(error, "data", None) or {}
        payload = {"code": error.code, "status": error.name, "message": data.get("message", _description(error)),
                   "request_id": request_id()}
        errors = data.get("errors", data.get("messages"))
        if errors:
            payload["errors"] = errors
        return jsonify(payload), error.code, data.get("headers") or {}
    return render_template("errors/error.html", error=error, name=_name(error),
                           description=_page_description(error)), error.code


def _name(error: HTTPException) -> str:
    """The error's name in the visitor's language ("Page introuvable"), else Werkzeug's."""
    return str(NAMES.get(error.code, error.name))


def _page_description(error: HTTPException) -> str:
    """What the page says: the reason the refusing code gave (already in the visitor's language), or, for a
    bare abort(), a sentence in that language instead of Werkzeug's English one."""
    standard = getattr(type(error), "description", None)
    if error.code in STANDARD_REASONS and error.description == standard:
        return str(STANDARD_REASONS[error.code])
    return _description(error)


def init_app(app) -> None:
    """Register the handlers."""
    app.register_error_handler(HTTPException, handle_http_error)
