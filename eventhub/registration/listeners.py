"""How registration reacts to what happens to events, and what it tells other domains' pages.

Connected once by create_app (eventhub.core.signals explains why domains talk this way).
"""
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from eventhub.audit.services import SYSTEM
from eventhub.core import capacity, signals
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration import queries
from eventhub.registration.models import Registration
from eventhub.registration.notifications import notify_everyone
from eventhub.registration.services import fill_places


@signals.event_status_changed.connect
def tell_registrants(event, previous: str, status: str, **kwargs) -> None:
    """Everyone registered hears that the event is called off, or that it is back on."""
    if status == "cancelled":
        notify_everyone(event, "event_cancelled")
    elif previous == "cancelled" and status == "published":
        notify_everyone(event, "event_reinstated")


@signals.event_capacity_raised.connect
def move_the_waiting_list_up(event, **kwargs) -> None:
    """More places: the waiting list moves up at once, in order, under the event's lock."""
    capacity.lock(Event, event.id)
    fill_places(event, SYSTEM)


@signals.member_participation.connect
def registrations_of(organisation, **kwargs) -> dict:
    """The organisation's people's registrations across all events, newest event first, in one query."""
    query = (
        select(Registration)
        .join(Registration.event)
        .options(contains_eager(Registration.event))
        .where(Registration.organisation_id == organisation.id)
        .order_by(Event.start_at.desc(), Event.id, Registration.full_name, Registration.id)
    )
    return {"registrations": list(db.session.scalars(query))}


@signals.event_figures.connect
def registered(event, **kwargs) -> dict:
    """How many people are registered and not cancelled or rejected."""
    return {"registered": queries.live_registrations(event)}
