"""Registering again after a cancellation: the old row comes back instead of a "duplicate" refusal.

An email is unique per event (uq_registrations_event_email), and a cancelled or rejected
registration keeps its row, so the audit trail and the CSV still show it. When the same address
registers again (public form, delegation, organiser, API), that row is reused. The callers hold the
event lock (eventhub.core.capacity) from before the email check until the commit, exactly as for a new
registration, so the place, the quota and the waiting list are decided under the same lock.

The choices, and why:
- A cancelled registration is decided like a new one (rules.place): approval for non-members,
  a free place, else the END of the waiting list — joining it again takes today's date, so
  someone who left cannot come back ahead of the people who waited.
- A rejected registration was turned down by an organiser. Registering again through the public
  form or a delegation does not overturn that decision, nor is it silently refused: it goes back
  to the organisers as "pending", whatever the capacity and member policy would say. When an
  organiser registers the person (organiser pages, API), that is the organisers' decision, and it
  is decided as a new registration.
- The manage link is renewed and the old one stops working: a cancelled person may have forwarded
  or shared it, and whoever holds it could otherwise change or cancel the new registration. The
  personal calendar feed token is cleared for the same reason (the manage page showed its URL);
  a new one is made when the new manage page first shows it.
- created_at becomes now: it is what the organiser pages, the CSV and the API show as
  "registered", and the order of the list. The old values are kept in the audit entry.
- Everything typed this time replaces the old details and answers; what they were before is
  written in the "registration.reactivated" audit entry, so nothing is lost either way.
"""
from sqlalchemy import select

from eventhub.audit.services import Actor, record
from eventhub.core.types import utcnow
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.members.models import Organisation
from eventhub.registration import rules
from eventhub.registration.models import ACTIVE_STATUSES, Delegation, Registration
from eventhub.registration.notifications import notify

# Registrations that no longer hold or wait for a place and may be brought back.
INACTIVE_STATUSES = ("cancelled", "rejected")
# What a reactivation may change, and so what its audit entry compares.
DETAILS = ("full_name", "position", "organisation_id", "organisation_name", "category", "answers", "listed",
           "delegation_id", "created_at")


def previous_registrations(event: Event, emails: list[str]) -> dict[str, Registration]:
    """The event's cancelled or rejected registrations with these emails, by email, to bring back.

    Refuses (reason "duplicate") when one of the emails still has an active registration: that
    person is registered already and should use their manage link.
    """
    query = select(Registration).where(Registration.event_id == event.id, Registration.email.in_(emails))
    found = list(db.session.scalars(query.order_by(Registration.id)))
    active = next((r for r in found if r.status in ACTIVE_STATUSES), None)
    if active is not None:
        raise rules.duplicate(event, active.email)
    return {r.email: r for r in found if r.status in INACTIVE_STATUSES}


def reactivate(registration: Registration, person: dict, organisation: Organisation | None,
               organisation_name: str | None, actor: Actor, delegation: Delegation | None, manage_token: str,
               organiser: bool = False) -> Registration:
    """Bring back a cancelled or rejected registration with the new details, answers and status.

    `person` is what clean_person returned; `manage_token` the new secret of the manage link.
    Writes the audit entry and queues the same e-mail a new registrant gets; the caller commits.
    """
    event, previous = registration.event, registration.status
    before = {field: getattr(registration, field) for field in DETAILS}
    with db.session.no_autoflush:
        for field, value in person.items():
            setattr(registration, field, value)
        registration.organisation, registration.organisation_name = organisation, organisation_name
        registration.delegation = delegation
        registration.manage_token, registration.calendar_token = manage_token, None
        # A new invitation must outrank the CANCEL that withdrew the old one (same UID).
        registration.invitation_sequence += 1
        registration.privacy_consent_at = registration.created_at = utcnow()
        registration.waitlisted_at = None
        if previous == "rejected" and not organiser:
            registration.status = "pending"
        else:
            rules.place(event, registration, organisation)
        registration.refresh_search_text()
    # The new values of the foreign keys (and a new delegation's id) exist once flushed.
    db.session.flush()
    changes = {field: [_plain(before[field]), _plain(getattr(registration, field))]
               for field in DETAILS if before[field] != getattr(registration, field)}
    record(actor, "registration.reactivated", registration, event.id,
           {"status": [previous, registration.status], **changes})
    notify(registration, registration.status)
    return registration


def _plain(value):
    """Audit entries are JSON: dates as ISO text, the rest as it is."""
    return value.isoformat() if hasattr(value, "isoformat") else value
