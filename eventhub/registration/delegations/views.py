"""Delegation pages: a head of delegation registers, adds and withdraws named delegates of one organisation."""
from collections import Counter

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from eventhub.core import languages
from eventhub.core.loading import found_or_404, get_or_404
from eventhub.events.access import get_event
from eventhub.registration import cleaning, rules, services, throttle
from eventhub.registration.delegations import bp
from eventhub.registration.delegations import services as delegations
from eventhub.registration.delegations.forms import add_delegate_form, delegation_form
from eventhub.registration.forms import ConfirmAddressForm, WithdrawForm
from eventhub.registration.models import Registration
from eventhub.registration.questions import event_questions
from eventhub.registration.views import UNCHOSEN, check_meanwhile, form_page, sent, signed_in_organiser, submit


def delegation_message(delegation) -> str:
    """How many delegates got a place, wait for one, or wait for approval."""
    counts = Counter(r.status for r in delegation.registrations)
    return _("Delegation registered: %(confirmed)d confirmed, %(waitlisted)d on the waiting list, %(pending)d "
             "awaiting approval. Each delegate receives their own link by e-mail. Keep this page's address: it is "
             "your link to this delegation.", confirmed=counts["confirmed"], waitlisted=counts["waitlisted"],
             pending=counts["pending"])


def added_message(registration) -> str:
    """What became of a delegate the head just added."""
    name = registration.full_name
    if registration.status == "waitlisted":
        return _("%(name)s is added as number %(position)d on the waiting list.", name=name,
                 position=rules.waitlist_position(registration))
    if registration.status == "pending":
        return _("%(name)s is added and awaits approval by the organisers.", name=name)
    return _("%(name)s is added; their place is confirmed.", name=name)


def delegation_or_404(token: str):
    """The delegation behind a head of delegation's link."""
    return found_or_404(delegations.delegation_by_token(token))


def quota_left(delegation) -> int | None:
    """Places the delegation's organisation still has under the event's quota (None: no quota applies)."""
    event = delegation.event
    if event.delegate_quota is None or delegation.organisation_id is None:
        return None
    return max(event.delegate_quota - rules.active_count(event, delegation.organisation_id), 0)


@bp.route("/events/<slug>/register/delegation", methods=["GET", "POST"])
def register_delegation(slug: str):
    """Register several named delegates of one organisation in one submission (all or none); throttle.charge
    counts the delegations sent, not the forms that came back with a mistake."""
    event = get_event(slug)
    closed, questions = rules.why_closed(event), event_questions(event)
    form = delegation_form(event, questions)
    if not closed and form.add_rows.data:
        form.add_more_rows()
    elif not closed and form.validate_on_submit():
        organisation = form.organisation_data()
        # The head and every delegate are written to in the language of the form the head used.
        data = {"head_name": form.head_name.data, "head_email": form.head_email.data, **(organisation or UNCHOSEN),
                "privacy_consent": form.privacy_consent.data, "delegates": form.delegates_data(questions),
                "locale": languages.current()}
        if organisation is None:
            check_meanwhile(form, cleaning.clean_delegation, event, data)
        elif signed_in_organiser():
            if delegation := submit(form, delegations.register_delegation, event, data):
                flash(delegation_message(delegation), "success")
                return redirect(url_for(".delegation", token=delegation.manage_token))
        elif submit(form, request_delegation, event, data):
            return sent(slug, form.head_email.data)
    return form_page(form, "registration/delegation_form.html", event=event, questions=questions, closed=closed)


@bp.route("/delegations/<token>", methods=["GET", "POST"])
def delegation(token: str):
    """The delegation's page: its delegates with their statuses; add one more (each added one is counted)."""
    delegation = delegation_or_404(token)
    event = delegation.event
    closed, questions = rules.why_closed(event), event_questions(event)
    form = add_delegate_form(event, questions)
    if not closed and form.validate_on_submit():
        person = {**form.person_data(questions), "locale": languages.current()}
        if registration := submit(form, add_and_charge, delegation, person):
            flash(added_message(registration), "success")
            return redirect(url_for(".delegation", token=token))
    return form_page(form, "registration/delegation.html", delegation=delegation, event=event, questions=questions,
                     closed=closed, positions=rules.waitlist_positions(event), quota_left=quota_left(delegation),
                     confirm_form=ConfirmAddressForm() if delegation.confirmed_at is None else None)


def request_delegation(event, data):
    """A public delegation waits for its head to confirm the address; charged to this visitor's budgets."""
    delegation = delegations.register_delegation(event, data)
    throttle.charge(people=len(delegation.registrations), recipients=1, organisation_id=delegation.organisation_id)
    return delegation


def add_and_charge(delegation, person: dict):
    """One more delegate from the head's link: one submission of this visitor's budget."""
    registration = delegations.add_delegate(delegation, person)
    throttle.charge()
    return registration


def confirm_and_charge(delegation):
    """Confirming e-mails every delegate: that is charged to the head's budget of recipients."""
    waiting = services.confirm_delegates(delegation)
    throttle.charge(recipients=len(waiting))
    return delegation


@bp.route("/delegations/<token>/confirm", methods=["POST"])
def confirm(token: str):
    """The head's mailed link, confirmed: the delegates now take their places (or queue) and are e-mailed."""
    delegation = delegation_or_404(token)
    form = ConfirmAddressForm()
    if form.validate_on_submit():
        if submit(form, confirm_and_charge, delegation):
            flash(delegation_message(delegation), "success")
        elif form.refusal:
            flash(form.refusal.message, "error")
    return redirect(url_for(".delegation", token=token))


@bp.route("/delegations/<token>/withdraw", methods=["GET", "POST"])
def withdraw(token: str):
    """Withdraw one delegate after a confirmation; only delegates of this delegation can be reached."""
    delegation = delegation_or_404(token)
    form = WithdrawForm(data={"delegate": request.args.get("delegate")})
    # Only a delegate of this delegation: the head's link reaches no one else's registration.
    delegate = get_or_404(Registration, form.delegate.data, delegation_id=delegation.id)
    if form.validate_on_submit() and submit(form, services.cancel, delegate):
        flash(_("%(name)s is withdrawn from the delegation.", name=delegate.full_name), "success")
        return redirect(url_for(".delegation", token=token))
    return render_template("registration/confirm.html", form=form, registration=delegate, event=delegation.event,
                           back=url_for(".delegation", token=token))
