"""`flask backup FILE` and `flask restore FILE`: the whole database to one file and back."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import text

from eventhub.extensions import db
from eventhub.operations.backup import KINDS, BackupError, backup, check_backup, existing_tables, restore


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def backup_command(file):
    """Write a consistent copy of the database to FILE, while the app keeps serving.

    SQLite: a SQLite file; PostgreSQL: a pg_dump custom-format archive (pg_dump of the server's
    version must be on PATH). FILE is replaced only once the new copy is complete.
    """
    try:
        backup(db.engine, file)
    except (BackupError, OSError) as error:  # OSError: a folder we may not write to, a full disk
        raise click.ClickException(f"{error}\nNo backup was written.") from error
    size = file.stat().st_size / 1024 / 1024
    click.echo(f"Backed up the {KINDS[db.engine.dialect.name]} database to {file} ({size:.1f} MB).")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace a database that is not empty without asking.")
@with_appcontext
def restore_command(file, yes):
    """Bring back every row of a backup made by `flask backup` (into an empty database, or over one)."""
    db.session.remove()
    try:
        check_backup(db.engine, file)
        tables = existing_tables(db.engine)
    except (BackupError, OSError) as error:  # OSError: a backup we may not read
        raise click.ClickException(f"{error}\nNothing was changed.") from error
    question = f"The database already holds {len(tables)} tables. Replace everything in it with {file}?"
    if tables and not yes and not _confirmed(question):
        raise click.ClickException("Nothing was restored; the database is unchanged.")
    try:
        restore(db.engine, file)
    except (BackupError, OSError) as error:
        raise click.ClickException(f"{error}\nThe restore runs in one transaction: it was rolled back.") from error
    click.echo(f"Restored {file}.{_revision_note()}")


def _confirmed(question: str) -> bool:
    """Ask; no answer (end of input, Ctrl+C) is a no."""
    try:
        return click.confirm(question)
    except click.Abort:
        click.echo()
        return False


def _revision_note() -> str:
    """Say when the restored schema is not the one this code expects: `flask db upgrade` brings it there."""
    from alembic.script import ScriptDirectory

    with db.engine.connect() as connection:
        restored = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    config = current_app.extensions["migrate"].migrate.get_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    if restored == head:
        return ""
    return f" Its schema is at revision {restored}, this code expects {head}: run `flask db upgrade`."


def init_app(app) -> None:
    """Add the commands to the app's `flask` command."""
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
