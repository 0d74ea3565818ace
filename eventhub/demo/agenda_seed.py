"""`flask demo --sessions N`: writes the planned congress agenda (agenda.py), publishes it and fills
some personal agendas.

Rooms, tracks, the congress's dates and publishing go through the services (a handful of calls);
the sessions and their people, possibly thousands, are written in bulk with the audit entries the
services would write. The caller holds the unit of work.
"""
import re
import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from eventhub.agenda.models import AgendaSession, SessionKind, SessionPerson
from eventhub.agenda.scopes import touch_agenda
from eventhub.agenda.services import publish_agenda
from eventhub.agenda.setup import save_room, save_track
from eventhub.audit.services import Actor, plain
from eventhub.demo.agenda import plan_agenda
from eventhub.demo.agenda_data import EXTERNAL_SPEAKERS, ROOMS, TRACKS, extra_room
from eventhub.demo.bulk import Clock, audit_row, insert_only, insert_rows, write_audit
from eventhub.demo.personal import seed_personal_agendas
from eventhub.demo.timetable import EXTRA_ROOM_NAMES
from eventhub.events.services import save_event
from eventhub.extensions import db
from eventhub.members.models import LOCAL_GOVERNMENT_KINDS, Organisation
from eventhub.registration.models import Registration

# What a session's session.created entry shows, as for any created object (audit.services.record_created).
CREATED_FIELDS = ("title", "start_at", "end_at", "room", "track", "kind", "language", "interpretation",
                  "capacity", "signup_required", "status")


def _speakers(event) -> list:
    """Confirmed registrants from member cities, invited speakers first: the people who speak."""
    query = (
        select(Registration.id, Registration.full_name, Registration.position, Registration.organisation_id)
        .join(Organisation, Registration.organisation_id == Organisation.id)
        .where(Registration.event_id == event.id, Registration.status == "confirmed",
               Organisation.kind.in_(LOCAL_GOVERNMENT_KINDS))
        .order_by((Registration.category != "speaker"), Registration.id)
    )
    return db.session.execute(query).all()


def _congress_days(event) -> tuple[ZoneInfo, datetime, int]:
    """The event's zone, first day (local) and number of days."""
    zone = ZoneInfo(event.timezone)
    first_day = event.start_at.astimezone(zone).date()
    return zone, first_day, (event.end_at.astimezone(zone).date() - first_day).days + 1


def _extend(event, days: int, actor: Actor) -> None:
    """Make the congress last `days` days (same closing time), through the events service: an agenda
    larger than three days hold needs the extra days, and the event's pages and feeds say so."""
    zone, first_day, _days = _congress_days(event)
    closing = event.end_at.astimezone(zone).time()
    end = datetime.combine(first_day + timedelta(days=days - 1), closing)
    summary = re.sub(r"^\w+ days\b", f"{days} days", event.summary or "")
    save_event({"end": end, "summary": summary or None}, event, actor)


def _rooms(event, plan: list[dict], actor: Actor) -> dict:
    """The congress's eight rooms, plus the meeting rooms the plan needs, by name (room ids)."""
    used = {session["room"] for session in plan}
    extra = [extra_room(n, name) for n, name in enumerate(EXTRA_ROOM_NAMES) if name in used]
    rooms = {}
    for name, capacity, location, access in list(ROOMS) + extra:
        data = {"name": name, "capacity": capacity, "location": location, "accessibility": access}
        rooms[name] = save_room(event, data, actor)
    db.session.flush()
    return {name: room.id for name, room in rooms.items()}


def _tracks(event, actor: Actor) -> dict:
    """The five tracks with their colours, by name (track ids)."""
    tracks = {name: save_track(event, {"name": name, "colour": colour}, actor) for name, colour in TRACKS.items()}
    db.session.flush()
    return {name: track.id for name, track in tracks.items()}


def _moment(day, clock: str, zone: ZoneInfo) -> datetime:
    """Event-local day and "HH:MM" as aware UTC, as the services store times."""
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=zone).astimezone(UTC)


def _session_row(planned: dict, event, first_day, zone, ids: dict, at: datetime) -> dict:
    """One planned session as an agenda_sessions row."""
    day = first_day + timedelta(days=planned["day"])
    row = {key: planned[key] for key in ("title", "language", "interpretation", "signup_required", "capacity",
                                         "status")}
    row.update(event_id=event.id, start_at=_moment(day, planned["start"], zone), end_at=_moment(day, planned["end"], zone),
               room_id=ids["rooms"].get(planned["room"]), track_id=ids["tracks"].get(planned["track"]),
               kind_id=ids["kinds"].get(planned["kind"]), sequence=0, created_at=at, updated_at=at,
               uuid=str(uuid.uuid4()))  # new, as for any session: calendar UIDs are built from it
    return row


def _created(row: dict, planned: dict) -> dict:
    """The session.created entry's values: what the session was made with, blanks left out."""
    values = {"room": planned["room"], "track": planned["track"], "kind": planned["kind"],
              **{field: row[field] for field in CREATED_FIELDS if field in row}}
    return {field: plain(values[field]) for field in CREATED_FIELDS if values.get(field) not in (None, "")}


def _person_row(session_id: int, n: int, role: str, ref: tuple, speakers: list, organisations: dict) -> dict:
    """One planned speaker, moderator or panellist as a session_people row."""
    what, index = ref
    row = {"session_id": session_id, "role": role, "position": n, "registration_id": None}
    if what == "registration":
        speaker = speakers[index]
        row.update(registration_id=speaker.id, name=speaker.full_name, position_title=speaker.position,
                   organisation_id=speaker.organisation_id)
    else:
        name, position, organisation = EXTERNAL_SPEAKERS[index]
        row.update(name=name, position_title=position, organisation_id=organisations.get(organisation))
    return row


def _write_sessions(event, plan: list[dict], ids: dict, speakers: list, actor: Actor) -> list[dict]:
    """Insert the sessions and their people with session.created / session.people entries;
    returns the sessions as rows with their ids, in agenda order."""
    zone, first_day, _days = _congress_days(event)
    names = [external[2] for external in EXTERNAL_SPEAKERS]
    organisations = dict(db.session.execute(select(Organisation.name, Organisation.id).where(Organisation.name.in_(names))).all())
    clock = Clock(2 * len(plan))
    rows = [_session_row(planned, event, first_day, zone, ids, clock.tick()) for planned in plan]
    session_ids = insert_rows(AgendaSession, rows, key=("uuid",))
    people, audit = [], []
    for planned, row, session_id in zip(plan, rows, session_ids):
        row.update(id=session_id, kind=planned["kind"])
        audit.append(audit_row(actor, "session.created", AgendaSession.audit_type, session_id, event.id,
                               _created(row, planned), row["created_at"]))
        mine = [_person_row(session_id, n, role, ref, speakers, organisations)
                for n, (role, ref) in enumerate(planned["people"])]
        if mine:
            people += mine
            audit.append(audit_row(actor, "session.people", AgendaSession.audit_type, session_id, event.id,
                                   {"people": [person["name"] for person in mine]}, clock.tick()))
    insert_only(SessionPerson, people)
    write_audit(audit)
    return rows


def seed_agenda(event, count: int, seed: int, organiser) -> str:
    """Create exactly `count` sessions for the congress (adding rooms and days as needed), publish the
    agenda and fill some personal agendas; returns a one-line summary."""
    actor = Actor.for_user(organiser)
    speakers = _speakers(event)
    _zone, _first, days = _congress_days(event)
    plan = plan_agenda(count, seed, days, len(speakers))
    if len(plan) != count:
        raise RuntimeError(f"planned {len(plan)} sessions instead of {count}")  # never silently fewer
    needed = max((session["day"] for session in plan), default=0) + 1
    if needed > days:
        _extend(event, needed, actor)
    ids = {"rooms": _rooms(event, plan, actor), "tracks": _tracks(event, actor),
           "kinds": {kind.name: kind.id for kind in db.session.scalars(select(SessionKind))}}
    sessions = _write_sessions(event, plan, ids, speakers, actor)
    touch_agenda(event.id)  # written in bulk, unseen by the ORM: cached feeds of the event are built again
    publish_agenda(event, actor)
    confirmed = list(db.session.scalars(select(Registration.id).where(
        Registration.event_id == event.id, Registration.status == "confirmed").order_by(Registration.id)))
    choices = seed_personal_agendas(event, sessions, confirmed, seed, actor)
    cancelled = sum(1 for session in plan if session["status"] == "cancelled")
    longer = f" over {needed} days" if needed > days else ""
    return (f"Created {len(plan)} sessions ({cancelled} cancelled) in {len(ids['rooms'])} rooms{longer} and "
            f"{len(ids['tracks'])} tracks for {event.title}; agenda published; {choices}.")
