"""The timetable editor, moving sessions (forms, drag and drop, keyboard, undo), clashes and publishing."""
from datetime import date, timedelta

from babel import dates
from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from eventhub.agenda import moves, services
from eventhub.agenda.admin import bp
from eventhub.agenda.admin.forms import MoveForm, PublishForm
from eventhub.agenda.admin.grid import build_grid, day_of, day_sessions, event_days, tray
from eventhub.agenda.admin.sessions import actor, local, owned_or_404
from eventhub.agenda.clashes import clashes_by_session, find_clashes
from eventhub.agenda.models import SESSION_STATUSES, AgendaSession
from eventhub.auth.access import organiser_required
from eventhub.core.error_pages import script_wants_json
from eventhub.core.errors import ValidationError
from eventhub.core.transaction import atomic
from eventhub.core.urls import safe_redirect_target
from eventhub.events.access import get_event


class TimetableMoveForm(MoveForm):
    """A move from the timetable: what MoveForm takes, and the session's `sequence` as the page showed it,
    so that a move from a page that is out of date is refused (see agenda.moves)."""

    sequence = IntegerField(validators=[Optional(), NumberRange(min=0)])


def _day(days: list[date]) -> date:
    """The ?day= asked for, if it is one of the days; otherwise the first."""
    try:
        asked = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return days[0]
    return asked if asked in days else days[0]


def day_label(day: date) -> str:
    """A day tab, e.g. "Tue, Jun 15", in the reader's language."""
    return dates.format_skeleton("MMMEd", day, locale=get_locale())


def _summary(clashes) -> tuple[int, int, str]:
    """Errors, warnings and the sentence the page shows about them."""
    errors = sum(c.severity == "error" for c in clashes)
    warnings = len(clashes) - errors
    if not clashes:
        return errors, warnings, _("No clashes.")
    return errors, warnings, _("%(errors)s and %(warnings)s on the clashes page.",
                               errors=ngettext("%(num)d error", "%(num)d errors", errors),
                               warnings=ngettext("%(num)d warning", "%(num)d warnings", warnings))


@bp.route("/")
@organiser_required
def timetable(slug: str):
    """One day of the agenda as rooms × time, the tray of sessions without a room, and clash marks."""
    event = get_event(slug, manage=True)
    parts = services.schedule_parts(event)
    sessions = services.event_sessions(event)
    days = event_days(event, sessions)
    grid = build_grid(event, sessions, parts.rooms, _day(days))
    clashes = find_clashes(event)
    errors, warnings, summary = _summary(clashes)
    return render_template(
        "agenda/admin/timetable.html", event=event, days=[(d, day_label(d)) for d in days], grid=grid,
        rooms=parts.rooms, tray=tray(sessions), listed=day_sessions(event, sessions, grid.day),
        clashes=clashes_by_session(clashes), errors=errors, warnings=warnings, summary=summary,
        statuses=SESSION_STATUSES, publish_form=PublishForm(), day_label=day_label,
        wall=lambda value: local(value, event),
    )


def _move_data(form: MoveForm) -> dict:
    """Room and times from the form: an explicit end (drag and drop) or start + duration (the form)."""
    start = form.start.data
    end = form.end.data or (start + timedelta(minutes=form.duration.data) if form.duration.data else None)
    return {"room_id": form.room_id.data or None, "start": start, "end": end}


def placement(session: AgendaSession, event) -> dict:
    """Where a session is now, as the editor's script places it: room, local times, day and labels."""
    if session.start_at is None:
        return {"id": session.id, "title": session.title, "room_id": session.room_id, "sequence": session.sequence,
                "start": "", "end": "", "day": "", "day_label": "", "times": _("No time yet"),
                "room": session.room.name if session.room else _("No room")}
    start, end = local(session.start_at, event), local(session.end_at, event)
    return {
        "id": session.id, "title": session.title, "room_id": session.room_id, "sequence": session.sequence,
        "start": start.strftime("%Y-%m-%dT%H:%M"), "end": end.strftime("%Y-%m-%dT%H:%M"),
        "day": start.date().isoformat(), "day_label": day_label(start.date()),
        "times": f"{start:%H:%M}–{end:%H:%M}",  # 24-hour, as the grid's time axis
        "room": session.room.name if session.room else _("No room"),
    }


def _clashes_payload(event) -> dict:
    """Every session's clashes after a move, so the script can mark them without reloading the page."""
    clashes = find_clashes(event)
    errors, warnings, summary = _summary(clashes)
    return {"clashes": {str(i): [{"severity": c.severity, "message": c.message} for c in found]
                        for i, found in clashes_by_session(clashes).items()},
            "errors": errors, "warnings": warnings, "summary": summary}


def _answer(ok: bool, message: str, status: int, back: str, session: AgendaSession, event, reason: str = ""):
    """JSON for the script (the message, where the session is now, and after a move every clash);
    a flash and a redirect for the form."""
    if script_wants_json():
        body = {"message": message, "session": placement(session, event)}
        body.update(_clashes_payload(event) if ok else {"reason": reason})
        return jsonify(body), status
    flash(message, "success" if ok else "error")
    return redirect(back)


@bp.post("/sessions/<int:session_id>/move")
@organiser_required
def move_session(slug: str, session_id: int):
    """Move, resize, unschedule from its room or undo: 409 when the room is taken or the session
    changed since the page showed it, 422 for bad input; nothing is saved in either case."""
    event = get_event(slug, manage=True)
    session = owned_or_404(AgendaSession, event, session_id)
    form = TimetableMoveForm()
    back = url_for(".timetable", slug=slug, day=day_of(session, event), _anchor=f"session-{session.id}")
    if not form.validate_on_submit() or not form.end.data and not form.duration.data:
        messages = [m for msgs in form.errors.values() for m in msgs] or [_("Give an end or a duration.")]
        return _answer(False, " ".join(map(str, messages)), 422, back, session, event, "invalid")
    try:
        with atomic():
            moves.move_session(event, session, _move_data(form), actor(), form.sequence.data)
    except moves.ChangedMeanwhile as changed:
        return _answer(False, str(changed), 409, back, session, event, "changed")
    except services.RoomTaken as taken:
        return _answer(False, str(taken), 409, back, session, event, "room_taken")
    except ValidationError as error:
        return _answer(False, " ".join(error.messages), 422, back, session, event, "invalid")
    back = url_for(".timetable", slug=slug, day=day_of(session, event), _anchor=f"session-{session.id}")
    where = placement(session, event)
    return _answer(True, _("“%(title)s” is saved: %(day)s, %(times)s, %(room)s.", title=session.title,
                           day=where["day_label"], times=where["times"], room=where["room"]), 200, back, session, event)


@bp.route("/clashes")
@organiser_required
def clashes(slug: str):
    """Every clash of the agenda, errors (block publishing) first, each linking to its sessions."""
    event = get_event(slug, manage=True)
    sessions = {s.id: s for s in services.event_sessions(event)}
    return render_template("agenda/admin/clashes.html", event=event, clashes=find_clashes(event),
                           sessions=sessions, publish_form=PublishForm(),
                           days={i: day_of(s, event) for i, s in sessions.items()})


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
