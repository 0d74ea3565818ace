"""How the agenda reacts to what happens to registrations (eventhub.core.signals); connected by create_app."""
from sqlalchemy import update

from eventhub.agenda import signups
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


@signals.registrations_anonymised.connect
def forget_speakers(event, registration_ids, **kwargs) -> None:
    """Speakers who were registrations lose the name and title copied from them; the sessions stay."""
    for start in range(0, len(registration_ids), 500):
        db.session.execute(update(SessionPerson)
                           .where(SessionPerson.registration_id.in_(registration_ids[start:start + 500]))
                           .values(name=ANONYMISED, position_title=None)
                           .execution_options(synchronize_session=False))
