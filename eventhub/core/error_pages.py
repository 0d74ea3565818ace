"""Error pages: HTML for people, JSON under /api/."""
from flask import jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from eventhub.core.requestlog import request_id


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
    return render_template("errors/error.html", error=error, description=_description(error)), error.code


def init_app(app) -> None:
    """Register the handlers."""
    app.register_error_handler(HTTPException, handle_http_error)
