"""One log line per request, with what an operator needs and nothing a leaked log could hurt people with;
and a request id a person can quote from an error page."""
import json
import logging

import pytest
from flask import Flask

from eventhub.core import requestlog
from tests.factories import make_event, make_registration, make_token, make_user

FIELDS = {"method", "rule", "status", "duration_ms"}


@pytest.fixture(autouse=True)
def app_loggers_enabled():
    """The suite's `upgrade()` ran alembic's logging.config.fileConfig (migrations/env.py), which disables every
    logger that existed before it; a web process never runs migrations, so undo that here."""
    for name in ("eventhub", "eventhub.requests"):
        logging.getLogger(name).disabled = False


@pytest.fixture
def lines(caplog):
    """The request lines written so far, as production writes them (JSON)."""
    caplog.set_level(logging.INFO, logger="eventhub")
    formatter = requestlog.JsonFormatter()

    def written():
        return [formatter.format(record) for record in caplog.records if record.name == "eventhub.requests"]

    return written


def test_one_json_line_per_request_with_its_fields(client, lines):
    response = client.get("/", headers={"X-Request-ID": "proxy-1234abcd"})
    [line] = lines()
    entry = json.loads(line)
    assert FIELDS <= entry.keys()
    assert (entry["method"], entry["rule"], entry["status"]) == ("GET", "/", 200)
    assert entry["request_id"] == response.headers["X-Request-ID"] == "proxy-1234abcd"
    assert "\n" not in line


def test_a_manage_link_page_logs_its_route_not_the_token_nor_the_person(app, client, lines):
    registration = make_registration(make_event(), full_name="Ana Díaz", email="ana.diaz@example.org")
    token = registration.manage_token
    assert client.get(f"/registrations/{token}?utm_source=newsletter").status_code == 200
    [line] = lines()
    assert json.loads(line)["rule"] == "/registrations/<token>"
    for secret in (token, "ana.diaz", "Díaz", "newsletter"):
        assert secret not in line


def test_an_api_call_logs_the_caller_by_id_never_the_token(client, lines):
    organiser = make_user(email="olga@example.org")
    _row, secret = make_token(organiser)
    registration = make_registration(make_event(), email="bo@example.org")
    response = client.get(f"/api/v1/registrations/{registration.id}", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    [line] = lines()
    entry = json.loads(line)
    assert (entry["rule"], entry["user_id"], entry["auth"]) == (
        "/api/v1/registrations/<int(max=2147483647):registration_id>", organiser.id, "token")
    for private in (secret, "olga@", "bo@example.org"):
        assert private not in line


def test_a_signed_in_page_logs_the_account_id(organiser_browser, organiser, lines):
    organiser_browser.get("/members/?q=Kraków")
    entry = json.loads(lines()[-1])
    assert (entry["user_id"], entry["auth"], entry["rule"]) == (organiser.id, "session", "/members/")
    assert "Krak" not in lines()[-1]


@pytest.mark.parametrize("incoming", ["x", "a" * 65, "id with spaces", "<script>x</script>"])
def test_an_unsafe_incoming_id_is_replaced(client, incoming):
    given = client.get("/healthz", headers={"X-Request-ID": incoming}).headers["X-Request-ID"]
    assert given != incoming and requestlog.SAFE_ID.fullmatch(given)


def test_each_request_gets_its_own_id(client):
    assert client.get("/healthz").headers["X-Request-ID"] != client.get("/healthz").headers["X-Request-ID"]


def test_an_error_page_shows_the_reference_a_person_can_quote(client):
    response = client.get("/events/no-such-event")
    assert response.status_code == 404
    assert f"Reference: {response.headers['X-Request-ID']}" in response.get_data(as_text=True)


def test_a_json_error_carries_the_id(client):
    response = client.get("/api/v1/events/no-such-event")
    assert response.status_code == 404
    assert response.json["request_id"] == response.headers["X-Request-ID"]


@pytest.fixture
def broken_manage_page(app, monkeypatch):
    """The manage page fails with an unexpected error, as in production (no exception passed to the test)."""

    def fail(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "registration.manage", fail)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)


def test_a_500_is_logged_with_its_id_and_traceback_and_without_the_secret(client, caplog, broken_manage_page):
    caplog.set_level(logging.INFO, logger="eventhub")
    token = make_registration(make_event()).manage_token
    response = client.get(f"/registrations/{token}")
    assert response.status_code == 500
    reference = response.headers["X-Request-ID"]
    assert f"Reference: {reference}" in response.get_data(as_text=True)
    formatter = requestlog.JsonFormatter()
    written = [json.loads(formatter.format(record)) for record in caplog.records]
    assert all(entry["request_id"] == reference for entry in written)
    [failure] = [entry for entry in written if "exception" in entry]
    assert failure["level"] == "ERROR" and "RuntimeError: boom" in failure["exception"]
    assert [entry["status"] for entry in written if entry["logger"] == "eventhub.requests"] == [500]
    assert all(token not in json.dumps(entry) for entry in written)


@pytest.fixture
def app_logger_kept():
    """The tests below set up the log output of a production app: give the suite's back afterwards."""
    logger = logging.getLogger("eventhub")
    handlers, level = list(logger.handlers), logger.level
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)


def test_production_writes_one_json_line_per_request_to_stderr(capsys, app_logger_kept):
    app = Flask("production_like")  # neither debug nor testing, as under gunicorn
    requestlog.init_app(app)
    app.add_url_rule("/things/<token>", "thing", lambda token: "fine")
    app.test_client().get("/things/s3cret-token?email=someone@example.org")
    [line] = capsys.readouterr().err.splitlines()
    entry = json.loads(line)
    assert (entry["rule"], entry["status"], entry["level"]) == ("/things/<token>", 200, "INFO")
    assert "s3cret" not in line and "someone" not in line


def test_development_writes_readable_lines(capsys, app_logger_kept):
    app = Flask("development_like")
    app.debug = True
    requestlog.init_app(app)
    app.add_url_rule("/things/<token>", "thing", lambda token: "fine")
    app.test_client().get("/things/s3cret-token")
    [line] = capsys.readouterr().err.splitlines()
    assert "GET /things/<token> 200" in line and not line.startswith("{")
