"""`flask demo`: realistic, deterministic demo data at any scale.

One entry point that later features extend: add a phase to seed_demo. What to create is planned
as plain values (plan.py, attendees.py, agenda.py); the phases write it, the many rows in bulk
(bulk.py), the few through the services, all in one unit of work (`with atomic():`): a demo that
fails halfway leaves the database empty, so it can simply be run again.
"""
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select, text

from eventhub.auth.models import User
from eventhub.auth.services import AccountError, create_user, find_user
from eventhub.core.errors import Refused, ValidationError
from eventhub.core.transaction import atomic
from eventhub.core.types import utcnow
from eventhub.demo.agenda import DEFAULT_SESSIONS
from eventhub.demo.agenda_seed import seed_agenda
from eventhub.demo.attendees import DEFAULT_ATTENDEES
from eventhub.demo.connections import seed_connections
from eventhub.demo.members import seed_members, seed_networks
from eventhub.demo.plan import DEFAULT_MEMBERS, DEFAULT_SEED, plan_events, plan_organisations
from eventhub.demo.registrations import seed_attendees
from eventhub.demo.scenario import ACCOUNTS, URL
from eventhub.demo.timetable import MAX_DAYS, MAX_ROOMS, max_sessions
from eventhub.events.models import Event
from eventhub.events.services import publish_event, save_event
from eventhub.extensions import db
from eventhub.members.models import Network, Organisation

# The largest demos made and timed (bench/demo.py); beyond them flask demo refuses rather than
# leave someone waiting for minutes on a size nobody has tried.
MAX_MEMBERS = 50_000
MAX_ATTENDEES = 50_000


def existing_data() -> str:
    """What the database already holds, e.g. "150 organisations, 3 users"; "" when empty."""
    counts = {
        "organisations": db.session.scalar(select(func.count()).select_from(Organisation)),
        "users": db.session.scalar(select(func.count()).select_from(User)),
        "networks": db.session.scalar(select(func.count()).select_from(Network)),
        "events": db.session.scalar(select(func.count()).select_from(Event)),
    }
    return ", ".join(f"{count} {what}" for what, count in counts.items() if count)


def seed_events(organisations: dict[str, int], networks: dict[str, Network], now: datetime | None = None) -> list[Event]:
    """Create the congress, the network meeting and the draft; a host missing from a small demo is left out."""
    events = []
    for plan in plan_events(now or utcnow()):
        network = networks.get(plan["network"]) if plan["network"] else None
        data = {**plan["data"], "host_organisation_id": organisations.get(plan["host"]),
                "network_id": network.id if network else None}
        event = save_event(data)
        if plan["publish"]:
            publish_event(event)
        events.append(event)
    return events


def seed_accounts() -> list[User]:
    """One account per role, with the passwords print_logins shows."""
    return [
        create_user(account["email"], account["full_name"], account["password"], [account["role"]])
        for account in ACCOUNTS
    ]


def seed_demo(members: int, seed: int, attendees: int = 0, sessions: int = 0) -> None:
    """Seed an empty database in one unit of work, reporting each part as it is done."""
    with atomic():
        plans = plan_organisations(members, seed)
        organisations = seed_members(plans)
        regions = len({plan["region"] for plan in plans})
        click.echo(f"Created {len(organisations)} organisations in {regions} regions (seed {seed}).")
        networks = seed_networks(plans, organisations)
        for network in networks.values():
            click.echo(f"Created network {network.name} with {len(network.members)} members.")
        events = seed_events(organisations, networks)
        for event in events:
            click.echo(f"Created {event.kind_label.lower()} {event.title} ({event.status}): /events/{event.slug}")
        organiser = next(user for user in seed_accounts() if user.roles == {"organiser"})
        if attendees:
            click.echo(seed_attendees(events, attendees, seed, organiser))
        if sessions:
            congress = next(event for event in events if event.kind == "congress")
            click.echo(seed_agenda(congress, sessions, seed, organiser))
            click.echo(seed_connections(congress, seed, organiser))


def where_it_is() -> str:
    """Where to open the app, and where the links it mails point (core.urls.base_url decides)."""
    if configured := current_app.config.get("BASE_URL"):
        return f"EventHub is at {configured} (BASE_URL): links in e-mails and calendar feeds point there."
    if current_app.config.get("BASE_URL_FROM_REQUEST"):
        return (f"EventHub is at {URL} with `make run`, or at the address `flask run` prints (--port N). Links in "
                "e-mails and calendar feeds point at the address you open it at; set BASE_URL to fix them to one.")
    return f"BASE_URL is not set: links in e-mails and calendar feeds point at {URL}. Set BASE_URL."


def print_logins() -> None:
    """The demo accounts with their passwords and where to open the app; `make run` relies on it."""
    click.echo(f"\n{where_it_is()}\nDemo logins:")
    for account in ACCOUNTS:
        missing = "" if find_user(account["email"]) else "  (not in this database)"
        click.echo(f"  {account['role']:<10} {account['email']:<26} password: {account['password']}{missing}")


def _at_most(limit: int, why: str):
    """A click callback refusing a count above `limit`, before anything is written."""

    def check(_context, _parameter, value: int) -> int:
        """The value, when the demo supports it."""
        if value > limit:
            raise click.BadParameter(f"flask demo makes at most {limit:,} {why}; {value:,} is more than that.")
        return value

    return check


@click.command("demo")
@click.option("--members", default=DEFAULT_MEMBERS, show_default=True, type=click.IntRange(min=0),
              callback=_at_most(MAX_MEMBERS, "organisations"),
              help=f"Organisations to create: real ones first, then invented ones (at most {MAX_MEMBERS:,}).")
@click.option("--attendees", default=DEFAULT_ATTENDEES, show_default=True, type=click.IntRange(min=0),
              callback=_at_most(MAX_ATTENDEES, "registrations"),
              help=f"Registrations for the congress and the network meeting (at most {MAX_ATTENDEES:,}).")
@click.option("--sessions", default=DEFAULT_SESSIONS, show_default=True, type=click.IntRange(min=0),
              callback=_at_most(max_sessions(), f"sessions ({MAX_ROOMS} rooms over {MAX_DAYS} days)"),
              help=f"Agenda sessions of the congress, exactly this many: rooms, then days, are added as needed "
                   f"(at most {max_sessions():,}).")
@click.option("--seed", default=DEFAULT_SEED, show_default=True, type=int, help="Same seed, same data.")
@click.option("--if-empty", is_flag=True, help="Seed only an empty database; otherwise skip without an error.")
@with_appcontext
def demo_command(members, attendees, sessions, seed, if_empty):
    """Seed an empty database with demo members, networks, events, accounts, registrations and an agenda.

    The counts are exact: a count beyond what the demo supports is refused before anything is
    written. No e-mail is queued for the seeded registrants (invented people on reserved
    .example domains).
    """
    existing = existing_data()
    if existing and not if_empty:
        raise click.ClickException(
            f"The database already has data ({existing}). flask demo only seeds an empty database: "
            "run it with --if-empty to skip without an error, or start from an empty database."
        )
    if existing:
        click.echo(f"Skipping demo data: the database already has {existing}.")
    else:
        try:
            seed_demo(members, seed, attendees, sessions)
        except (ValidationError, AccountError, Refused) as error:
            raise click.ClickException(f"Demo data refused: {getattr(error, 'errors', error)}")
        _take_statistics()
    print_logins()


def _take_statistics() -> None:
    """PostgreSQL plans by its tables' statistics, which a bulk load leaves empty until autovacuum comes by:
    until then a deep page of 20,000 registrations took seconds instead of milliseconds. SQLite needs none."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:  # its own short transaction, after the seeding committed
            connection.execute(text("ANALYZE"))
