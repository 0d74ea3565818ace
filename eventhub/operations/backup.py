"""Backups taken while the app is serving, and restores that bring back everything.

SQLite: the sqlite3 online backup API copies a consistent snapshot page by page (a plain file copy
would miss what is still in the WAL log, or catch a write halfway). PostgreSQL: pg_dump's custom
format, which dumps from one snapshot and carries the sequences, so new ids continue after the
restored ones. Manage links, calendar feeds and API tokens are stored as digests (and salts), so
the rows alone keep every link that was mailed before the backup working.

A backup is written under a temporary name and renamed once complete: a half-written file never
takes the place of a good one.
"""
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"
KINDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# A restore waits at most this long for the app's requests to let go of a table, then gives up unchanged.
LOCK_TIMEOUT = "60s"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def backup(engine: Engine, path: Path) -> None:
    """Write a consistent copy of the database to `path` (replacing it only once complete)."""
    path = Path(path)
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    write = _sqlite_backup if engine.dialect.name == "sqlite" else _pg_dump
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(handle)
    try:
        write(engine, Path(partial))
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, path)
    finally:
        Path(partial).unlink(missing_ok=True)


def check_backup(engine: Engine, path: Path) -> None:
    """Refuse, before anything is changed, a file that is not a backup this database can take."""
    kind = kind_of_file(path)
    if kind != engine.dialect.name:
        raise BackupError(f"{path} is a {KINDS[kind]} backup, but this app's database is {KINDS[engine.dialect.name]}"
                          f" (DATABASE_URL): restore it into a {KINDS[kind]} database.")
    tables = _sqlite_tables(path) if kind == "sqlite" else _archive_tables(engine, path)
    if "alembic_version" not in tables:
        raise BackupError(f"{path} holds no EventHub database (it has no alembic_version table).")


def kind_of_file(path: Path) -> str:
    """"sqlite" or "postgresql", from the file's first bytes; anything else is refused."""
    with open(path, "rb") as file:
        start = file.read(len(SQLITE_HEADER))
    if start.startswith(SQLITE_HEADER):
        return "sqlite"
    if start.startswith(PG_CUSTOM_HEADER):
        return "postgresql"
    if start.startswith(b"--"):
        raise BackupError(f"{path} is a plain SQL script: restore it with psql. `flask restore` reads the backups"
                          " `flask backup` writes (a SQLite file or a pg_dump custom-format archive).")
    raise BackupError(f"{path} is not an EventHub backup: neither a SQLite database nor a pg_dump custom-format"
                      " archive.")


def existing_tables(engine: Engine) -> list[str]:
    """The tables the database already holds: a restore over them asks first."""
    return inspect(engine).get_table_names()


def restore(engine: Engine, path: Path) -> None:
    """Replace the database's content with the backup's (check_backup() first)."""
    engine.dispose()  # no pooled connection of ours keeps a lock, nor a view of the old tables
    if engine.dialect.name == "sqlite":
        _sqlite_restore(engine, path)
    else:
        _pg_restore(engine, path)
    engine.dispose()


def _sqlite_file(engine: Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(f"Only a SQLite database in a file can be backed up or restored, not {database!r}.")
    return database


def _sqlite_backup(engine: Engine, partial: Path) -> None:
    database = _sqlite_file(engine)
    if not Path(database).is_file():
        raise BackupError(f"There is no database at {database} to back up.")
    source, copy = sqlite3.connect(database, timeout=10), sqlite3.connect(partial)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
    except sqlite3.Error as error:
        raise BackupError(f"The backup of {database} failed: {error}") from error
    finally:
        copy.close()
        source.close()


def _sqlite_tables(path: Path) -> set[str]:
    try:
        backup_file = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            if backup_file.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is a damaged SQLite file.")
            return {name for (name,) in backup_file.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            backup_file.close()
    except sqlite3.Error as error:
        raise BackupError(f"{path} cannot be read as a SQLite database: {error}") from error


def _sqlite_restore(engine: Engine, path: Path) -> None:
    database = _sqlite_file(engine)
    source = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(database, timeout=10)
    try:
        source.backup(target)  # page by page, under the target's write lock: the app sees before or after
    except sqlite3.Error as error:
        raise BackupError(f"The restore into {database} failed: {error}") from error
    finally:
        target.close()
        source.close()


def _pg_dump(engine: Engine, partial: Path) -> None:
    _run(engine, "pg_dump", "--format=custom", f"--file={partial}")


def _archive_tables(engine: Engine, path: Path) -> set[str]:
    listing = _run(engine, "pg_restore", "--list", str(path), connect=False)
    return set(re.findall(r"^\d+; \d+ \d+ TABLE \S+ (\S+) ", listing, flags=re.MULTILINE))


def _pg_restore(engine: Engine, path: Path) -> None:
    existing = set(existing_tables(engine))
    options = ["--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges"]
    if existing:
        # Tables only this database has (a newer schema) go first; --clean replaces the others in the
        # restore's own transaction, so a restore that fails leaves them as they were.
        quote = engine.dialect.identifier_preparer.quote
        with engine.begin() as connection:
            for table in existing - _archive_tables(engine, path):
                connection.execute(text(f"DROP TABLE IF EXISTS {quote(table)} CASCADE"))
        options += ["--clean", "--if-exists"]
    _run(engine, "pg_restore", *options, str(path))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))  # a dump carries no planner statistics


def _run(engine: Engine, tool: str, *arguments: str, connect: bool = True) -> str:
    """Run a PostgreSQL client tool of the server's major version against the app's database."""
    url = engine.url
    environment = {**os.environ, "PGOPTIONS": f"-c lock_timeout={LOCK_TIMEOUT}"}
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)  # not on the command line, where `ps` shows it
    command = [_tool(engine, tool), *arguments]
    if connect:
        conninfo = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
        command += ["--no-password", f"--dbname={conninfo}"]
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip()}")
    return done.stdout


def _tool(engine: Engine, name: str) -> str:
    """The tool's path on PATH; a dump or restore by a client of another major version is refused."""
    with engine.connect() as connection:
        server = int(connection.execute(text("SHOW server_version_num")).scalar()) // 10000
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} was not found on PATH: install the PostgreSQL {server} client tools"
                          f" (e.g. the Debian package postgresql-client-{server}) and try again.")
    version = subprocess.run([found, "--version"], capture_output=True, text=True, check=False).stdout  # noqa: S603
    match = re.search(r"\(PostgreSQL\) (\d+)", version)
    if match is None or int(match.group(1)) != server:
        raise BackupError(f"{found} is {version.strip() or 'of an unknown version'}, but the database server is"
                          f" PostgreSQL {server}: put the version {server} client tools first on PATH"
                          f" (e.g. /usr/lib/postgresql/{server}/bin).")
    return found
