"""How badges follow registrations (eventhub.core.signals); connected by create_app.

Registration code never calls into badges: a place taken issues a badge, a registration leaving
(cancelled or rejected, from any status) kills its code, in the same unit of work as the change.
"""
from sqlalchemy import update

from eventhub.badges import services
from eventhub.badges.models import Badge
from eventhub.core import signals
from eventhub.core.types import utcnow
from eventhub.extensions import db


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


@signals.registrations_anonymised.connect
def revoke_anonymised_badges(event, **kwargs) -> None:
    """Badges of an anonymised event open no door: their holders are nobody in particular now."""
    # No reason among cancelled, rejected or reissued fits: the door says "This badge was revoked."
    db.session.execute(update(Badge).where(Badge.event_id == event.id, Badge.revoked_at.is_(None))
                       .values(revoked_at=utcnow(), revoked_reason=None)
                       .execution_options(synchronize_session=False))
