"""Bounded input: a body over the limit is refused (413) from its declared size, before it is read."""
import io
import json

from werkzeug.test import EnvironBuilder, run_wsgi_app

from eventhub.extensions import db
from eventhub.members.models import Organisation
from tests.factories import make_token, make_user
from tests.test_members_csv import _csv, _upload

MB = 1024 * 1024


class Upload(io.RawIOBase):
    """A request body of `size` bytes that counts how much of it the app reads."""

    def __init__(self, size: int):
        self.size, self.position, self.served = size, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True  # the test client measures the body, as a browser would to send its Content-Length

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.position = offset + (self.size if whence == io.SEEK_END else 0)
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        count = max(0, min(len(buffer), self.size - self.position))
        buffer[:count] = b"a" * count
        self.position += count
        self.served += count
        return count


def test_a_huge_post_to_the_login_form_is_refused_unread(client):
    body = Upload(200 * MB)
    response = client.post("/auth/login", input_stream=body, content_length=body.size,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert body.served == 0  # refused from its Content-Length: nothing read, nothing in a temp file
    page = response.get_data(as_text=True)
    assert "What you sent is larger than this page accepts (5 MB at most)." in page
    assert "<h1>413" in page and "Back to the events" in page  # the app's error page, not a bare server answer


def test_a_body_without_a_length_is_cut_off_at_the_limit(app):
    """A chunked upload (no Content-Length; gunicorn marks it with wsgi.input_terminated) is read up to the limit only.

    Browsers always send a Content-Length with a form; only a script streams one. Werkzeug stops at the limit
    and the form is then refused as incomplete (its CSRF token missing) or too large.
    """
    body = Upload(50 * MB)
    environ = EnvironBuilder(path="/auth/login", method="POST", input_stream=body,
                             content_type="application/x-www-form-urlencoded").get_environ()
    del environ["CONTENT_LENGTH"]
    environ["wsgi.input_terminated"] = True
    _answer, status, _headers = run_wsgi_app(app, environ, buffered=True)
    assert status[:3] in ("400", "413")
    assert body.served <= app.config["MAX_CONTENT_LENGTH"]


def test_the_api_answers_a_too_large_body_in_json(client):
    _row, secret = make_token(make_user(roles=["organiser"]), "limits")
    body = Upload(6 * MB)
    response = client.post("/api/v1/events", input_stream=body, content_length=body.size, content_type="application/json",
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 413 and body.served == 0
    assert json.loads(response.get_data()) == {
        "code": 413, "status": "Request Entity Too Large",
        "message": "What you sent is larger than this page accepts (5 MB at most).",
        "request_id": response.headers["X-Request-ID"]}


def test_the_members_import_has_its_own_smaller_limit(organiser_browser, app, monkeypatch):
    assert app.config["MEMBERS_IMPORT_MAX_BYTES"] < app.config["MAX_CONTENT_LENGTH"]
    monkeypatch.setitem(app.config, "MEMBERS_IMPORT_MAX_BYTES", 1 * MB)
    response = _upload(organiser_browser, _csv(*["Lyon,,city,FR,,,member,,,"] * 50_000))  # 1.3 MB
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "What you sent is larger than this page accepts (1 MB at most)." in page
    assert "Nothing was saved. Go back and send a smaller file" in page
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 0
    # A file within the limit is imported.
    assert _upload(organiser_browser, _csv("Lyon,,city,FR,,,member,,,")).status_code == 200
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 1
