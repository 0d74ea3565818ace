"""How meetings react to what happens to registrations (eventhub.core.signals); connected by create_app."""
from eventhub.core import signals
from eventhub.meetings import services


@signals.registration_left.connect
def free_the_tables(registration, actor, **kwargs) -> None:
    """Someone who no longer attends keeps no meetings (the other person is told) and no open requests."""
    services.release(registration, actor)


@signals.event_status_changed.connect
def call_off_with_the_event(event, status: str, actor, **kwargs) -> None:
    """A cancelled event holds no meetings: they leave the calendars with it."""
    if status == "cancelled":
        services.call_off(event, actor)


@signals.registrations_anonymised.connect
def forget_the_messages(event, registration_ids, **kwargs) -> None:
    """An ended event's anonymisation also forgets what people wrote in their meeting requests."""
    services.forget_messages(event.id)
