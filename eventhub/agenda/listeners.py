"""How the agenda reacts to what happens to registrations, and tells people about their sessions
(eventhub.core.signals); connected by create_app."""
from sqlalchemy import update

from eventhub.agenda import notifications, scopes, signups
from eventhub.agenda.models import SessionPerson
from eventhub.core import signals
from eventhub.extensions import db
from eventhub.registration.retention import ANONYMISED


@signals.registration_left.connect
def give_back_places(registration, actor, **kwargs) -> None:
    """Someone who no longer attends frees their workshop and site-visit places for the next in line."""
    signups.release_signups(registration, actor)


@signals.registration_left.connect
def forget_personal_agenda(registration, **kwargs) -> None:
    """Someone who left keeps no starred sessions: whoever registers again on that address starts afresh."""
    signups.forget_stars(registration)


@signals.signup_changed.connect
def tell_about_the_signup(signup, previous, registration_left=False, **kwargs) -> None:
    """A short e-mail for each sign-up, move up from the waiting list and cancellation of a place.

    Not when the place went back because the registration left: the message about the registration
    says so already, and one more per workshop would bury it.
    """
    if not registration_left:
        notifications.notify_signup(signup, previous)


@signals.session_status_changed.connect
def tell_the_people_signed_up(session, previous, status, **kwargs) -> None:
    """Everyone with a place in a session the organisers cancel (or bring back) is told by e-mail."""
    notifications.notify_session_status(session, previous, status)


@signals.session_moved.connect
def tell_the_people_it_moved(session, before, **kwargs) -> None:
    """Everyone with a place (or a waiting-list place) in a session that moves is told its new time and room."""
    notifications.notify_session_moved(session, before)


@signals.registrations_anonymised.connect
def forget_speakers(event, registration_ids, **kwargs) -> None:
    """Speakers who were registrations lose the name and title copied from them; the sessions stay."""
    scopes.touch_agenda(event.id)  # a bulk update: the feeds built with the names must be built again
    for start in range(0, len(registration_ids), 500):
        db.session.execute(update(SessionPerson)
                           .where(SessionPerson.registration_id.in_(registration_ids[start:start + 500]))
                           .values(name=ANONYMISED, position_title=None)
                           .execution_options(synchronize_session=False))
