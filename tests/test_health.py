"""/healthz and /readyz: what a load balancer asks before sending people to this process."""
import pytest
from sqlalchemy import create_engine, text

from eventhub.extensions import db
from eventhub.operations import health
from tests.factories import PASSWORD


def test_healthz_says_ok_and_nothing_else(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ok_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ok")


def test_probes_set_no_cookie_even_for_a_signed_in_browser(organiser_browser):
    for url in ("/healthz", "/readyz"):
        response = organiser_browser.get(url)
        assert response.status_code == 200 and "Set-Cookie" not in response.headers, url


def test_readyz_names_the_database_when_it_cannot_be_reached(client, monkeypatch):
    unreachable = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/nowhere")
    monkeypatch.setattr(health, "db", type("Unreachable", (), {"engine": unreachable})())
    response = client.get("/readyz")
    assert (response.status_code, response.get_data(as_text=True)) == (503, "database")


@pytest.fixture
def schema_one_release_behind(app):
    """The database as before the last migration: the code is newer than its schema."""
    with db.engine.begin() as connection:
        head = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    yield
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})


def test_readyz_names_the_migrations_when_the_schema_is_behind(client, schema_one_release_behind):
    response = client.get("/readyz")
    assert (response.status_code, response.get_data(as_text=True)) == (503, "migrations")


def test_readyz_names_redis_when_configured_and_down(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    response = client.get("/readyz")
    assert (response.status_code, response.get_data(as_text=True)) == (503, "redis")


def test_readyz_is_ok_with_a_reachable_redis(app, client, monkeypatch):
    import redis

    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    assert client.get("/readyz").get_data(as_text=True) == "ok"


def test_probes_are_cheap(client, count_queries):
    with count_queries() as counter:
        client.get("/healthz")
        client.get("/readyz")
    assert len(counter) == 1  # the schema version; no user, session or table is read


def test_probes_do_not_sign_a_remembered_browser_back_in(browser, organiser):
    """A browser holding only its keep-me-signed-in cookie gets a new session from any page, not from a probe."""
    browser.post("/auth/login", {"email": organiser.email, "password": PASSWORD, "remember": "y"})
    browser.client.delete_cookie("session")
    assert "Set-Cookie" not in browser.get("/healthz").headers
    assert "Set-Cookie" not in browser.get("/readyz").headers
    assert "Set-Cookie" in browser.get("/members/").headers  # the cookie does sign it back in elsewhere
