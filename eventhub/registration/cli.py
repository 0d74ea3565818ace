"""`flask events anonymise`: the same retention as the organisers' page, from the command line."""
import click
from flask.cli import AppGroup
from sqlalchemy import select

from eventhub.audit.services import CLI
from eventhub.core.errors import Refused
from eventhub.core.transaction import atomic
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration import retention

events_cli = AppGroup("events", help="Look after events once they are over.")


@events_cli.command("anonymise")
@click.argument("slug")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def anonymise_command(slug, yes):
    """Remove the personal data of every registration of the ended event at SLUG, keeping the counts."""
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise click.ClickException(f"There is no event {slug!r}.")
    if event.anonymised_at is not None:
        click.echo(f"{event.title} was anonymised on {event.anonymised_at:%Y-%m-%d %H:%M} UTC; nothing to do.")
        return
    if reason := retention.refusal(event):
        raise click.ClickException(reason)
    if not yes:
        click.confirm(f"Remove for good the names, e-mail addresses, positions, answers and messages of every "
                      f"registration of {event.title}? Counts per organisation, country, region and category "
                      f"are kept", abort=True)
    try:
        with atomic():
            counts = retention.anonymise(event, CLI)
    except Refused as refused:
        raise click.ClickException(refused.message) from None
    if counts is None:
        click.echo(f"{event.title} was anonymised meanwhile; nothing to do.")
        return
    click.echo(f"Anonymised {counts['registrations']} registration(s) and {counts['delegations']} delegation(s) "
               f"of {event.title}; deleted {counts['messages']} message(s); cleaned {counts['audit_entries']} "
               f"audit entries.")
