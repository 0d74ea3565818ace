"""`flask demo`: realistic, deterministic demo data, created through the services.

One entry point that later features extend: add a seed_* function and call it from seed_demo.
The plan (what to create) lives in demo_plan; this module only writes it.
"""
from datetime import datetime

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from eventhub.auth.models import User
from eventhub.auth.services import AccountError, create_user, find_user
from eventhub.core.errors import Refused, ValidationError
from eventhub.core.types import utcnow
from eventhub.demo.agenda import DEFAULT_SESSIONS, seed_agenda
from eventhub.demo.attendees import DEFAULT_ATTENDEES, seed_attendees
from eventhub.demo.plan import DEFAULT_MEMBERS, DEFAULT_SEED, plan_events, plan_network_members, plan_organisations
from eventhub.demo.scenario import ACCOUNTS, NETWORKS, URL
from eventhub.events.models import Event
from eventhub.events.services import publish_event, save_event
from eventhub.extensions import db
from eventhub.members.models import Network, Organisation
from eventhub.members.services import add_region, save_network, save_organisation
from eventhub.members.validation import list_regions

# Organisations are committed in batches: one transaction per record is what makes seeding slow.
BATCH_SIZE = 100
ORGANISATION_FIELDS = (
    "name", "local_name", "kind", "country", "population", "status", "member_since", "website", "external_id", "notes"
)


def existing_data() -> str:
    """What the database already holds, e.g. "150 organisations, 3 users"; "" when empty."""
    counts = {
        "organisations": db.session.scalar(select(func.count()).select_from(Organisation)),
        "users": db.session.scalar(select(func.count()).select_from(User)),
        "networks": db.session.scalar(select(func.count()).select_from(Network)),
        "events": db.session.scalar(select(func.count()).select_from(Event)),
    }
    return ", ".join(f"{count} {what}" for what, count in counts.items() if count)


def seed_members(plans: list[dict]) -> dict[str, Organisation]:
    """Create the planned organisations; returns them by name."""
    regions = {region.name: region for region in list_regions()}
    for name in sorted({plan["region"] for plan in plans} - regions.keys()):
        regions[name] = add_region(name)  # an organiser removed or renamed a default region
    created = {}
    for number, plan in enumerate(plans, start=1):
        data = {field: plan.get(field) for field in ORGANISATION_FIELDS}
        # The Region object itself, which spares save_organisation a lookup by name per record.
        data["region"] = regions[plan["region"]]
        created[plan["name"]] = save_organisation(data, commit=False)
        if number % BATCH_SIZE == 0:
            db.session.commit()
    db.session.commit()
    return created


def seed_networks(plans: list[dict], organisations: dict[str, Organisation]) -> dict[str, Network]:
    """Create the three networks with their planned members; returns them by tag."""
    members = plan_network_members(plans)
    networks = {}
    for tag, spec in NETWORKS.items():
        member_ids = [organisations[name].id for name in members[tag]]
        networks[tag] = save_network({**spec, "member_ids": member_ids})
    return networks


def seed_events(
    organisations: dict[str, Organisation], networks: dict[str, Network], now: datetime | None = None
) -> list[Event]:
    """Create the congress, the network meeting and the draft; a host missing from a small demo is left out."""
    events = []
    for plan in plan_events(now or utcnow()):
        host = organisations.get(plan["host"])
        network = networks.get(plan["network"]) if plan["network"] else None
        data = {
            **plan["data"],
            "host_organisation_id": host.id if host else None,
            "network_id": network.id if network else None,
        }
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
    """Seed an empty database, reporting each part as it is done."""
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
    accounts = seed_accounts()
    organiser = next(user for user in accounts if user.roles == {"organiser"})
    if attendees:
        click.echo(seed_attendees(events, attendees, seed, organiser))
    if sessions:
        congress = next(event for event in events if event.kind == "congress")
        click.echo(seed_agenda(congress, sessions, seed, organiser))


def print_logins() -> None:
    """The demo accounts with their passwords and where to open the app; `make run` relies on it."""
    click.echo(f"\nEventHub is at {URL}. Demo logins:")
    for account in ACCOUNTS:
        missing = "" if find_user(account["email"]) else "  (not in this database)"
        click.echo(f"  {account['role']:<10} {account['email']:<26} password: {account['password']}{missing}")


@click.command("demo")
@click.option("--members", default=DEFAULT_MEMBERS, show_default=True, type=click.IntRange(min=0),
              help="Organisations to create: real ones first, then invented ones.")
@click.option("--attendees", default=DEFAULT_ATTENDEES, show_default=True, type=click.IntRange(min=0),
              help="Registrations for the congress and the network meeting.")
@click.option("--sessions", default=DEFAULT_SESSIONS, show_default=True, type=click.IntRange(min=0),
              help="Agenda sessions of the congress (at most what its timetable holds).")
@click.option("--seed", default=DEFAULT_SEED, show_default=True, type=int, help="Same seed, same data.")
@click.option("--if-empty", is_flag=True, help="Seed only an empty database; otherwise skip without an error.")
@with_appcontext
def demo_command(members, attendees, sessions, seed, if_empty):
    """Seed an empty database with demo members, networks, events, accounts, registrations and an agenda."""
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
            db.session.rollback()
            raise click.ClickException(f"Demo data refused: {getattr(error, 'errors', error)}")
    print_logins()
