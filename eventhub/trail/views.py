"""The audit trail's pages: an event's whole trail for its organisers, the whole system's for admins.

Both are the same list: filters from the query string, newest first, a page at a time, each entry
with who acted, the action in words, its object (a link to the object's page) and the changes. A
page costs the same few queries whatever its length (see subjects.py).
"""
from flask import Blueprint, render_template, request
from sqlalchemy import select

from eventhub.audit import queries
from eventhub.auth.access import organiser_required, role_required
from eventhub.core.paging import paginate
from eventhub.events.access import get_event
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.trail.forms import TrailFilters, moment_bounds
from eventhub.trail.subjects import account_names, action_words, actor_words, subjects

bp = Blueprint("trail", __name__)

PER_PAGE = 50

# The history tables of events, member records and registrations (_history.html) say what was done in words too.
bp.add_app_template_global(action_words, "action_words")


def _listing(event_id: int | None, tz_name: str) -> dict:
    """The filter form, the filters and the page of entries of one event's trail (or all of it)."""
    form = TrailFilters(request.args, queries.actors(event_id), in_event=event_id is not None)
    filters = form.filters()
    bounds = moment_bounds(filters, tz_name)
    query_filters = {k: v for k, v in filters.items() if k not in ("since", "until")}
    page = paginate(queries.entries_query(event_id, **query_filters, **bounds), PER_PAGE)
    return {
        "form": form, "filters": filters, "page": page, "names": account_names(page.items),
        # The same filters for every object, for the link that leaves one object's trail.
        "unfocused": {k: v for k, v in filters.items() if k != "subject_id"},
        "action_words": action_words, "actor_words": actor_words,
    }


@bp.route("/manage/events/<slug>/trail")
@organiser_required
def event_trail(slug: str):
    """Everything recorded about one event, in the event's timezone."""
    event = get_event(slug, manage=True)
    listing = _listing(event.id, event.timezone)
    objects = subjects(listing["page"].items, {event.id: event.slug})
    return render_template("audit/event.html", event=event, objects=objects, **listing)


@bp.route("/admin/trail")
@role_required("admin")
def system_trail():
    """Everything recorded, every event and what belongs to none (members, accounts, tokens), in UTC."""
    listing = _listing(None, "UTC")
    event_ids = {entry.event_id for entry in listing["page"].items if entry.event_id}
    events = {row.id: row for row in db.session.execute(
        select(Event.id, Event.slug, Event.title).where(Event.id.in_(event_ids)))} if event_ids else {}
    objects = subjects(listing["page"].items, {event_id: row.slug for event_id, row in events.items()})
    return render_template("audit/system.html", events=events, objects=objects, **listing)
