"""Who may register for an event and how: the window, eligibility, quotas, approval."""
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from eventhub.core import capacity
from eventhub.core.errors import Refused
from eventhub.core.types import utcnow
from eventhub.events.models import Event
from eventhub.members.models import Organisation, network_members
from eventhub.registration.models import ACTIVE_STATUSES, Registration


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


def check_eligible(event: Event, organisation: Organisation | None) -> None:
    """A network meeting restricted to a network takes only people of its member organisations."""
    if event.network_id is None:
        return
    if organisation is None:
        raise Refused(
            "not_eligible",
            _("%(event)s is open only to members of %(network)s. Choose your organisation from the member "
              "records; if it is a member but not listed, please contact the organisers.",
              event=event.title, network=event.network.name),
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
              event=event.title, network=event.network.name, organisation=organisation.name),
            "organisation_id",
        )


def duplicate(event: Event, email: str) -> Refused:
    """The refusal for an email that already has a registration for the event."""
    return Refused(
        "duplicate",
        _("%(email)s is already registered for %(event)s. We can e-mail the link to manage that registration "
          "again.", email=email, event=event.title),
        "email",
    )


def needs_approval(event: Event, organisation: Organisation | None) -> bool:
    """Non-members and unlisted organisations wait for an organiser when the event says so."""
    if event.non_member_policy != "approve":
        return False
    return organisation is None or organisation.status != "member"


def place(event: Event, registration: Registration, organisation: Organisation | None) -> None:
    """Set a new registration's status: pending when the organisers approve non-members, confirmed when a
    place is free, else the end of the waiting list. The caller holds the event lock (eventhub.core.capacity)."""
    if needs_approval(event, organisation):
        registration.status, registration.waitlisted_at = "pending", None
    elif capacity.has_place(event.capacity, confirmed_count(event)):
        registration.status, registration.waitlisted_at = "confirmed", None
    else:
        capacity.join_waitlist(registration)


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
            _("%(event)s takes at most %(quota)d delegates per organisation; %(organisation)s has %(left)d "
              "place(s) left.", event=event.title, quota=event.delegate_quota, organisation=organisation.name,
              left=left),
            "organisation_id",
        )


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
