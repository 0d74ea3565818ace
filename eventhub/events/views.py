"""Public event pages and the organisers' event management."""
from flask import Blueprint, abort, render_template

from eventhub.events import services

bp = Blueprint("events", __name__)


@bp.route("/")
def index():
    """Upcoming published events, congresses first."""
    return render_template("events/index.html", events=services.upcoming_public_events())


@bp.route("/events/<slug>")
def detail(slug: str):
    """One event's public page; drafts are 404 to the public."""
    event = services.public_event(slug) or abort(404)
    return render_template("events/detail.html", event=event)


from eventhub.auth.access import organiser_required  # noqa: E402


@bp.route("/manage/events/")
@organiser_required
def manage():
    """Placeholder until the organiser list lands."""
    return "events"
