"""`flask members import|export`."""
import sys

import click
from flask.cli import AppGroup

from eventhub.audit.services import CLI
from eventhub.core.transaction import atomic
from eventhub.members import csvio

members_cli = AppGroup("members", help="Import and export member records.")


def _report_errors(errors) -> click.ClickException:
    """A failure listing every bad row, one per line; click exits with status 1."""
    lines = "\n".join(f"  {error}" for error in errors)
    return click.ClickException(f"Nothing was imported; {len(errors)} problem(s):\n{lines}")


def _progressbar(rows):
    """A progress bar on standard error, so standard output stays the report."""
    return click.progressbar(rows, label="Importing", file=sys.stderr)


@members_cli.command("import")
@click.argument("file", type=click.File("rb"))
def import_command(file):
    """Import member records from a CSV FILE (all rows or none); '-' reads standard input."""
    plan = csvio.prepare_import(file.read())
    try:
        with atomic():
            report = csvio.apply_import(plan, progress=_progressbar, actor=CLI)
    except csvio.ImportAborted as aborted:
        raise _report_errors(aborted.errors)
    counts = f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged"
    click.echo(f"Imported {len(plan.rows)} row(s): {counts}.")


@members_cli.command("export")
@click.argument("file", type=click.File("wb"))
def export_command(file):
    """Write every member record to a CSV FILE (UTF-8 with a BOM, so Excel reads it); '-' writes to standard output."""
    file.write(csvio.export_csv())
    if file.name != "<stdout>":
        click.echo(f"Exported the member records to {file.name}.", err=True)
