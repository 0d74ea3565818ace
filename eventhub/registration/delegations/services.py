"""City delegations: a head of delegation registers several named delegates of one organisation.

Each delegate is an ordinary registration (own status, manage link and e-mail) under the same rules
and the same event lock as individual registrations in eventhub.registration.services; a delegate
whose earlier registration was cancelled or rejected is brought back on that row (see reactivation).
"""
from flask_babel import gettext as _
from sqlalchemy import select

from eventhub.audit.services import REGISTRANT, SYSTEM, Actor, record
from eventhub.core import capacity
from eventhub.core.errors import Refused
from eventhub.core.validation import Collector, text_value
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration import reactivation, rules
from eventhub.registration.models import Delegation, Registration
from eventhub.registration.notifications import notify_delegation_head
from eventhub.registration.services import (
    check_consent,
    clean_organisation_choice,
    clean_person,
    create_registration,
    fill_places,
    new_token,
)


def register_delegation(event: Event, data: dict, actor: Actor = REGISTRANT, organiser: bool = False) -> Delegation:
    """Register a head of delegation's named delegates of one organisation in one go (all or none).

    data: head_name, head_email, organisation_id / organisation_name, privacy_consent, and
    delegates: a list of person dicts. Field errors are keyed "delegates-<n>-<field>".
    """
    if not organiser and (reason := rules.why_closed(event)):
        raise Refused("closed", reason)
    errors = Collector()
    head_name = text_value(data, "head_name", 200, errors, required=True)
    head_email = (text_value(data, "head_email", 254, errors, required=True) or "").lower()
    organisation, organisation_name = clean_organisation_choice(data, errors)
    check_consent(data, errors, organiser)
    rows = [row for row in data.get("delegates") or [] if any(str(v).strip() for k, v in row.items() if k != "category")]
    if not rows:
        errors.add("delegates", _("Add at least one delegate."))
    people = [clean_person(event, row, errors, organiser, prefix=f"delegates-{n}-") for n, row in enumerate(rows)]
    emails = [p["email"] for p in people if p["email"]]
    for n, person in enumerate(people):
        if person["email"] and emails.count(person["email"]) > 1:
            errors.add(f"delegates-{n}-email", _("This email appears twice in the delegation."))
    errors.raise_if_any()
    capacity.lock(Event, event.id)
    try:
        rules.check_eligible(event, organisation)
        previous = reactivation.previous_registrations(event, emails)
        rules.check_quota(event, organisation, adding=len(people))
        fill_places(event, SYSTEM)
        delegation = Delegation(
            event_id=event.id, organisation=organisation, organisation_name=organisation_name,
            head_name=head_name, head_email=head_email, manage_token=new_token(),
        )
        db.session.add(delegation)
        for person in people:
            create_registration(event, person, organisation, organisation_name, actor, delegation,
                                previous.get(person["email"]), organiser)
        record(actor, "delegation.created", delegation, event.id, {"delegates": len(people)})
        notify_delegation_head(delegation)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return delegation


def add_delegate(delegation: Delegation, data: dict, actor: Actor = REGISTRANT, organiser: bool = False) -> Registration:
    """Add one more delegate to a delegation, under the same rules as the first ones."""
    event = delegation.event
    if not organiser and (reason := rules.why_closed(event)):
        raise Refused("closed", reason)
    errors = Collector()
    person = clean_person(event, data, errors, organiser)
    errors.raise_if_any()
    capacity.lock(Event, event.id)
    try:
        previous = reactivation.previous_registrations(event, [person["email"]])
        rules.check_quota(event, delegation.organisation)
        fill_places(event, SYSTEM)
        registration = create_registration(event, person, delegation.organisation, delegation.organisation_name, actor,
                                           delegation, previous.get(person["email"]), organiser)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return registration


def delegation_by_token(token: str) -> Delegation | None:
    """The delegation behind a head of delegation's manage link."""
    return db.session.scalar(select(Delegation).where(Delegation.manage_token == token)) if token else None
