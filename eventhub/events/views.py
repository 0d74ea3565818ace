"""Public event pages and the organisers' event management."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.audit.services import Actor, history
from eventhub.auth.access import organiser_required
from eventhub.core.errors import ValidationError
from eventhub.core.forms import submit
from eventhub.core.paging import paginate
from eventhub.core.signals import answers, event_figures
from eventhub.core.transaction import atomic
from eventhub.core.urls import safe_redirect_target
from eventhub.events import services
from eventhub.events.access import get_event
from eventhub.events.forms import CancelForm, EventForm, event_initial
from eventhub.events.models import STATUSES

bp = Blueprint("events", __name__)

EVENTS_PER_PAGE = 25


def _actor() -> Actor:
    """The signed-in organiser, for the audit trail."""
    return Actor.for_user(current_user)


def _back(slug: str, anchor: str | None = None) -> str:
    """Where a status action returns: the page its button was on (the status bar sends it), else the edit page."""
    return safe_redirect_target(request.form.get("next"), url_for(".edit", slug=slug, _anchor=anchor))


@bp.app_template_global()
def event_registered(event) -> int:
    """How many people are registered for the event (not cancelled or rejected), for the status bar's warning."""
    return answers(event_figures, event).get("registered", 0)


def _save(form: EventForm, event=None):
    """Save through the service, or show every problem on the form and return None."""
    saved = submit(form, lambda: services.save_event(form.service_data(), event, actor=_actor()))
    if saved and (shifted := form.shifted_times(saved)):
        flash(_("%(fields)s: that time does not exist in %(zone)s (the clocks go forward), so the next valid "
                "time was saved. Please check.", fields=", ".join(shifted), zone=saved.timezone), "info")
    return saved


@bp.route("/")
def index():
    """Upcoming published events, congresses first."""
    return render_template("events/index.html", events=services.upcoming_public_events())


@bp.route("/events/<slug>")
def detail(slug: str):
    """One event's public page; drafts are 404 to everyone here (organisers use the preview)."""
    event = get_event(slug)
    return render_template("events/detail.html", event=event, preview=False)


@bp.route("/manage/events/")
@organiser_required
def manage():
    """Every event, drafts too, newest first, optionally filtered by status."""
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    page = paginate(services.list_events(status), EVENTS_PER_PAGE)
    return render_template("events/manage.html", page=page, status=status, statuses=STATUSES)


@bp.route("/manage/events/new", methods=["GET", "POST"])
@organiser_required
def new():
    """Create an event; it starts as a draft."""
    form = EventForm()
    if event := _save(form):
        flash(_("Draft “%(title)s” saved. Publish it when it is ready.", title=event.title), "success")
        return redirect(url_for(".edit", slug=event.slug))
    return render_template("events/form.html", form=form, event=None)


@bp.route("/manage/events/<slug>/edit", methods=["GET", "POST"])
@organiser_required
def edit(slug: str):
    """Edit an event; times are shown and entered in the event's own timezone."""
    event = get_event(slug, manage=True)
    form = EventForm(data=event_initial(event))
    if _save(form, event):
        flash(_("“%(title)s” saved.", title=event.title), "success")
        return redirect(url_for(".edit", slug=event.slug))
    return render_template("events/form.html", form=form, event=event, history=history(event))


@bp.route("/manage/events/<slug>")
@organiser_required
def preview(slug: str):
    """The public page as it will look, drafts included."""
    return render_template("events/detail.html", event=get_event(slug, manage=True), preview=True)


@bp.post("/manage/events/<slug>/publish")
@organiser_required
def publish(slug: str):
    """Make the event public."""
    with atomic():
        event = services.publish_event(get_event(slug, manage=True), _actor())
    flash(_("“%(title)s” is published at %(url)s.", title=event.title,
            url=url_for(".detail", slug=event.slug, _external=True)), "success")
    if not event.contact_email:
        flash(_("Participants cannot reach you yet: add a contact e-mail under “Contact for participants”."),
              "info")
    return redirect(_back(slug))


@bp.post("/manage/events/<slug>/unpublish")
@organiser_required
def unpublish(slug: str):
    """Take the event back to draft."""
    with atomic():
        event = services.unpublish_event(get_event(slug, manage=True), _actor())
    flash(_("“%(title)s” is a draft again; its public page is gone.", title=event.title), "success")
    return redirect(_back(slug))


@bp.post("/manage/events/<slug>/cancel")
@organiser_required
def cancel(slug: str):
    """Cancel the event, only with the confirmation box ticked."""
    event = get_event(slug, manage=True)
    if not CancelForm().validate_on_submit():
        flash(_("Nothing was changed: tick “Yes, cancel this event” to confirm."), "error")
        return redirect(_back(slug, "status"))
    try:
        with atomic():
            services.cancel_event(event, _actor())
    except ValidationError as error:
        flash(" ".join(error.messages), "error")
    else:
        flash(_("“%(title)s” is cancelled; its public page says so.", title=event.title), "success")
    return redirect(_back(slug, "status"))
