"""The demo congress's connecting of leaders: directory entries for its listed participants, meeting tables and a
window of 20-minute slots on its second morning, and a few meetings already agreed, so the directory, the
meetings pages and the organisers' overview show something from the first `make run`."""
import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from eventhub.agenda.models import Track
from eventhub.audit.services import REGISTRANT, Actor
from eventhub.core.errors import Refused, ValidationError
from eventhub.directory.models import DirectoryLanguage, DirectoryTopic
from eventhub.extensions import db
from eventhub.meetings import services, setup
from eventhub.registration.models import Registration

TABLES = 12
# The interpretation language each demo person chose, as the language they speak beside English.
SPOKEN = {"Français": "fr", "Español": "es", "Português": "pt", "Русский": "ru", "中文": "zh", "العربية": "ar"}
MEETINGS = 16


def seed_connections(event, seed: int, organiser) -> str:
    """Write the directory entries in bulk, set up the tables and window, and agree a few meetings; a summary."""
    rng = random.Random(f"connections-{seed}")  # noqa: S311 (seeded: the same demo every time, never a secret)
    actor = Actor.for_user(organiser)
    listed = db.session.execute(select(Registration.id, Registration.answers).where(
        Registration.event_id == event.id, Registration.status == "confirmed", Registration.listed.is_(True),
    ).order_by(Registration.id)).all()
    tracks = list(db.session.scalars(select(Track.id).where(Track.event_id == event.id).order_by(Track.id)))
    topics = [{"registration_id": person.id, "track_id": track}
              for person in listed for track in rng.sample(tracks, min(len(tracks), rng.randint(1, 2)))]
    spoken = [{"registration_id": person.id, "code": code} for person in listed
              for code in {"en", SPOKEN.get((person.answers or {}).get("interpretation_language"), "en")}]
    if topics:
        db.session.execute(insert(DirectoryTopic), topics)
    if spoken:
        db.session.execute(insert(DirectoryLanguage), spoken)
    for number in range(1, TABLES + 1):
        setup.add_area(event, {"name": f"Table {number}"}, actor)
    window = setup.add_window(event, _second_morning(event), actor)
    agreed = _agree_meetings(rng, [person.id for person in listed], list(window.slots))
    return (f"Directory: {len(listed)} listed participants of {event.title}; {TABLES} meeting tables, "
            f"{len(window.slots)} slots on its second morning, {agreed} meetings agreed.")


def _second_morning(event) -> dict:
    """10:00 to 12:00 on the event's second day, venue time, in 20-minute slots."""
    zone = ZoneInfo(event.timezone)
    day = event.start_at.astimezone(zone).date() + timedelta(days=1)
    return {"start": datetime.combine(day, time(10, 0)), "end": datetime.combine(day, time(12, 0)),
            "slot_minutes": 20}


def _agree_meetings(rng: random.Random, people: list[int], slots: list) -> int:
    """Pairs of listed participants ask and accept through the services (the rules checked); refusals skipped."""
    agreed = 0
    for _attempt in range(MEETINGS * 3):
        if agreed == MEETINGS or len(people) < 2:
            break
        asking, asked = (db.session.get(Registration, person) for person in rng.sample(people, 2))
        try:
            proposal = services.request_meeting(asking, asked, {"slot_ids": [rng.choice(slots).id],
                                                                "message": "Shall we compare notes?"}, REGISTRANT)
            services.accept(proposal, proposal.proposals[0].slot_id, asked, REGISTRANT)
        except (Refused, ValidationError):
            continue
        agreed += 1
    return agreed
