"""Factories that build valid records through the services, with overridable defaults.

Each one is its own unit of work, as a request would be: what it returns is committed.
"""
import itertools
from datetime import datetime, timedelta, timezone

from eventhub.auth.services import create_user
from eventhub.core.transaction import atomic
from eventhub.events.services import save_event, set_status
from eventhub.members.services import save_network, save_organisation

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


def make_user(roles=("organiser",), email=None, full_name="Test User", password=PASSWORD):
    with atomic():
        return create_user(email or f"user{next(_numbers)}@example.org", full_name, password, list(roles))


def make_token(user, name="tests"):
    """An API token of the user: (row, secret), as `flask tokens create` makes it."""
    from eventhub.auth.services import create_token

    with atomic():
        return create_token(user, name)


def make_question(event, data):
    """A custom question of the event's registration form, as the organisers' editor saves it."""
    from eventhub.registration.questions import save_question

    with atomic():
        return save_question(event, data)


def make_organisation(**values):
    data = {"name": f"Testville {next(_numbers)}", "kind": "city", "country": "DE", "status": "member"}
    data.update(values)
    with atomic():
        return save_organisation(data)


def make_network(name=None, members=(), **values):
    data = {"name": name or f"Network {next(_numbers)}", "member_ids": [m.id for m in members]}
    data.update(values)
    with atomic():
        return save_network(data)


def make_event(status="published", days_from_now=30, length_days=3, **values):
    start = datetime.now(timezone.utc).replace(microsecond=0, second=0, minute=0) + timedelta(days=days_from_now)
    data = {
        "kind": "congress",
        "title": f"World Congress {next(_numbers)}",
        "timezone": "Europe/Berlin",
        "start": start,
        "end": start + timedelta(days=length_days),
    }
    data.update(values)
    with atomic():
        event = save_event(data)
        if status == "cancelled":
            set_status(event, "published")  # only a public event can be cancelled
        if status != "draft":
            set_status(event, status)
    return event


def make_registration(event, **values):
    """A registration made by an organiser (no window or consent checks), confirmed if there is room."""
    from eventhub.audit.services import SYSTEM
    from eventhub.registration.services import register

    number = next(_numbers)
    data = {"full_name": f"Delegate {number}", "email": f"delegate{number}@example.org", "organisation_name": "Testville"}
    data.update(values)
    with atomic():
        return register(event, data, actor=SYSTEM, organiser=True)


def make_delegation(event, organisation, delegates=2):
    """A delegation of the organisation registered by an organiser, with `delegates` named delegates."""
    from eventhub.audit.services import SYSTEM
    from eventhub.registration.delegations.services import register_delegation

    number = next(_numbers)
    people = [{"full_name": f"Delegate {number}-{n}", "email": f"delegate{number}-{n}@example.org"}
              for n in range(delegates)]
    data = {"head_name": f"Head {number}", "head_email": f"head{number}@example.org",
            "organisation_id": organisation.id, "delegates": people}
    with atomic():
        return register_delegation(event, data, actor=SYSTEM, organiser=True)


def open_event(**values):
    """A published event whose registration window is open now."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    values.setdefault("registration_opens", now - timedelta(days=1))
    return make_event(**values)


def at(event, hours, minutes=0, day=0) -> str:
    """A wall-clock time on the event's first day (+ `day`), naive ISO: services read it in the event's timezone."""
    from zoneinfo import ZoneInfo

    local = event.start_at.astimezone(ZoneInfo(event.timezone)).replace(tzinfo=None, hour=0, minute=0)
    return (local + timedelta(days=day, hours=hours, minutes=minutes)).isoformat()


def make_session(event, **values):
    """A scheduled session from 10:00 to 11:00 local on the first day, through the agenda service."""
    from eventhub.agenda.services import save_session
    from eventhub.audit.services import SYSTEM

    data = {"title": "Session", "start": at(event, 10), "end": at(event, 11), "status": "scheduled"}
    data.update(values)
    with atomic():
        return save_session(event, data, SYSTEM)


def make_agenda_parts(event, rooms=("Plenary hall", "Sala Ipê"), tracks=(("Energy", "#2e7d32"), ("Вода", "#0277bd"))):
    """Rooms (in timetable order) and tracks (name, colour) of an event, with the seeded session kinds by name."""
    from eventhub.agenda.models import Room, SessionKind, Track
    from eventhub.extensions import db

    made_rooms = [Room(event_id=event.id, name=name, position=n) for n, name in enumerate(rooms)]
    made_tracks = [Track(event_id=event.id, name=name, colour=colour) for name, colour in tracks]
    db.session.add_all(made_rooms + made_tracks)
    db.session.commit()
    return {"rooms": made_rooms, "tracks": made_tracks, "kinds": {k.name: k for k in db.session.query(SessionKind)}}


def bulk_sessions(event, parts, organisations, count, speakers=1):
    """`count` half-hour sessions, two at a time, with speakers "Спикер <n>-<k>" from the organisations.

    Inserted directly in one commit (no services): for tests that count queries on big agendas.
    """
    from eventhub.agenda.models import AgendaSession, SessionPerson
    from eventhub.extensions import db

    sessions = []
    for n in range(count):
        begins = event.start_at + timedelta(minutes=30 * (n // 2))
        session = AgendaSession(
            event_id=event.id, title=f"Session {n}", start_at=begins, end_at=begins + timedelta(minutes=30),
            room_id=parts["rooms"][n % 2].id, track_id=parts["tracks"][n % 2].id, status="scheduled",
            kind_id=parts["kinds"]["Workshop"].id, signup_required=n % 3 == 0,
        )
        session.people = [SessionPerson(name=f"Спикер {n}-{k}", position=k,
                                        organisation_id=organisations[(n + k) % len(organisations)].id)
                          for k in range(speakers)]
        sessions.append(session)
    db.session.add_all(sessions)
    db.session.commit()


def last_message(recipient):
    """The newest e-mail queued in the outbox for a registration's person, or for an address."""
    from sqlalchemy import select

    from eventhub.extensions import db
    from eventhub.mail.models import OutboxMessage

    email = getattr(recipient, "email", recipient)
    query = select(OutboxMessage).where(OutboxMessage.recipient == email).order_by(OutboxMessage.id.desc())
    return db.session.scalars(query).first()


def make_workshop(event, seats=1, title="Solar rooftops workshop", **values):
    """A sign-up session from 14:00 to 16:00 on the first day, in a room of `seats` places."""
    from eventhub.agenda.models import Room
    from eventhub.extensions import db

    room = Room(event_id=event.id, name=f"Workshop room for {title}", capacity=seats)
    db.session.add(room)
    db.session.commit()
    values = {"start": at(event, 14), "end": at(event, 16), **values}
    return make_session(event, title=title, room_id=room.id, signup_required=True, **values)


def publish_agenda(event):
    """Publish the event's agenda, as the organiser's button does, and return the event."""
    from eventhub.extensions import db
    from eventhub.core.types import utcnow

    event.agenda_published_at = utcnow()
    db.session.commit()
    return event


def confirm_from_mail(browser, recipient):
    """Open the private link mailed to a public registrant (or a head of delegation) and press its
    confirmation button, as the owner of the address does: the response is the redirect to that page."""
    import re
    from urllib.parse import urlsplit

    message = last_message(recipient)
    link = re.search(r"https?://\S+/(?:registrations|delegations)/[^\s/]+", message.text_body).group(0)
    return browser.post(urlsplit(link).path + "/confirm")


# --- directory (issue #17) -------------------------------------------------------------------------------


def make_listed_participant(event, topics=(), languages=(), **values):
    """A confirmed registration shown in the event's directory, with these topics (tracks) and languages (codes)."""
    from eventhub.directory.services import save_profile

    registration = make_registration(event, listed=True, **values)
    with atomic():
        save_profile(registration, True, [track.id for track in topics], list(languages))
    return registration


# --- bilateral meetings (issue #17) --------------------------------------------------------------------


def make_meeting_setup(event, tables=("Table 7",), day=1, start=(10, 0), end=(12, 0), slot_minutes=20):
    """Tables and one meeting window (local times on the event's day `day`), as the organisers' page saves
    them; returns (tables, slots)."""
    from eventhub.audit.services import SYSTEM
    from eventhub.meetings import setup

    with atomic():
        areas = [setup.add_area(event, {"name": name}, SYSTEM) for name in tables]
        window = setup.add_window(event, {"start": at(event, *start, day=day), "end": at(event, *end, day=day),
                                          "slot_minutes": slot_minutes}, SYSTEM)
        slots = list(window.slots)
    return areas, slots


def make_meeting_request(requester, recipient, slots, message="Shall we talk about tram lines?"):
    """A meeting request proposing these slots, as the participant's page sends it."""
    from eventhub.audit.services import REGISTRANT
    from eventhub.meetings.services import request_meeting

    with atomic():
        return request_meeting(requester, recipient, {"slot_ids": [s.id for s in slots], "message": message},
                               REGISTRANT)
