"""Registration, step two: decide. Is the form open, may this organisation's people come, is anyone
registered already, does the quota allow it, and which status does each person get.

Nothing here writes. The decisions that count places (check_quota, status_for) are taken under the
event's lock (eventhub.core.capacity), which services.py holds from the first check to the commit.

Registering again after a cancellation: an email is unique per event, and a cancelled or rejected
registration keeps its row (so the trail and the CSV still show it). When the same address registers
again, that row is brought back instead of a "duplicate" refusal, and decided like this:
- a cancelled registration is decided like a new one: approval for non-members, a free place, else
  the END of the waiting list (someone who left cannot come back ahead of the people who waited);
- a rejected registration was turned down by an organiser. Registering again through the public form
  or a delegation does not overturn that, nor is it silently refused: it goes back to the organisers
  as "pending". When an organiser registers the person (organiser pages, API), that is the organisers'
  decision, and it is decided as a new registration.
"""
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from eventhub.audit.models import AuditEntry
from eventhub.core import capacity
from eventhub.core.errors import Refused
from eventhub.core.types import utcnow
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.members.models import Organisation, network_members
from eventhub.registration.models import ACTIVE_STATUSES, Registration

# Registrations that no longer hold or wait for a place and may be brought back.
INACTIVE_STATUSES = ("cancelled", "rejected")
# A registration from a public form whose address is not proven yet: it may be made again.
UNCONFIRMED = "unconfirmed"


def confirm_hours() -> int:
    """How long a public registration may wait for its address to be confirmed (REGISTRATION_CONFIRM_HOURS)."""
    return current_app.config["REGISTRATION_CONFIRM_HOURS"]


def expired(made_at: datetime, now: datetime | None = None) -> bool:
    """Whether a request made at `made_at` waited too long for its address to be confirmed."""
    return (now or utcnow()) - made_at > timedelta(hours=confirm_hours())


def was_rejected(registration: Registration) -> bool:
    """Whether organisers ever turned this registration down (its trail says so)."""
    return capacity.count(select(AuditEntry.id).where(
        AuditEntry.subject_type == "registration", AuditEntry.subject_id == registration.id,
        AuditEntry.action == "registration.rejected")) > 0


def why_closed(event: Event, now: datetime | None = None) -> str | None:
    """Why the public form is not open now, or None when it is."""
    now = now or utcnow()
    if event.status != "published":
        return _("This event is not open for registration.")
    if event.registration_opens and now < event.registration_opens:
        return _("Registration has not opened yet.")
    if event.registration_closes and now >= event.registration_closes:
        return _("Registration has closed.")
    if now >= event.end_at:
        return _("This event is over.")
    return None


def check_not_anonymised(event: Event) -> None:
    """An event whose registrations were anonymised (retention.py) takes no new personal data, not even
    from organisers: the statistics it keeps would mix with names it no longer should hold."""
    if event.anonymised_at is not None:
        raise Refused("anonymised", _("The registrations of %(event)s were anonymised: it takes no more.",
                                      event=event.localized("title")))


def check_open(event: Event, organiser: bool = False) -> None:
    """Refuse (closed) when the public form is not open; organisers register people at any time."""
    if not organiser and (reason := why_closed(event)):
        raise Refused("closed", reason)


def check_eligible(event: Event, organisation: Organisation | None) -> None:
    """A network meeting restricted to a network takes only people of its member organisations."""
    if event.network_id is None:
        return
    if organisation is None:
        raise Refused(
            "not_eligible",
            _("%(event)s is open only to members of %(network)s. Choose your organisation from the member "
              "records; if it is a member but not listed, please contact the organisers.",
              event=event.localized("title"), network=event.network.name),
            "organisation_id",
        )
    member = capacity.count(
        select(network_members.c.organisation_id).where(
            network_members.c.network_id == event.network_id, network_members.c.organisation_id == organisation.id
        )
    )
    if not member:
        raise Refused(
            "not_eligible",
            _("%(event)s is open only to members of %(network)s, and %(organisation)s is not one of them.",
              event=event.localized("title"), network=event.network.name, organisation=organisation.name),
            "organisation_id",
        )


def duplicate(event: Event, email: str) -> Refused:
    """The refusal for an email that already has a registration for the event."""
    return Refused(
        "duplicate",
        _("%(email)s is already registered for %(event)s. We can e-mail the link to manage that registration "
          "again.", email=email, event=event.localized("title")),
        "email",
    )


def previous_registrations(event: Event, emails: list[str], exclude_id: int | None = None) -> dict[str, Registration]:
    """The event's cancelled or rejected registrations with these emails, by email, to bring back.

    Refuses (duplicate) when one of the emails still has an active registration (other than
    `exclude_id`'s): that person is registered already and should use their manage link.
    """
    query = select(Registration).where(Registration.event_id == event.id, Registration.email.in_(emails))
    if exclude_id is not None:
        query = query.where(Registration.id != exclude_id)
    found = list(db.session.scalars(query.order_by(Registration.id)))
    active = next((r for r in found if r.status in ACTIVE_STATUSES), None)
    if active is not None:
        raise duplicate(event, active.email)
    return {r.email: r for r in found if r.status in (*INACTIVE_STATUSES, UNCONFIRMED)}


def needs_approval(event: Event, organisation: Organisation | None) -> bool:
    """Non-members and unlisted organisations wait for an organiser when the event says so."""
    if event.non_member_policy != "approve":
        return False
    return organisation is None or organisation.status != "member"


def membership_counts(event: Event) -> bool:
    """Whether being a member changes anything here: a network meeting, or non-members approved first."""
    return event.network_id is not None or event.non_member_policy == "approve"


def claim_proven(organisation: Organisation | None, email: str) -> bool:
    """Whether an address backs the claim to belong to an organisation: its domain (or a subdomain of
    it) is one of the organisation's e-mail domains. An organisation without recorded domains cannot
    be checked, and its claims are taken as they come."""
    domains = organisation.email_domains if organisation is not None else None
    if not domains:
        return True
    domain = email.rpartition("@")[2].lower()
    return any(domain == known or domain.endswith("." + known) for known in domains)


def status_for(event: Event, organisation: Organisation | None, previous: str | None = None,
               organiser: bool = False, email: str = "") -> str:
    """The status a new (or returning) registration gets: pending when the organisers approve it first,
    confirmed when a place is free, else waitlisted. `previous` is the status of a row being brought back.

    Where membership counts, a claim to a member organisation from an address outside its domains
    goes to the organisers (anyone can pick any city from the list)."""
    if previous == "rejected" and not organiser:
        return "pending"
    if needs_approval(event, organisation):
        return "pending"
    if not organiser and membership_counts(event) and not claim_proven(organisation, email):
        return "pending"
    return "confirmed" if capacity.has_place(event.capacity, confirmed_count(event)) else "waitlisted"


def active_count(event: Event, organisation_id: int, exclude_ids=()) -> int:
    """Registrations of one organisation that still hold or wait for a place."""
    query = select(Registration.id).where(
        Registration.event_id == event.id,
        Registration.organisation_id == organisation_id,
        Registration.status.in_(ACTIVE_STATUSES),
    )
    if exclude_ids:
        query = query.where(Registration.id.not_in(list(exclude_ids)))
    return capacity.count(query)


def check_quota(event: Event, organisation: Organisation | None, adding: int = 1, exclude_ids=()) -> None:
    """Refuse when the organisation would have more active delegates than the event allows."""
    if event.delegate_quota is None or organisation is None:
        return
    current = active_count(event, organisation.id, exclude_ids)
    if current + adding > event.delegate_quota:
        left = max(event.delegate_quota - current, 0)
        raise Refused(
            "over_quota",
            ngettext("%(event)s takes at most %(quota)d delegates per organisation; %(organisation)s has %(num)d "
                     "place left.",
                     "%(event)s takes at most %(quota)d delegates per organisation; %(organisation)s has %(num)d "
                     "places left.", left, event=event.localized("title"), quota=event.delegate_quota,
                     organisation=organisation.name),
            "organisation_id",
        )


def check_move(registration: Registration, organisation: Organisation | None, email: str) -> None:
    """A registration changing organisation or email: the new organisation must be eligible and within
    its quota, and the new email not registered already."""
    event = registration.event
    if organisation is not None and organisation.id != registration.organisation_id:
        check_eligible(event, organisation)
        check_quota(event, organisation, exclude_ids=[registration.id])
    if email != registration.email:
        taken = db.session.scalars(select(Registration).where(
            Registration.event_id == event.id, Registration.email == email, Registration.id != registration.id)).first()
        if taken is not None:
            raise duplicate(event, taken.email)


def confirmed_count(event: Event) -> int:
    """Confirmed registrations: the places taken."""
    return capacity.count(
        select(Registration.id).where(Registration.event_id == event.id, Registration.status == "confirmed")
    )


def waitlisted_query(event: Event):
    """The event's waiting list in order."""
    return (
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "waitlisted")
        .order_by(*capacity.waitlist_order(Registration))
    )


def waitlist_position(registration: Registration) -> int | None:
    """1-based place on the waiting list, None when not waitlisted."""
    if registration.status != "waitlisted":
        return None
    same_pool = (Registration.event_id == registration.event_id) & (Registration.status == "waitlisted")
    return capacity.position(Registration, registration, same_pool)


def waitlist_positions(event: Event) -> dict[int, int]:
    """Every waitlisted registration's position, in one query."""
    return capacity.positions(Registration, (Registration.event_id == event.id) & (Registration.status == "waitlisted"))
