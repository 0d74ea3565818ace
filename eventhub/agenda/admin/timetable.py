"""The timetable editor, moving sessions (forms and drag and drop), clashes and publishing (on agenda_admin)."""
from datetime import date, timedelta

from babel import dates
from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from eventhub.agenda import services
from eventhub.agenda.admin import bp
from eventhub.agenda.admin.forms import MoveForm, PublishForm
from eventhub.agenda.admin.grid import build_grid, event_days
from eventhub.agenda.admin.sessions import actor, local, owned_or_404
from eventhub.agenda.clashes import clashes_by_session, find_clashes
from eventhub.agenda.models import SESSION_STATUSES, AgendaSession
from eventhub.auth.access import organiser_required
from eventhub.core.errors import ValidationError
from eventhub.core.transaction import atomic
from eventhub.core.urls import safe_redirect_target
from eventhub.events.access import get_event


def _day(days: list[date]) -> date:
    """The ?day= asked for, if it is one of the days; otherwise the first."""
    try:
        asked = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return days[0]
    return asked if asked in days else days[0]


def _day_label(day: date) -> str:
    """A day tab, e.g. "Tue, Jun 15", in the reader's language."""
    return dates.format_skeleton("MMMEd", day, locale=get_locale())


@bp.route("/")
@organiser_required
def timetable(slug: str):
    """One day of the agenda as rooms × time, with clash badges next to each session."""
    event = get_event(slug, manage=True)
    parts = services.schedule_parts(event)
    sessions = services.event_sessions(event)
    days = event_days(event, sessions)
    grid = build_grid(event, sessions, parts.rooms, _day(days))
    clashes = find_clashes(event)
    return render_template(
        "agenda/admin/timetable.html", event=event, days=[(d, _day_label(d)) for d in days], grid=grid, rooms=parts.rooms,
        clashes=clashes_by_session(clashes), errors=sum(c.severity == "error" for c in clashes),
        warnings=sum(c.severity == "warning" for c in clashes), statuses=SESSION_STATUSES,
        publish_form=PublishForm(), move_form=MoveForm(),
    )


def _wants_json() -> bool:
    """The timetable's script asks for JSON; a plain form post gets a redirect."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _move_data(form: MoveForm) -> dict:
    """Room and times from the form: an explicit end (drag and drop) or start + duration (the form)."""
    start = form.start.data
    end = form.end.data or (start + timedelta(minutes=form.duration.data) if form.duration.data else None)
    return {"room_id": form.room_id.data or None, "start": start, "end": end}


def _answer(ok: bool, message: str, status: int, back: str):
    """JSON {message} with the status for the script; a flash and a redirect for the form."""
    if _wants_json():
        return jsonify(message=message), status
    flash(message, "success" if ok else "error")
    return redirect(back)


@bp.post("/sessions/<int:session_id>/move")
@organiser_required
def move_session(slug: str, session_id: int):
    """Move or resize a session through save_session: 409 when the room is taken, 422 for bad input."""
    event = get_event(slug, manage=True)
    session = owned_or_404(AgendaSession, event, session_id)
    form = MoveForm()
    back = url_for(".timetable", slug=slug, day=local(session.start_at, event).date().isoformat(),
                   _anchor=f"session-{session.id}")
    if not form.validate_on_submit() or not form.end.data and not form.duration.data:
        messages = [m for msgs in form.errors.values() for m in msgs] or [_("Give an end or a duration.")]
        return _answer(False, " ".join(map(str, messages)), 422, back)
    try:
        with atomic():
            services.save_session(event, _move_data(form), actor(), session)
    except services.RoomTaken as taken:
        return _answer(False, str(taken), 409, back)
    except ValidationError as error:
        return _answer(False, " ".join(error.messages), 422, back)
    back = url_for(".timetable", slug=slug, day=local(session.start_at, event).date().isoformat(),
                   _anchor=f"session-{session.id}")
    return _answer(True, _("“%(title)s” is moved.", title=session.title), 200, back)


@bp.route("/clashes")
@organiser_required
def clashes(slug: str):
    """Every clash of the agenda, errors (block publishing) first, each linking to its sessions."""
    event = get_event(slug, manage=True)
    sessions = {s.id: s for s in services.event_sessions(event)}
    return render_template("agenda/admin/clashes.html", event=event, clashes=find_clashes(event),
                           sessions=sessions, publish_form=PublishForm(),
                           days={i: local(s.start_at, event).date().isoformat() for i, s in sessions.items()})


@bp.post("/publish")
@organiser_required
def publish(slug: str):
    """Make the agenda public; refused, with the blocking errors shown, while a room is double-booked."""
    event = get_event(slug, manage=True)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            with atomic():
                services.publish_agenda(event, actor())
            flash(_("The agenda is published."), "success")
        except ValidationError as error:
            flash(_("The agenda is not published: fix these first."), "error")
            for message in error.errors.get("_form", []):
                flash(message, "error")
    return redirect(safe_redirect_target(form.next.data, url_for(".clashes", slug=slug)))


@bp.post("/unpublish")
@organiser_required
def unpublish(slug: str):
    """Hide the agenda from the public again."""
    event = get_event(slug, manage=True)
    form = PublishForm()
    if form.validate_on_submit():
        with atomic():
            services.unpublish_agenda(event, actor())
        flash(_("The agenda is no longer public."), "success")
    return redirect(safe_redirect_target(form.next.data, url_for(".timetable", slug=slug)))
