"""Letters react to registration: a person who leaves loses their letter; after the event, the details go."""

from eventhub.core.signals import registration_left, registrations_anonymised
from eventhub.events.models import Event
from eventhub.letters import services
from eventhub.registration.models import Registration


@registration_left.connect
def _withdraw(registration: Registration, actor, **_kwargs) -> None:
    """A cancelled or rejected registration's letter no longer vouches for anyone: the check says withdrawn."""
    services.withdraw_for(registration, actor)


@registrations_anonymised.connect
def _erase(event: Event, actor, **_kwargs) -> None:
    """The retention job anonymised the event: every letter's passport details and holder's name go too."""
    services.erase_for_event(event, actor)


