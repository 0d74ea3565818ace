"""How the agenda reacts to what happens to registrations (eventhub.core.signals); connected by create_app."""
from eventhub.agenda import signups
from eventhub.core import signals


@signals.registration_left.connect
def give_back_places(registration, actor, **kwargs) -> None:
    """Someone who no longer attends frees their workshop and site-visit places for the next in line."""
    signups.release_signups(registration, actor)


@signals.registration_left.connect
def forget_personal_agenda(registration, **kwargs) -> None:
    """Someone who left keeps no starred sessions: whoever registers again on that address starts afresh."""
    signups.forget_stars(registration)
