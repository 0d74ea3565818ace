"""Moving a session on the timetable: drags, resizes, the tray, keyboard moves and their undo.

Every move goes through services.save_session (checks, room double-booking, audit, iCal SEQUENCE).
What this adds is for an editor that shows sessions as they were when its page loaded: a move that
names the session's `sequence` is refused when the session's time, room or status changed since
(another organiser, another tab, or an undo of something that is no longer there), instead of
silently putting it back over a newer change.
"""
from flask_babel import gettext as _

from eventhub.agenda.models import AgendaSession
from eventhub.agenda.services import save_session
from eventhub.audit.services import Actor
from eventhub.core import capacity
from eventhub.events.models import Event
from eventhub.extensions import db


class ChangedMeanwhile(ValueError):
    """The session is no longer where the editor showed it; `session` is as it is now."""

    def __init__(self, session: AgendaSession):
        self.session = session
        super().__init__(_("“%(title)s” was changed elsewhere since this page was loaded, so nothing was saved. "
                           "It is now shown where it is.", title=session.title))


def move_session(event: Event, session: AgendaSession, data: dict, actor: Actor,
                 sequence: int | None = None) -> AgendaSession:
    """Give the session the room (None: no room), start and end in `data` (as save_session reads them).

    The session's row is locked first and read again, so the version compared is the one committed
    last; save_session then locks the room, so two sessions dropped into one room at once cannot both
    find it free.
    """
    capacity.lock(AgendaSession, session.id)
    db.session.refresh(session)
    if sequence is not None and sequence != session.sequence:
        raise ChangedMeanwhile(session)
    return save_session(event, data, actor, session)
