"""`flask demo --sessions N`: the World Congress agenda, made through the agenda services.

plan_agenda decides everything as plain values (no database, so tests compare plans); one
random.Random(seed) draws titles, tracks, languages and people. Rooms never clash (each room
has one session per time block) and nobody speaks in two overlapping sessions.
"""
import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from eventhub.agenda import services, signups
from eventhub.agenda.models import SessionKind
from eventhub.agenda.setup import save_room, save_track
from eventhub.audit.services import Actor
from eventhub.core.errors import Refused
from eventhub.demo.agenda_data import (
    EXTERNAL_SPEAKERS,
    FORMATS,
    OTHER_LANGUAGE_TITLES,
    PLENARIES,
    RECEPTIONS,
    ROOMS,
    SIDE_EVENTS,
    SITE_VISITS,
    TOPICS,
    TRACKS,
    WORKSHOP_ROOM,
    WORKSHOPS,
)
from eventhub.extensions import db
from eventhub.members.models import LOCAL_GOVERNMENT_KINDS, Organisation
from eventhub.registration.models import Registration

DEFAULT_SESSIONS = 120
BLOCKS = [("10:30", "12:00"), ("13:00", "14:30"), ("15:00", "16:30"), ("16:30", "18:00")]
BREAKS = [("10:00", "10:30", "Coffee break"), ("12:00", "13:00", "Lunch"), ("14:30", "15:00", "Coffee break")]
# Parallel rooms fill in this order, so a small agenda still has something in every block.
ROOM_ORDER = ["Room A", "Workshop studio", "Room B", "Plenary hall", "Room C", "Room D", "Room E", "Room F"]


def _minutes(day: int, clock: str) -> int:
    hours, minutes = clock.split(":")
    return day * 1440 + int(hours) * 60 + int(minutes)


def _slot(day, start, end, kind, room=None, priority=0, rank=0) -> dict:
    return {"day": day, "start": start, "end": end, "kind": kind, "room": room, "priority": priority, "rank": rank}


def _skeleton(days: int) -> list[dict]:
    """Every slot the congress has: plenaries and breaks first, then parallel blocks, then extras."""
    slots = []
    for day in range(days):
        last = day == days - 1
        slots.append(_slot(day, "09:00", "10:00", "Plenary", "Plenary hall"))
        slots += [_slot(day, start, end, "Break") for start, end, _title in BREAKS]
        if last and days > 1:
            slots.append(_slot(day, "16:30", "18:00", "Plenary", "Plenary hall"))
        for block, (start, end) in enumerate(BLOCKS[:3] if last and days > 1 else BLOCKS):
            for rank, room in enumerate(ROOM_ORDER):
                kind = "Workshop" if room == WORKSHOP_ROOM else "Parallel session"
                slots.append(_slot(day, start, end, kind, room, priority=1, rank=rank * 100 + day * 10 + block))
        slots += [_slot(day, "12:10", "12:55", "Side event", room, 2, rank) for rank, room in
                  enumerate(("Room A", "Room B", "Room C"))]
        slots += [_slot(day, "13:00", "16:30", "Site visit", None, 2, 10 + n) for n in range(2)]
        if not last:
            slots.append(_slot(day, "19:00", "21:00", "Networking", None, 2, 20))
    return slots


class _People:
    """Picks people for sessions so that nobody is in two overlapping sessions."""

    def __init__(self, rng: random.Random, registered: int):
        self.rng, self.registered, self.busy = rng, registered, {}

    def pick(self, slot: dict, roles: list[str], external_share: float) -> list[tuple]:
        """(role, ("registration", i) | ("external", j)) for each role, free at the slot's time."""
        span = (_minutes(slot["day"], slot["start"]), _minutes(slot["day"], slot["end"]))
        chosen = []
        for role in roles:
            for _attempt in range(20):
                external = not self.registered or self.rng.random() < external_share
                pool = len(EXTERNAL_SPEAKERS) if external else self.registered
                ref = ("external" if external else "registration", self.rng.randrange(pool))
                if all(end <= span[0] or start >= span[1] for start, end in self.busy.get(ref, [])):
                    self.busy.setdefault(ref, []).append(span)
                    chosen.append((role, ref))
                    break
        return chosen


class _Titles:
    """Unique titles drawn without repetition from each list."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.track = {}
        for track, topics in TOPICS.items():
            # Every topic once before any comes back (in another format), so a day does not repeat itself.
            topics, formats = rng.sample(topics, len(topics)), rng.sample(FORMATS, len(FORMATS))
            self.track[track] = [
                formats[(round_ + n) % len(formats)].format(topic=topic, topic_lower=topic[0].lower() + topic[1:])
                for round_ in range(len(formats)) for n, topic in enumerate(topics)
            ]
        self.lists = {"Workshop": list(WORKSHOPS), "Site visit": list(SITE_VISITS), "Side event": list(SIDE_EVENTS),
                      "Networking": list(RECEPTIONS)}
        self.other = {code: list(titles) for code, titles in OTHER_LANGUAGE_TITLES.items()}
        self.used = set()

    def take(self, items: list[str], fallback: str) -> str:
        """The next title of a list; a numbered fallback when the list runs out."""
        title = items.pop(0) if items else fallback
        number = 2
        while title in self.used:
            title, number = f"{fallback} ({number})", number + 1
        self.used.add(title)
        return title


def _content(slot: dict, rng: random.Random, titles: _Titles, people: _People, tracks: list) -> dict:
    """Title, track, language and people of one slot."""
    kind, session = slot["kind"], {"track": None, "language": "en", "interpretation": False,
                                   "signup_required": False, "capacity": None, "people": [], "status": "scheduled"}
    if kind == "Break":
        session["title"] = next(title for start, _end, title in BREAKS if start == slot["start"])
    elif kind == "Plenary":
        if slot["start"] == "16:30":
            title = PLENARIES[2]
        else:
            title = PLENARIES[0] if slot["day"] == 0 else PLENARIES[1] if slot["day"] == 1 else None
        session["title"] = titles.take([title] if title else [], f"Morning plenary, day {slot['day'] + 1}")
        roles = ["moderator", "speaker", "speaker", "speaker"]
        session.update(interpretation=True, people=people.pick(slot, roles, 0.3))
    elif kind == "Parallel session":
        session["track"] = tracks[ROOM_ORDER.index(slot["room"]) % len(tracks)]
        language = rng.choice(list(OTHER_LANGUAGE_TITLES)) if rng.random() < 0.15 else "en"
        if language != "en" and titles.other[language]:
            session.update(language=language, interpretation=True, title=titles.take(titles.other[language], ""))
        else:
            session["title"] = titles.take(titles.track[session["track"]], f"{session['track']} session")
        if slot["room"] == "Plenary hall":
            session.update(interpretation=True, title="High-level dialogue: " + session["title"])
        roles = ["moderator"] + rng.choice([["speaker", "speaker"], ["panellist"] * 3, ["speaker"] * 3])
        session["people"] = people.pick(slot, roles, 0.15)
    else:
        session["title"] = titles.take(titles.lists[kind], kind)
        if kind in ("Workshop", "Site visit"):
            session.update(signup_required=True, capacity=20 if kind == "Workshop" else 15)
        if kind != "Networking":
            session["people"] = people.pick(slot, ["speaker"] * rng.randint(1, 2), 0.1)
    return session


def plan_agenda(count: int, seed: int, days: int, registered: int) -> list[dict]:
    """`count` sessions (at most what the timetable holds) over `days` days, sorted by time and room.

    Each: day (0-based), start and end ("HH:MM", event-local), kind, room and track names,
    title, language, interpretation, signup_required, capacity, status and people as
    (role, ("registration", index into the `registered` speakers) | ("external", index)).
    """
    rng = random.Random(f"agenda-{seed}")
    slots = sorted(_skeleton(days), key=lambda s: (s["priority"], s["rank"], s["day"], s["start"]))[:count]
    room_order = [room[0] for room in ROOMS]
    slots.sort(key=lambda s: (s["day"], s["start"], room_order.index(s["room"]) if s["room"] else 99, s["kind"]))
    titles, people, blocks = _Titles(rng), _People(rng, registered), {}
    plan = []
    for slot in slots:
        # Each time block mixes the tracks across the rooms anew.
        tracks = blocks.setdefault((slot["day"], slot["start"]), rng.sample(list(TRACKS), len(TRACKS)))
        session = _content(slot, rng, titles, people, tracks)
        plan.append({key: slot[key] for key in ("day", "start", "end", "kind", "room")} | session)
    parallel = [s for s in plan if s["kind"] == "Parallel session"]
    if len(parallel) >= 20:
        for session in rng.sample(parallel, 2):
            session["status"] = "cancelled"
    return plan


def _speakers(event) -> list[Registration]:
    """Confirmed registrants from member cities, invited speakers first: the people who speak."""
    query = (
        select(Registration)
        .join(Organisation, Registration.organisation_id == Organisation.id)
        .where(Registration.event_id == event.id, Registration.status == "confirmed",
               Organisation.kind.in_(LOCAL_GOVERNMENT_KINDS))
        .options(joinedload(Registration.organisation))
        .order_by((Registration.category != "speaker"), Registration.id)
    )
    return list(db.session.scalars(query))


def _person(ref: tuple, role: str, speakers: list, organisations: dict) -> dict:
    """set_people input for a planned person."""
    what, index = ref
    if what == "registration":
        return {"role": role, "registration_id": speakers[index].id}
    name, position, organisation = EXTERNAL_SPEAKERS[index]
    return {"role": role, "name": name, "position_title": position, "organisation_id": organisations.get(organisation)}


def seed_agenda(event, count: int, seed: int, organiser) -> str:
    """Create the congress agenda, publish it and fill some personal agendas; returns a summary."""
    # The services commit often; reloading every object after each commit is what makes seeding
    # slow, and nothing else writes to the database while the demo is seeded.
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        return _seed_agenda(event, count, seed, organiser)
    finally:
        session.expire_on_commit = expire


def _seed_agenda(event, count: int, seed: int, organiser) -> str:
    """seed_agenda's work."""
    actor = Actor.for_user(organiser)
    rooms = {name: save_room(event, {"name": name, "capacity": capacity, "location": location,
                                     "accessibility": access}, actor) for name, capacity, location, access in ROOMS}
    tracks = {name: save_track(event, {"name": name, "colour": colour}, actor) for name, colour in TRACKS.items()}
    kinds = {kind.name: kind.id for kind in db.session.scalars(select(SessionKind))}
    names = [e[2] for e in EXTERNAL_SPEAKERS]
    query = select(Organisation.name, Organisation.id).where(Organisation.name.in_(names))
    organisations = dict(db.session.execute(query).all())
    speakers = _speakers(event)
    zone = ZoneInfo(event.timezone)
    first_day = event.start_at.astimezone(zone).date()
    days = (event.end_at.astimezone(zone).date() - first_day).days + 1
    plan = plan_agenda(count, seed, days, len(speakers))
    for planned in plan:
        day = first_day + timedelta(days=planned["day"])
        data = {key: planned[key] for key in ("title", "language", "interpretation", "signup_required", "capacity",
                                              "status")}
        data.update(
            start=datetime.combine(day, time.fromisoformat(planned["start"])),
            end=datetime.combine(day, time.fromisoformat(planned["end"])),
            room_id=rooms[planned["room"]].id if planned["room"] else None,
            track_id=tracks[planned["track"]].id if planned["track"] else None,
            kind_id=kinds.get(planned["kind"]),
        )
        session = services.save_session(event, data, actor, commit=False)
        if planned["people"]:
            people = [_person(ref, role, speakers, organisations) for role, ref in planned["people"]]
            services.set_people(session, people, actor, commit=False)
    db.session.commit()
    services.publish_agenda(event, actor)
    choices = _personal_agendas(event, seed, actor)
    cancelled = sum(1 for s in plan if s["status"] == "cancelled")
    return (f"Created {len(plan)} sessions ({cancelled} cancelled) in {len(rooms)} rooms and "
            f"{len(tracks)} tracks for {event.title}; agenda published; {choices}.")


def _personal_agendas(event, seed: int, actor: Actor) -> str:
    """Some confirmed registrants sign up for workshops and site visits and star sessions."""
    rng = random.Random(f"agenda-choices-{seed}")
    sessions = services.event_sessions(event, include_drafts=False)
    live = [s for s in sessions if s.status == "scheduled" and s.kind and s.kind.name != "Break"]
    confirmed = list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status == "confirmed").order_by(Registration.id)))
    signed = starred = 0
    for session in (s for s in live if s.signup_required):
        wanted = (session.capacity or 10) + 2 if signed == 0 else rng.randint(1, 3)  # one waiting list shows
        for registration in rng.sample(confirmed, min(wanted, len(confirmed))):
            try:
                signups.sign_up(session, registration, actor)
                signed += 1
            except Refused:
                pass  # already in an overlapping workshop: the rules say no, as they should
    for registration in confirmed[:12]:
        for session in rng.sample(live, min(len(live), rng.randint(3, 4))):
            signups.star(registration, session)
            starred += 1
    return f"{signed} sign-ups and {starred} stars on personal agendas"
