"""How badges follow registrations (eventhub.core.signals); connected by create_app.

Registration code never calls into badges: a place taken issues a badge, a registration leaving
(cancelled or rejected, from any status) kills its code, in the same unit of work as the change.
"""
from eventhub.badges import services
from eventhub.core import signals


@signals.registration_confirmed.connect
def give_a_badge(registration, actor, **kwargs) -> None:
    """Everyone who holds a place has a badge to print and to show at the door."""
    services.issue(registration, actor)


@signals.registration_left.connect
def revoke_the_badge(registration, **kwargs) -> None:
    """A cancelled or rejected registration's badge opens no door, even if it was printed."""
    services.revoke(registration, registration.status)


@signals.badge_states.connect
def valid_badges(event, registration_ids, **kwargs) -> dict:
    """Each registration's valid badge, for the organisers' registrations list."""
    return services.badges_of(registration_ids)
