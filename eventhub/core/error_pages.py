"""Error pages: HTML for people, JSON under /api/."""
from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def handle_http_error(error: HTTPException):
    if _wants_json():
        # The API aborts with data={message, errors|messages (webargs), headers}; keep field errors and headers.
        data = getattr(error, "data", None) or {}
        payload = {"code": error.code, "status": error.name, "message": data.get("message", error.description)}
        errors = data.get("errors", data.get("messages"))
        if errors:
            payload["errors"] = errors
        return jsonify(payload), error.code, data.get("headers") or {}
    return render_template("errors/error.html", error=error), error.code


def init_app(app) -> None:
    """Register the handlers."""
    app.register_error_handler(HTTPException, handle_http_error)
