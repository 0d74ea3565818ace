"""Fixtures shared by every test: one migrated database per run, emptied after each test.

Set DATABASE_URL to run the suite against PostgreSQL; SQLite is the default.
"""
import hashlib
import os

import pytest
from flask_migrate import upgrade
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event, exists, literal, select, text, union_all

from config import TestingConfig
from eventhub import create_app
from eventhub.extensions import db, limiter
from tests import factories

PASSWORD = factories.PASSWORD


def _test_database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _drop_everything() -> None:
    """Start PostgreSQL runs from an empty schema, whatever the last run left."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))


def _commit_without_waiting_for_the_disk(engine) -> None:
    """A test database needs no crash safety: commits skip the fsync (a good share of each commit's time)."""

    @event.listens_for(engine, "connect")
    def no_fsync(dbapi_connection, connection_record):
        if engine.dialect.name == "sqlite":
            dbapi_connection.execute("PRAGMA synchronous = OFF")
        elif engine.dialect.name == "postgresql":
            # Outside a transaction, or the rollback when the pool takes the connection back undoes it.
            autocommit, dbapi_connection.autocommit = dbapi_connection.autocommit, True
            dbapi_connection.execute("SET synchronous_commit = off")
            dbapi_connection.autocommit = autocommit

    engine.dispose()  # connections opened before the listener (create_app's) are not reused


def _reference_rows() -> dict:
    """The rows the migrations seed (world regions, session kinds), to restore after each test."""
    with db.engine.connect() as connection:
        rows = {table: _rows(connection, table) for table in db.metadata.sorted_tables}
    return {table: found for table, found in rows.items() if found}


def _rows(connection, table) -> list[dict]:
    return [dict(row._mapping) for row in connection.execute(table.select().order_by(*table.primary_key))]


def _tables_with_rows():
    """One statement naming every table that holds a row: most tests touch only a few of them."""
    return union_all(
        *(select(literal(table.name)).where(exists().select_from(table)) for table in db.metadata.sorted_tables)
    )


def _empty_database(connection, reference_rows: dict, tables_with_rows) -> None:
    """Delete what the test left, children first; put the reference rows back only if the test changed them."""
    filled = set(connection.scalars(tables_with_rows))
    changed = [table for table, rows in reference_rows.items() if _rows(connection, table) != rows]
    for table in reversed(db.metadata.sorted_tables):
        if table in changed or (table.name in filled and table not in reference_rows):
            connection.execute(table.delete())
    for table in changed:
        connection.execute(table.insert(), reference_rows[table])


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    # Flask-SQLAlchemy builds its engine inside create_app, so the URL must be set before it:
    # changing app.config afterwards left the tests on the shared development database.
    TestingConfig.SQLALCHEMY_DATABASE_URI = _test_database_url(tmp_path_factory)
    app = create_app("testing")
    with app.app_context():
        assert db.engine.url.render_as_string(hide_password=False) == app.config["SQLALCHEMY_DATABASE_URI"], "tests must never touch the dev database"
        _commit_without_waiting_for_the_disk(db.engine)
        _drop_everything()
        upgrade()
        app.config["REFERENCE_ROWS"] = _reference_rows()
        app.config["TABLES_WITH_ROWS"] = _tables_with_rows()
        db.session.remove()
    yield app


@pytest.fixture(autouse=True)
def _clean_database(app):
    """Each test runs in an app context and leaves an empty database behind."""
    with app.app_context():
        limiter.reset()
        yield
        db.session.rollback()
        db.session.remove()
        with db.engine.begin() as connection:
            _empty_database(connection, app.config["REFERENCE_ROWS"], app.config["TABLES_WITH_ROWS"])


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def public_base_url(app):
    """BASE_URL as in production, so absolute links (feeds, UIDs, golden files) are the same everywhere."""
    before = app.config["BASE_URL"]
    app.config["BASE_URL"] = "https://events.example.org"
    yield app.config["BASE_URL"]
    app.config["BASE_URL"] = before


@pytest.fixture
def runner(app):
    return app.test_cli_runner()



class Browser:
    """A test client that posts forms with their CSRF token, like a person in a browser."""

    def __init__(self, client):
        self.client = client

    def get(self, *args, **kwargs):
        return self.client.get(*args, **kwargs)

    def post(self, url, data=None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token())
        return self.client.post(url, data=data, **kwargs)

    def token(self) -> str:
        """The token a form of this browser's session carries, made as flask_wtf.csrf.generate_csrf makes it
        (a raw token kept in the session, signed), without loading a page for it."""
        app = self.client.application
        with self.client.session_transaction() as session:
            raw = session.setdefault("csrf_token", hashlib.sha1(os.urandom(64)).hexdigest())
        secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
        return URLSafeTimedSerializer(secret, salt="wtf-csrf-token").dumps(raw)

    def login(self, user, password: str = PASSWORD):
        return self.post("/auth/login", {"email": user.email, "password": password})

    def logout(self):
        return self.post("/auth/logout")


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def organiser():
    return factories.make_user(roles=["organiser"], email="organiser@example.org", full_name="Olga Organiser")


@pytest.fixture
def organiser_browser(browser, organiser):
    """A browser signed in as an organiser."""
    browser.login(organiser)
    return browser


@pytest.fixture
def count_queries(app):
    """Count SQL statements run inside a `with count_queries() as counter:` block."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting():
        statements = []

        def record(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting
