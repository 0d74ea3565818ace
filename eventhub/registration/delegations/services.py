"""City delegations: a head of delegation registers several named delegates of one organisation.

Each delegate is an ordinary registration (own status, manage link and e-mail), cleaned, decided and
written in the same single pass and under the same event lock as one person's registration
(registration/services.enrol); a delegate whose earlier registration was cancelled or rejected is
brought back on that row.
"""

from eventhub.audit.services import REGISTRANT, Actor, record
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration import cleaning, rules
from eventhub.registration.cleaning import Applicants
from eventhub.registration.models import Delegation, Registration
from eventhub.registration.notifications import notify_delegation_head
from eventhub.registration.services import enrol


def register_delegation(event: Event, data: dict, actor: Actor = REGISTRANT, organiser: bool = False) -> Delegation:
    """Register a head of delegation's named delegates of one organisation in one go (all or none).

    data: head_name, head_email, organisation_id / organisation_name, privacy_consent, and
    delegates: a list of person dicts. Field errors are keyed "delegates-<n>-<field>".
    """
    rules.check_open(event, organiser)
    applicants = cleaning.clean_delegation(event, data, organiser)
    delegation = Delegation(
        event_id=event.id, organisation=applicants.organisation, organisation_name=applicants.organisation_name,
        head_name=applicants.head["name"], head_email=applicants.head["email"],
    )
    delegation.issue_manage_token()
    # Added once the rules have let every delegate in: a refusal leaves no delegation row behind.
    people = enrol(event, applicants, actor, organiser, delegation)
    db.session.add(delegation)
    record(actor, "delegation.created", delegation, event.id, {"delegates": len(people)})
    notify_delegation_head(delegation)
    return delegation


def add_delegate(delegation: Delegation, data: dict, actor: Actor = REGISTRANT, organiser: bool = False) -> Registration:
    """Add one more delegate to a delegation, under the same rules as the first ones."""
    event = delegation.event
    rules.check_open(event, organiser)
    person = cleaning.clean_delegate(event, data, organiser)
    applicants = Applicants([person], delegation.organisation, delegation.organisation_name)
    return enrol(event, applicants, actor, organiser, delegation)[0]


def delegation_by_token(token: str) -> Delegation | None:
    """The delegation behind a head of delegation's manage link (found by the token's digest)."""
    return Delegation.by_secret("manage", token)
