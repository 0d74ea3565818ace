"""The session form: create, edit and delete one session with its people, and the type-ahead JSON its
people rows ask (registrants of the event, member records; eventhub.agenda.admin.people searches)."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.agenda import services
from eventhub.agenda.admin import bp, people
from eventhub.agenda.admin.forms import LOCAL_FORMATS, ConfirmForm, SessionForm
from eventhub.agenda.admin.grid import day_of
from eventhub.agenda.models import AgendaSession
from eventhub.audit.services import Actor, history
from eventhub.auth.access import organiser_required
from eventhub.core import translation_input
from eventhub.core.errors import ValidationError
from eventhub.core.forms import submit
from eventhub.core.loading import get_or_404
from eventhub.core.transaction import atomic
from eventhub.events.access import get_event


def owned_or_404(model, event, item_id: int):
    """A room, track or session of this event: an id from another event is 404."""
    return get_or_404(model, item_id, event_id=event.id)


def actor() -> Actor:
    """The signed-in organiser, for the audit trail."""
    return Actor.for_user(current_user)


def local(value, event):
    """An aware UTC time as the naive wall clock of the event's timezone (what datetime-local shows)."""
    return value.astimezone(ZoneInfo(event.timezone)).replace(tzinfo=None) if value else None


def _session_form(event, session=None) -> SessionForm:
    """The session form, prefilled from the session or from the timetable's ?room_id=&start= link."""
    if session is not None:
        data = services.session_values(session)
        data.update(start=local(session.start_at, event), end=local(session.end_at, event),
                    people=[_person_initial(p) for p in session.people] + [{}] * 2)
        data = {k: ("" if v is None else str(v)) if k.endswith("_id") else v for k, v in data.items()}
        data.update(translation_input.initial(session, services.TRANSLATION_LIMITS))
        form = SessionForm(data=data)
    else:
        form = SessionForm(data=_new_session_initial(event))
    form.set_choices(services.schedule_parts(event), event)
    return form


def _new_session_initial(event) -> dict:
    """Defaults for a new session: room and start from the timetable slot that was clicked, one hour long,
    spoken in the event's main language."""
    initial = {"room_id": request.args.get("room_id", ""), "status": "draft", "language": event.language.split("_")[0]}
    for fmt in LOCAL_FORMATS:
        try:
            start = datetime.strptime(request.args.get("start", ""), fmt)
        except ValueError:
            continue
        initial.update(start=start, end=start + timedelta(hours=1))
        break
    return initial


def _person_initial(person) -> dict:
    """A person row's values for the form: a registrant by name, or an external speaker with their details."""
    if person.registration_id:
        return {"role": person.role, "registration": person.name, "registration_id": str(person.registration_id)}
    return {"role": person.role, "name": person.name, "position_title": person.position_title,
            "organisation": person.organisation.name if person.organisation else "",
            "organisation_id": str(person.organisation_id or "")}


def _save(form: SessionForm, event, session=None) -> AgendaSession | None:
    """Save the session and its people in one unit of work; every problem goes next to its field, a
    double-booked room next to the room and the start, and None is returned."""
    try:
        # The data is read inside: validating the form resolves the typed names of its people first.
        return submit(form, lambda: services.save_session(
            event, {**form.session_data(), "people": form.people_data()}, actor(), session))
    except services.RoomTaken as taken:
        for field in (form.room_id, form.start):
            field.errors = [*field.errors, str(taken)]
    return None


def _handle(event, session=None):
    """Shared by new and edit: "add more rows" re-renders with blank rows, otherwise save and go to the day."""
    form = _session_form(event, session)
    if form.is_submitted() and form.add_rows.data:
        for _row in range(2):
            form.people.append_entry()
        form.set_choices(services.schedule_parts(event), event)
    elif saved := _save(form, event, session):
        flash(_("The session “%(title)s” is saved.", title=saved.title), "success")
        return redirect(url_for(".timetable", slug=event.slug, day=day_of(saved, event), _anchor=f"session-{saved.id}"))
    return render_template("agenda/admin/session_form.html", event=event, session=session, form=form,
                           delete_form=ConfirmForm(), history=history(session))


@bp.route("/sessions/new", methods=["GET", "POST"])
@organiser_required
def new_session(slug: str):
    """A new session; the timetable links here with the clicked room and time."""
    return _handle(get_event(slug, manage=True))


@bp.route("/sessions/<int:session_id>", methods=["GET", "POST"])
@organiser_required
def edit_session(slug: str, session_id: int):
    """Edit a session (this form also moves it); the delete form is on the same page."""
    event = get_event(slug, manage=True)
    return _handle(event, owned_or_404(AgendaSession, event, session_id))


@bp.post("/sessions/<int:session_id>/delete")
@organiser_required
def delete_session(slug: str, session_id: int):
    """Delete a draft session, only with the box ticked; a published one must be cancelled instead."""
    event = get_event(slug, manage=True)
    session = owned_or_404(AgendaSession, event, session_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("Nothing was deleted: tick the box to confirm."), "error")
        return redirect(url_for(".edit_session", slug=slug, session_id=session.id, _anchor="delete"))
    title, day = session.title, day_of(session, event)
    try:
        with atomic():
            services.delete_session(session, actor())
    except ValidationError as error:
        flash(" ".join(error.messages), "error")
        return redirect(url_for(".edit_session", slug=slug, session_id=session_id))
    flash(_("The session “%(title)s” is deleted.", title=title), "success")
    return redirect(url_for(".timetable", slug=slug, day=day))


@bp.route("/registrants.json")
@organiser_required
def registrants(slug: str):
    """Type-ahead: the event's registrations matching ?q=, for the session form's people."""
    event = get_event(slug, manage=True)
    found = people.find_registrants(event, request.args.get("q", ""))
    return jsonify([{"id": r.id, "name": r.full_name, "detail": people.registrant_detail(r)} for r in found])


@bp.route("/organisations.json")
@organiser_required
def organisations(slug: str):
    """Type-ahead: member records matching ?q=, for an external speaker's organisation (drafts too, unlike
    the public registration form's)."""
    get_event(slug, manage=True)
    found = people.find_members(request.args.get("q", ""))
    return jsonify([{"id": o.id, "name": o.name, "local_name": o.local_name, "country": o.country} for o in found])
