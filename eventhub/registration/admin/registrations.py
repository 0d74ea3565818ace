"""Organiser pages for one registration (its actions, detail and organisation link) and the participation
overview. The list, its CSV and its bulk actions are in listing.py."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.audit.services import Actor, history
from eventhub.auth.access import organiser_required
from eventhub.core.errors import Refused
from eventhub.core.loading import get_or_404
from eventhub.core.signals import answers, badge_states
from eventhub.core.transaction import atomic
from eventhub.core.urls import safe_redirect_target
from eventhub.events.access import get_event
from eventhub.extensions import db
from eventhub.members.models import Organisation
from eventhub.members.services import search_organisations
from eventhub.registration import queries, rules, services
from eventhub.registration.admin import bp
from eventhub.registration.admin.forms import ACTIONS, ActionForm, LinkForm
from eventhub.registration.bulk_actions import ACTIONS_FOR_STATUS, SERVICE_FOR_ACTION
from eventhub.registration.models import STATUSES, Registration
from eventhub.registration.questions import event_questions

# How many member records the link search offers at once.
LINK_CANDIDATES = 10


def registration_or_404(event, registration_id: int) -> Registration:
    """A registration of this event: an id from another event is 404, not a way around the URL."""
    return get_or_404(Registration, registration_id, event_id=event.id)


def _apply(action: str, registration: Registration) -> str | None:
    """Run one action through its service; the refusal message, or None when it was done."""
    try:
        with atomic():
            SERVICE_FOR_ACTION[action](registration, Actor.for_user(current_user))
    except Refused as refused:
        return refused.message
    return None


@bp.post("/registrations/<int:registration_id>/action")
@organiser_required
def change_status(slug: str, registration_id: int):
    """Approve, reject, cancel or promote one registration."""
    event = get_event(slug, manage=True)
    registration = registration_or_404(event, registration_id)
    form = ActionForm()
    fallback = url_for(".detail", slug=slug, registration_id=registration.id)
    if not form.validate_on_submit():
        flash(_("Nothing was changed: choose an action."), "error")
    elif refusal := _apply(form.action.data, registration):
        flash(_("%(name)s: %(reason)s", name=registration.full_name, reason=refusal), "error")
    else:
        flash(_("%(name)s is now: %(status)s.", name=registration.full_name, status=_(registration.status_label)),
              "success")
    return redirect(safe_redirect_target(form.next.data, fallback))


@bp.route("/registrations/<int:registration_id>")
@organiser_required
def detail(slug: str, registration_id: int):
    """Everything about one registration: details, answers, the audit trail, and linking its organisation."""
    event = get_event(slug, manage=True)
    registration = registration_or_404(event, registration_id)
    org_q = request.args.get("org_q", registration.organisation_name or "").strip()
    candidates = []
    if registration.organisation_id is None and org_q:
        candidates = list(db.session.scalars(search_organisations(q=org_q).limit(LINK_CANDIDATES)))
    return render_template(
        "registration/admin/detail.html", event=event, registration=registration, org_q=org_q,
        candidates=candidates, questions=event_questions(event), trail=history(registration),
        badge=answers(badge_states, event, registration_ids=[registration.id]).get(registration.id),
        position=rules.waitlist_position(registration), actions=ACTIONS,
        actions_for_status=ACTIONS_FOR_STATUS, action_form=ActionForm(), link_form=LinkForm(),
    )


@bp.post("/registrations/<int:registration_id>/link")
@organiser_required
def link(slug: str, registration_id: int):
    """Link the organisation name a person typed to a member record."""
    event = get_event(slug, manage=True)
    registration = registration_or_404(event, registration_id)
    form = LinkForm()
    organisation = db.session.get(Organisation, form.organisation_id.data) if form.validate_on_submit() else None
    if organisation is None:
        flash(_("Nothing was changed: choose a member record."), "error")
    else:
        with atomic():
            services.link_organisation(registration, organisation, Actor.for_user(current_user))
        flash(_("%(name)s is now linked to %(organisation)s.", name=registration.full_name,
                organisation=organisation.name), "success")
    return redirect(url_for(".detail", slug=slug, registration_id=registration.id))


@bp.route("/participation")
@organiser_required
def participation(slug: str):
    """Confirmed and waitlisted people by world region, country and kind of organisation."""
    event = get_event(slug, manage=True)
    return render_template(
        "registration/admin/participation.html", event=event, overview=queries.participation_overview(event),
        counts=queries.status_counts(event), statuses=STATUSES,
    )

