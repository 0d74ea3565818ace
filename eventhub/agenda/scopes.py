"""What the agenda's cached answers (calendar feeds, schedule exports, the programme, the public
agenda) are built from, as scopes of eventhub.core.versions: any change to these rows, committed by
any process, gives the agenda a new version, and every cache keyed by it moves on at once.
"""
from eventhub.agenda.models import AgendaSession, Room, SessionKind, SessionPerson, Track
from eventhub.core import versions
from eventhub.events.image_model import EventImage
from eventhub.events.models import Event
from eventhub.members.models import Organisation

# Rows that every event's agenda may show: member cities (speakers' organisations, hosts) and the
# session kinds all events share.
SHARED = "agenda:shared"


def agenda_scope(event_id: int) -> str:
    """The scope of everything one event's agenda shows."""
    return f"agenda:{event_id}"


def agenda_version(event) -> str | None:
    """The version of the event's agenda and of the rows all agendas share, in one query; None when the
    event's agenda has none yet (its rows were written in bulk, outside the ORM): nothing is cached then."""
    found = versions.current(agenda_scope(event.id), SHARED)
    own = found[agenda_scope(event.id)]
    if own is None or versions.uncommitted(SHARED):
        return None
    return f"{own}.{found[SHARED] or '-'}"


def touch_agenda(event_id: int) -> None:
    """For changes made in bulk, which the ORM does not see row by row."""
    versions.touch(agenda_scope(event_id))


def _person_scope(person: SessionPerson) -> str | None:
    session = person.session
    return agenda_scope(session.event_id) if session is not None else None


versions.watch(AgendaSession, lambda row: agenda_scope(row.event_id))
versions.watch(Room, lambda row: agenda_scope(row.event_id))
versions.watch(Track, lambda row: agenda_scope(row.event_id))
versions.watch(SessionPerson, _person_scope)
versions.watch(Event, lambda row: agenda_scope(row.id))
versions.watch(EventImage, lambda row: agenda_scope(row.event_id))
versions.watch(SessionKind, lambda row: SHARED)
versions.watch(Organisation, lambda row: SHARED)
