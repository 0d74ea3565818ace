"""Error pages: HTML for people, JSON under /api/."""
from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def handle_http_error(error: HTTPException):
    if _wants_json():
        response = jsonify(code=error.code, status=error.name, message=error.description)
        return response, error.code
    return render_template("errors/error.html", error=error), error.code


def init_app(app) -> None:
    """Register the handlers."""
    app.register_error_handler(HTTPException, handle_http_error)
