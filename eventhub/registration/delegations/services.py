"""City delegations: a head of delegation registers several named delegates of one organisation.

Each delegate is an ordinary registration (own status, manage link and e-mail), cleaned, decided and
written in the same single pass and under the same event lock as one person's registration
(registration/services.enrol); a delegate whose earlier registration was cancelled or rejected is
brought back on that row.
"""
from flask_babel import gettext as _

from eventhub.audit.services import REGISTRANT, Actor, record
from eventhub.core.errors import Refused
from eventhub.core.types import utcnow
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration import cleaning, rules
from eventhub.registration.cleaning import Applicants
from eventhub.registration.models import Delegation, Registration
from eventhub.registration.notifications import notify_delegation_head
from eventhub.registration.services import enrol


def register_delegation(event: Event, data: dict, actor: Actor = REGISTRANT, organiser: bool = False) -> Delegation:
    """Register a head of delegation's named delegates of one organisation in one go (all or none).

    data: head_name, head_email, organisation_id / organisation_name, privacy_consent, locale (the
    language of the head's e-mails and of each delegate's whose row names none; default: the form's on
    the public pages, the event's main language for organisers), and delegates: a list of person
    dicts. Field errors are keyed "delegates-<n>-<field>".
    """
    rules.check_open(event, organiser)
    applicants = cleaning.clean_delegation(event, data, organiser)
    delegation = Delegation(
        event_id=event.id, organisation=applicants.organisation, organisation_name=applicants.organisation_name,
        head_name=applicants.head["name"], head_email=applicants.head["email"],
        confirmed_at=utcnow() if organiser else None,
    )
    delegation.issue_manage_token()
    # Through the public form the delegates hold no place and hear nothing until the head confirms the
    # address through the mailed link (services.confirm_delegates). Added once the rules have let every
    # delegate in: a refusal leaves no delegation row behind.
    people = enrol(event, applicants, actor, organiser, delegation, unconfirmed=not organiser)
    db.session.add(delegation)
    record(actor, "delegation.created", delegation, event.id, {"delegates": len(people)})
    notify_delegation_head(delegation, applicants.head["locale"])
    return delegation


def add_delegate(delegation: Delegation, data: dict, actor: Actor = REGISTRANT, organiser: bool = False) -> Registration:
    """Add one more delegate to a delegation, under the same rules as the first ones."""
    event = delegation.event
    rules.check_open(event, organiser)
    if delegation.confirmed_at is None and not organiser:
        raise Refused("unconfirmed", _("Confirm the delegation first: press \"Confirm the delegation\" on this page."))
    person = cleaning.clean_delegate(event, data, organiser)
    applicants = Applicants([person], delegation.organisation, delegation.organisation_name)
    return enrol(event, applicants, actor, organiser, delegation)[0]


def delegation_by_token(token: str) -> Delegation | None:
    """The delegation behind a head of delegation's manage link (found by the token's digest)."""
    return Delegation.by_secret("manage", token)
