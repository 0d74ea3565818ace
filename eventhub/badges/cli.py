"""`flask badges render`: the whole congress's badges as one PDF, the night before."""
import os
import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from eventhub.audit.services import CLI
from eventhub.badges import printing, services
from eventhub.core.errors import ValidationError
from eventhub.core.transaction import atomic
from eventhub.events.models import CATEGORIES, Event
from eventhub.extensions import db

badges_cli = AppGroup("badges", help="Print attendees' badges.")


@badges_cli.command("render")
@click.argument("slug")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The PDF file to write.")
@click.option("--layout", type=click.Choice(sorted(printing.LAYOUTS)), default="a4", show_default=True,
              help="a4: four badges a page with crop marks (office printers); a6: one a page (badge printers).")
@click.option("--category", type=click.Choice(sorted(CATEGORIES)), help="Only this category.")
@click.option("--not-printed", is_flag=True, help="Only badges not marked as printed yet.")
@click.option("--sort", type=click.Choice(sorted(printing.SORTS)), default="name", show_default=True,
              help="By family name, or by organisation then family name.")
@click.option("--double-sided", is_flag=True, help="A back after each badge with the person's own sessions.")
@click.option("--mark-printed", is_flag=True, help="Mark the rendered badges as printed once the file is written.")
def render_command(slug, output, layout, category, not_printed, sort, double_sided, mark_printed):
    """Render the badges of every confirmed registration of the event at SLUG (or a selection) into one PDF."""
    from eventhub.printing.badges import render_badges

    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise click.ClickException(f"There is no event {slug!r}.")
    try:
        selection = printing.parse_selection({"layout": layout, "category": category, "sort": sort,
                                              "not_printed": "1" if not_printed else "",
                                              "double_sided": "1" if double_sided else ""})
    except ValidationError as error:
        raise click.ClickException(" ".join(error.messages)) from None
    rows = printing.selected(event, selection)
    if not rows:
        raise click.ClickException("No badge matches: nobody confirmed, or every badge is printed already.")
    # Written beside the target and renamed at the end: a failure never leaves half a file behind.
    target = Path(output)
    partial = target.with_name(f".{target.name}.part")
    with click.progressbar(length=len(rows), label="Rendering badges", file=sys.stderr) as bar:
        done = [0]

        def advance(count: int) -> None:
            bar.update(count - done[0])
            done[0] = count

        try:
            with partial.open("wb") as out:
                render_badges(printing.badge_event(event), printing.cards(event, rows, double_sided), out,
                              layout=layout, double_sided=double_sided, progress=advance)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    click.echo(f"Wrote {len(rows)} badge(s) to {target}.")
    if mark_printed:
        with atomic():
            count = services.mark_printed(event, [badge for badge, _registration in rows], CLI)
        click.echo(f"Marked {count} badge(s) as printed.")
