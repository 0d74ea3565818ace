"""`flask backup` and `flask restore`: a backup taken while the app serves brings back every row.

Runs on the suite's database (SQLite, or PostgreSQL with DATABASE_URL) and restores into a second,
empty database of the same engine: a file beside the test's for SQLite, "<test database>_restore"
for PostgreSQL.
"""
import re
import sqlite3
from urllib.parse import urlsplit

import pytest
from sqlalchemy import MetaData, Table, create_engine, func, select, text
from sqlalchemy.engine import make_url

from eventhub import create_app
from eventhub.agenda.signups import sign_up, star
from eventhub.audit.services import SYSTEM
from eventhub.badges.services import valid_badge
from eventhub.checkin.services import record_scan
from eventhub.core.transaction import atomic
from eventhub.events.images import save_image
from eventhub.extensions import db
from eventhub.members.models import Organisation
from eventhub.operations import backup as backup_module
from tests.factories import (
    bulk_sessions,
    last_message,
    make_agenda_parts,
    make_delegation,
    make_network,
    make_organisation,
    make_question,
    make_registration,
    make_token,
    make_user,
    make_workshop,
    open_event,
    publish_agenda,
)
from tests.test_event_image import png


def populate() -> dict:
    """One congress with a row in every table; what a person was sent before the backup."""
    organiser = make_user(roles=["organiser"], email="olga@example.org", full_name="Olga Organiser")
    make_user(roles=["checkin"], email="door@example.org")
    _, api_secret = make_token(organiser)
    city = make_organisation(name="São Paulo", country="BR")
    make_network(members=[city])
    event = publish_agenda(open_event(title="Congreso de Ciudades", capacity=100))
    make_question(event, {"label": "Dietary needs", "kind": "short_text"})
    person = make_registration(event, full_name="Alicja Nowak", email="alicja@example.org")
    make_delegation(event, city)
    parts = make_agenda_parts(event)
    bulk_sessions(event, parts, [city], 2)
    workshop = make_workshop(event, seats=5)
    with atomic():
        sign_up(workshop, person, SYSTEM)
        star(person, workshop)
        record_scan(event, valid_badge(person).token, "Gate A", SYSTEM)
        save_image(event, png(), "Logo", SYSTEM)  # bytes in the database, restored bit for bit
    _connect_leaders(event, parts)
    link = re.search(r"https?://\S+/registrations/[^\s/]+", last_message(person).text_body).group(0)
    return {"manage_path": urlsplit(link).path, "feed_path": f"/calendar/{person.calendar_token}.ics",
            "api_secret": api_secret, "slug": event.slug}


def _connect_leaders(event, parts) -> None:
    """Directory entries, meeting tables, a window, the request limit, a meeting agreed, a visa letter."""
    from eventhub.meetings import services as meetings, setup
    from tests.factories import make_listed_participant, make_meeting_request, make_meeting_setup
    from tests.test_access import _letter_values

    ana = make_listed_participant(event, topics=parts["tracks"][:1], languages=["pt"], full_name="Ana Lima")
    li = make_listed_participant(event, topics=parts["tracks"][1:], languages=["zh"], full_name="Li Wei")
    _tables, slots = make_meeting_setup(event)
    with atomic():
        setup.set_max_open_requests(event, 5, SYSTEM)
    asked = make_meeting_request(ana, li, slots[:1])
    with atomic():
        meetings.accept(asked, slots[0].id, li, SYSTEM)
    _letter_values(event, ana)  # encrypted details: restored as they were, readable with the same key


def every_table(engine) -> dict[str, list[tuple]]:
    """All rows of every table of the models, and Alembic's revision, in primary-key order."""
    tables = [*db.metadata.sorted_tables, Table("alembic_version", MetaData(), autoload_with=engine)]
    with engine.connect() as connection:
        return {table.name: [tuple(row) for row in connection.execute(table.select().order_by(*table.primary_key))]
                for table in tables}


@pytest.fixture
def empty_database(app, tmp_path):
    """The URL of a second, empty database of the suite's engine."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield str(url.set(database=str(tmp_path / "restored.db")))
        return
    name = f"{url.database}_restore"
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


@pytest.fixture
def restored_app(empty_database):
    """The app on the empty database, with the suite's SECRET_KEY (as a restored server keeps its own)."""
    app = create_app({"EVENTHUB_ENV": "testing", "SQLALCHEMY_DATABASE_URI": empty_database})
    yield app
    with app.app_context():
        db.engine.dispose()


def backup_to(runner, path):
    db.session.remove()  # the test's own open transaction would hold locks a restore waits for
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    return result


def restore_into(app, path, *options, answer=None):
    with app.app_context():  # the command runs in the app whose context is current
        return app.test_cli_runner().invoke(args=["restore", str(path), *options], input=answer)


def test_a_restore_brings_back_every_row_of_every_table(app, runner, restored_app, tmp_path):
    populate()
    before = every_table(db.engine)
    assert [name for name, rows in before.items() if not rows] == []  # every table is put to the test
    backup_to(runner, tmp_path / "eventhub.backup")

    result = restore_into(restored_app, tmp_path / "eventhub.backup")

    assert result.exit_code == 0, result.output
    with restored_app.app_context():
        assert every_table(db.engine) == before


def test_links_mailed_and_an_api_token_made_before_the_backup_work_after_the_restore(
        app, runner, restored_app, tmp_path):
    sent = populate()
    backup_to(runner, tmp_path / "eventhub.backup")
    restore_into(restored_app, tmp_path / "eventhub.backup")

    client = restored_app.test_client()
    page = client.get(sent["manage_path"])
    assert page.status_code == 200 and "Alicja Nowak" in page.text
    feed = client.get(sent["feed_path"])
    assert feed.status_code == 200 and "Solar rooftops workshop" in feed.text
    api = client.get(f"/api/v1/events/{sent['slug']}/registrations",
                     headers={"Authorization": f"Bearer {sent['api_secret']}"})
    assert api.status_code == 200 and "Alicja Nowak" in api.text


def test_new_rows_after_a_restore_take_the_next_ids(app, runner, restored_app, tmp_path):
    populate()
    last_id = db.session.scalar(select(func.max(Organisation.id)))
    backup_to(runner, tmp_path / "eventhub.backup")
    restore_into(restored_app, tmp_path / "eventhub.backup")

    with restored_app.app_context():
        assert make_organisation(name="Kraków").id == last_id + 1


def test_a_backup_has_what_was_committed_when_it_started_and_nothing_halfway(app, runner, restored_app, tmp_path):
    make_organisation(name="Committed before")
    with db.engine.connect() as writer:  # a request in the middle of its transaction
        writer.execute(Organisation.__table__.insert().values(
            name="Not yet committed", kind="city", country="DE", status="member", search_text="",
            email_domains=[]))
        backup_to(runner, tmp_path / "eventhub.backup")
        writer.rollback()
    restore_into(restored_app, tmp_path / "eventhub.backup")

    with restored_app.app_context():
        assert db.session.scalars(select(Organisation.name)).all() == ["Committed before"]


def test_restoring_over_a_database_with_data_asks_first_and_a_no_changes_nothing(app, runner, tmp_path):
    make_organisation(name="In the backup")
    backup_to(runner, tmp_path / "eventhub.backup")
    make_organisation(name="Made after the backup")
    db.session.remove()

    refused = restore_into(app, tmp_path / "eventhub.backup", answer="n\n")

    assert refused.exit_code == 1
    assert "already holds" in refused.output and "the database is unchanged" in refused.output
    assert set(db.session.scalars(select(Organisation.name))) == {"In the backup", "Made after the backup"}
    db.session.remove()

    accepted = restore_into(app, tmp_path / "eventhub.backup", "--yes")

    assert accepted.exit_code == 0, accepted.output
    assert db.session.scalars(select(Organisation.name)).all() == ["In the backup"]


def _other_engines_backup(app, path) -> bytes:
    """A backup of the engine the app does not use."""
    if db.engine.dialect.name == "postgresql":
        sqlite3.connect(path).execute("CREATE TABLE alembic_version (version_num TEXT)").connection.close()
        return path.read_bytes()
    return b"PGDMP\x01\x0e\x00\x04\x08\x01\x01" + bytes(200)


@pytest.mark.parametrize("kind, message", [
    ("other engine", "backup, but this app's database is"),
    ("garbage", "is not an EventHub backup"),
    ("plain SQL", "restore it with psql"),
    ("another program's SQLite file", None),
])
def test_a_file_that_is_no_backup_for_this_database_is_refused_and_changes_nothing(app, runner, tmp_path,
                                                                                  kind, message):
    make_organisation(name="Kept")
    path = tmp_path / "suspicious.file"
    if kind == "other engine":
        path.write_bytes(_other_engines_backup(app, tmp_path / "other.db"))
    elif kind == "garbage":
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(500))
    elif kind == "plain SQL":
        path.write_text("--\n-- PostgreSQL database dump\n--\nCREATE TABLE t (id int);\n")
    else:
        sqlite3.connect(path).execute("CREATE TABLE notes (body TEXT)").connection.close()
    db.session.remove()

    result = restore_into(app, path, "--yes")

    assert result.exit_code == 1
    assert "Nothing was changed." in result.output and "Traceback" not in result.output
    assert message is None or message in result.output
    assert db.session.scalars(select(Organisation.name)).all() == ["Kept"]


def test_a_backup_that_fails_halfway_leaves_the_previous_one_whole(app, runner, monkeypatch, tmp_path):
    path = tmp_path / "eventhub.backup"
    backup_to(runner, path)
    previous = path.read_bytes()

    def fails_halfway(engine, partial):
        partial.write_bytes(previous[: len(previous) // 2])
        raise backup_module.BackupError("the disk is full")

    monkeypatch.setattr(backup_module, f"_{'sqlite_backup' if db.engine.dialect.name == 'sqlite' else 'pg_dump'}",
                        fails_halfway)
    result = runner.invoke(args=["backup", str(path)])

    assert result.exit_code == 1 and "the disk is full" in result.output and "No backup was written" in result.output
    assert path.read_bytes() == previous
    assert [file.name for file in tmp_path.iterdir()] == ["eventhub.backup"]


def test_a_backup_is_readable_only_by_its_owner(app, runner, tmp_path):
    path = tmp_path / "eventhub.backup"
    backup_to(runner, path)
    assert path.stat().st_mode & 0o077 == 0  # personal data


@pytest.fixture
def postgresql_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("pg_dump and pg_restore are for PostgreSQL databases")


def test_a_missing_pg_dump_is_named(postgresql_only, runner, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    result = runner.invoke(args=["backup", str(tmp_path / "eventhub.backup")])
    assert result.exit_code == 1 and "pg_dump was not found on PATH" in result.output
    assert not (tmp_path / "eventhub.backup").exists()


def test_pg_tools_of_another_major_version_are_refused(postgresql_only, runner, monkeypatch, tmp_path):
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("pg_dump", "pg_restore"):
        (tools / tool).write_text(f"#!/bin/sh\necho '{tool} (PostgreSQL) 9.6.24'\n")
        (tools / tool).chmod(0o755)
    monkeypatch.setenv("PATH", str(tools))

    result = runner.invoke(args=["backup", str(tmp_path / "eventhub.backup")])

    assert result.exit_code == 1
    assert "PostgreSQL) 9.6.24, but the database server is PostgreSQL" in result.output
    assert not (tmp_path / "eventhub.backup").exists()


def test_an_older_backup_restored_under_newer_code_says_to_upgrade(app, runner, restored_app, tmp_path):
    backup_to(runner, tmp_path / "current.backup")
    assert "flask db upgrade" not in restore_into(restored_app, tmp_path / "current.backup").output
    with restored_app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
        backup_to(restored_app.test_cli_runner(), tmp_path / "older.backup")

    result = restore_into(restored_app, tmp_path / "older.backup", "--yes")

    assert result.exit_code == 0, result.output
    assert "Its schema is at revision 0001" in result.output and "run `flask db upgrade`" in result.output


def test_a_backup_into_a_folder_that_does_not_exist_says_so(app, runner, tmp_path):
    result = runner.invoke(args=["backup", str(tmp_path / "no such folder" / "eventhub.backup")])
    assert result.exit_code == 1 and "does not exist" in result.output and "Traceback" not in result.output
