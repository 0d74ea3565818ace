"""A participant's meetings: their requests and meetings, asking someone, answering, cancelling.

Reached through the person's own manage link (/registrations/<token>/meetings), or by their head of
delegation through the delegation's link (/delegations/<token>/delegates/<id>/meetings): the token
is the proof of who may act, and an id under it that is not theirs is 404.
"""
from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from eventhub.audit.services import Actor
from eventhub.core.errors import Refused, ValidationError
from eventhub.core.loading import found_or_404
from eventhub.core.tokens import keep_tokens_private
from eventhub.core.transaction import atomic
from eventhub.core.types import utcnow
from eventhub.core.validation import as_id
from eventhub.extensions import db
from eventhub.meetings import forms, queries, services, setup
from eventhub.meetings.availability import free_slots
from eventhub.registration.delegations.services import delegation_by_token
from eventhub.registration.models import Registration
from eventhub.registration.services import by_token

bp = Blueprint("meetings", __name__)
keep_tokens_private(bp)

OWN = "/registrations/<token>/meetings"
HEAD = "/delegations/<token>/delegates/<int:delegate_id>/meetings"
OWN_DEFAULTS = {"delegate_id": None}


@dataclass
class Who:
    """The person whose meetings these are, who acts (for the audit trail), and the arguments of their URLs."""

    registration: Registration
    actor: Actor
    url_args: dict
    by_head: bool


def who(token: str, delegate_id: int | None) -> Who:
    """The person behind the link, or 404: a manage link, or a head's link and one of their delegates."""
    if delegate_id is None:
        registration = found_or_404(by_token(token))
        return Who(registration, Actor("registrant"), {"token": token}, False)
    delegation = found_or_404(delegation_by_token(token))
    registration = db.session.get(Registration, delegate_id)
    if registration is None or registration.delegation_id != delegation.id:
        found_or_404(None)
    return Who(registration, Actor("head of delegation"), {"token": token, "delegate_id": delegate_id}, True)


def _back(person: Who, anchor: str | None = None):
    return redirect(url_for("meetings.mine", **person.url_args, _anchor=anchor))


def _future_slots(registration: Registration):
    return [slot for slot in setup.slots(registration.event) if slot.start_at > utcnow()]


def _act(form, action, *args):
    """Call one service in one unit of work and return what it returns; a refusal is flashed (the page then
    shows what stands now) and None returned."""
    if not form.validate_on_submit():
        flash(_("Nothing was changed: the form has expired. Please try again."), "error")
        return None
    try:
        with atomic():
            return action(*args)
    except ValidationError as error:
        flash(" ".join(error.messages), "error")
    except Refused as refused:
        flash(refused.message, "error")
    return None


@bp.route(OWN, defaults=OWN_DEFAULTS)
@bp.route(HEAD)
def mine(token: str, delegate_id: int | None):
    """The person's meetings and requests, with the forms to answer those waiting for them."""
    person = who(token, delegate_id)
    registration = person.registration
    requests = queries.requests_of(registration)
    future = _future_slots(registration)
    proposable = {}
    for item in requests:
        if item.awaiting_id == registration.id:
            offered = {slot.id for slot in item.open_slots}
            both = free_slots([item.requester_id, item.recipient_id], future)
            proposable[item.id] = [slot for slot in both if slot.id not in offered]
    return render_template(
        "meetings/mine.html", event=registration.event, registration=registration, person=person,
        meetings=queries.meetings_of(registration), requests=requests, proposable=proposable,
        accept_form=forms.AcceptForm(formdata=None), propose_form=forms.ProposeForm(formdata=None),
        action_form=forms.ActionForm(formdata=None), can_request=registration.status == "confirmed" and bool(future))


@bp.route(OWN + "/request", methods=["GET", "POST"], defaults=OWN_DEFAULTS)
@bp.route(HEAD + "/request", methods=["GET", "POST"])
def new_request(token: str, delegate_id: int | None):
    """Ask another listed participant for a meeting at one to three times when both are free."""
    person = who(token, delegate_id)
    registration = person.registration
    form = forms.RequestForm()
    partners = queries.partners(registration)
    form.recipient_id.choices = [SelectChoice("", _("Choose a participant"))] + [
        SelectChoice(str(p.id), f"{p.full_name} — {p.organisation_display}" if p.organisation_display else p.full_name)
        for p in partners]
    chosen_id = as_id(form.recipient_id.data if request.method == "POST" else request.args.get("to"))
    chosen = next((p for p in partners if p.id == chosen_id), None)
    if request.method == "GET" and chosen is not None:
        form.recipient_id.data = str(chosen.id)
    people = [registration.id] + ([chosen.id] if chosen else [])
    slots = free_slots(people, _future_slots(registration))
    form.slot_ids.choices = [SelectChoice(str(slot.id), slot_label(slot, registration.event)) for slot in slots]
    if registration.status != "confirmed":
        flash(_("Meetings are for confirmed participants of the event."), "error")
        return _back(person)
    if form.validate_on_submit():
        recipient = db.session.get(Registration, chosen_id) if chosen_id else None
        data = {"slot_ids": form.slot_ids.data, "message": form.message.data}
        try:
            with atomic():
                made = services.request_meeting(registration, recipient, data, person.actor)
        except ValidationError as error:
            form.add_service_errors(error.errors)
        except Refused as refused:
            form.refuse(refused)
        else:
            flash(_("Your request is sent to %(name)s; you will hear by e-mail when they answer.",
                    name=made.recipient.full_name), "success")
            return _back(person, "requests")
    return render_template("meetings/request.html", event=registration.event, registration=registration,
                           person=person, form=form, chosen=chosen, partners=partners)


def slot_label(slot, event) -> str:
    """A slot as people read it: its day and times in the event's timezone."""
    from eventhub.core.formatting import format_in_zone, format_time_in_zone

    return f"{format_in_zone(slot.start_at, event.timezone)} – {format_time_in_zone(slot.end_at, event.timezone)}"


def _request_or_404(person: Who, request_id: int):
    return found_or_404(queries.request_of(person.registration, request_id))


@bp.post(OWN + "/requests/<int:request_id>/accept", defaults=OWN_DEFAULTS)
@bp.post(HEAD + "/requests/<int:request_id>/accept")
def accept(token: str, request_id: int, delegate_id: int | None):
    """Accept one proposed time: a table is booked."""
    person = who(token, delegate_id)
    item = _request_or_404(person, request_id)
    form = forms.AcceptForm()
    if meeting := _act(form, services.accept, item, form.slot_id.data, person.registration, person.actor):
        flash(_("The meeting with %(name)s is booked at %(table)s.", name=item.other(person.registration.id).full_name,
                table=meeting.area.name), "success")
        return _back(person, "meetings")
    return _back(person, f"request-{item.id}")


@bp.post(OWN + "/requests/<int:request_id>/propose", defaults=OWN_DEFAULTS)
@bp.post(HEAD + "/requests/<int:request_id>/propose")
def propose(token: str, request_id: int, delegate_id: int | None):
    """Answer with other times."""
    person = who(token, delegate_id)
    item = _request_or_404(person, request_id)
    form = forms.ProposeForm()
    if _act(form, services.propose, item, {"slot_ids": form.slot_ids.data}, person.registration, person.actor):
        flash(_("Your times are sent to %(name)s.", name=item.other(person.registration.id).full_name), "success")
    return _back(person, f"request-{item.id}")


@bp.post(OWN + "/requests/<int:request_id>/decline", defaults=OWN_DEFAULTS)
@bp.post(HEAD + "/requests/<int:request_id>/decline")
def decline(token: str, request_id: int, delegate_id: int | None):
    """Decline a request (the e-mail to the other person gives no reason)."""
    person = who(token, delegate_id)
    item = _request_or_404(person, request_id)
    if _act(forms.ActionForm(), services.decline, item, person.registration, person.actor):
        flash(_("The request is declined."), "success")
    return _back(person, "requests")


@bp.post(OWN + "/requests/<int:request_id>/withdraw", defaults=OWN_DEFAULTS)
@bp.post(HEAD + "/requests/<int:request_id>/withdraw")
def withdraw(token: str, request_id: int, delegate_id: int | None):
    """Take back one's own unanswered request."""
    person = who(token, delegate_id)
    item = _request_or_404(person, request_id)
    if _act(forms.ActionForm(), services.withdraw, item, person.registration, person.actor):
        flash(_("Your request is withdrawn."), "success")
    return _back(person, "requests")


@bp.post(OWN + "/<int:meeting_id>/cancel", defaults=OWN_DEFAULTS)
@bp.post(HEAD + "/<int:meeting_id>/cancel")
def cancel(token: str, meeting_id: int, delegate_id: int | None):
    """Cancel a booked meeting; the other person is told and the table is free again."""
    person = who(token, delegate_id)
    meeting = found_or_404(queries.meeting_of(person.registration, meeting_id))
    if _act(forms.ActionForm(), services.cancel_meeting, meeting, person.registration, person.actor):
        flash(_("The meeting is cancelled."), "success")
    return _back(person, "meetings")


@bp.app_template_global()
def meetings_for_agenda(registration) -> list:
    """The person's booked meetings, for their personal agenda page (templates/agenda/personal.html)."""
    return queries.meetings_of(registration)
