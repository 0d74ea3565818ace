"""What `flask demo --sessions N` puts on the World Congress agenda, as plain values (no database,
so tests compare plans; agenda_seed.py writes them).

One random.Random(seed) draws titles, tracks, languages and people. The slots come from the
timetable (timetable.py), which grows with N; rooms never clash (one session per room and time
block) and nobody speaks in two overlapping sessions.
"""
import random

from eventhub.demo.agenda_data import (
    ANGLES,
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
    WORKSHOPS,
)
from eventhub.demo.timetable import BREAKS, ROOM_ORDER, minutes, slots_for

# What the congress's three days and eight rooms hold: the default demo is the whole congress.
DEFAULT_SESSIONS = 118
# Sessions that take sign-ups, and how many places they have.
SIGNUP_CAPACITY = {"Workshop": 20, "Site visit": 15}
# The title lists of the other kinds; once used up, the sessions are held again on later days.
LISTS = {"Workshop": WORKSHOPS, "Site visit": SITE_VISITS, "Side event": SIDE_EVENTS, "Networking": RECEPTIONS}


class People:
    """Picks people for sessions so that nobody is in two overlapping sessions."""

    def __init__(self, rng: random.Random, registered: int):
        """Draws from `rng` among `registered` registrants and the external speakers."""
        self.rng, self.registered = rng, registered
        # (person, day) -> spans taken that day: sessions never cross midnight, so only one day is compared.
        self.busy = {}

    def pick(self, slot: dict, roles: list[str], external_share: float) -> list[tuple]:
        """(role, ("registration", i) | ("external", j)) for each role, free at the slot's time.

        A role nobody free is found for after a few draws is left out: a smaller panel, not a clash.
        """
        span = (minutes(slot["day"], slot["start"]), minutes(slot["day"], slot["end"]))
        chosen = []
        for role in roles:
            for _attempt in range(20):
                external = not self.registered or self.rng.random() < external_share
                pool = len(EXTERNAL_SPEAKERS) if external else self.registered
                ref = ("external" if external else "registration", self.rng.randrange(pool))
                taken = self.busy.setdefault((ref, slot["day"]), [])
                if all(end <= span[0] or start >= span[1] for start, end in taken):
                    taken.append(span)
                    chosen.append((role, ref))
                    break
        return chosen


def _track_titles(rng: random.Random, topics: list[str]) -> list[str]:
    """A track's titles: every topic once before any comes back (in another format), so a day does
    not repeat itself; then, for large agendas, each of those again from another angle."""
    topics, formats = rng.sample(topics, len(topics)), rng.sample(FORMATS, len(FORMATS))
    base = [
        formats[(round_ + n) % len(formats)].format(topic=topic, topic_lower=topic[0].lower() + topic[1:])
        for round_ in range(len(formats)) for n, topic in enumerate(topics)
    ]
    return base + [f"{title} — {angle}" for angle in ANGLES for title in base]


class Titles:
    """Unique titles drawn without repetition from each list."""

    def __init__(self, rng: random.Random):
        """Every list of titles, shuffled where the order is drawn."""
        self.track = {track: _track_titles(rng, topics) for track, topics in TOPICS.items()}
        self.lists = {kind: list(titles) for kind, titles in LISTS.items()}
        self.repeats = dict.fromkeys(LISTS, 0)
        self.other = {code: list(titles) for code, titles in OTHER_LANGUAGE_TITLES.items()}
        self.used = set()

    def take(self, items: list[str], fallback: str) -> str:
        """The next title of a list; a numbered fallback when the list runs out or the title is taken."""
        title = items.pop(0) if items else fallback
        number = 2
        while title in self.used:
            title, number = f"{fallback} ({number})", number + 1
        self.used.add(title)
        return title

    def of_kind(self, kind: str, day: int) -> str:
        """A workshop, visit, side event or reception; when the list is used up, one held again that day."""
        if self.lists[kind]:
            return self.take(self.lists[kind], kind)
        originals, n = LISTS[kind], self.repeats[kind]
        self.repeats[kind] += 1
        return self.take([f"{originals[n % len(originals)]} (day {day + 1})"], f"{kind}, day {day + 1}")


def _plenary(slot: dict, titles: Titles, people: People, session: dict) -> None:
    """Opening, morning and closing plenaries, interpreted, with a moderator and three speakers."""
    if slot["start"] == "16:30":
        title = PLENARIES[2]
    else:
        title = PLENARIES[0] if slot["day"] == 0 else PLENARIES[1] if slot["day"] == 1 else None
    session["title"] = titles.take([title] if title else [], f"Morning plenary, day {slot['day'] + 1}")
    roles = ["moderator", "speaker", "speaker", "speaker"]
    session.update(interpretation=True, people=people.pick(slot, roles, 0.3))


def _parallel(slot: dict, rng: random.Random, titles: Titles, people: People, tracks: list, session: dict) -> None:
    """A session of the room's track for this block, sometimes in French, Spanish or Portuguese."""
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


def _content(slot: dict, rng: random.Random, titles: Titles, people: People, tracks: list) -> dict:
    """Title, track, language and people of one slot."""
    kind, session = slot["kind"], {"track": None, "language": "en", "interpretation": False,
                                   "signup_required": False, "capacity": None, "people": [], "status": "scheduled"}
    if kind == "Break":
        session["title"] = next(title for start, _end, title in BREAKS if start == slot["start"])
    elif kind == "Plenary":
        _plenary(slot, titles, people, session)
    elif kind == "Parallel session":
        _parallel(slot, rng, titles, people, tracks, session)
    else:
        session["title"] = titles.of_kind(kind, slot["day"])
        if kind in SIGNUP_CAPACITY:
            session.update(signup_required=True, capacity=SIGNUP_CAPACITY[kind])
        if kind != "Networking":
            session["people"] = people.pick(slot, ["speaker"] * rng.randint(1, 2), 0.1)
    return session


def plan_agenda(count: int, seed: int, days: int, registered: int) -> list[dict]:
    """Exactly `count` sessions, sorted by time and room, for a congress of at least `days` days.

    Rooms and days are added as `count` needs (timetable.size_for). Each session: day (0-based),
    start and end ("HH:MM", event-local), kind, room and track names, title, language,
    interpretation, signup_required, capacity, status and people as
    (role, ("registration", index into the `registered` speakers) | ("external", index)).
    """
    rng = random.Random(f"agenda-{seed}")  # noqa: S311 (seeded: the same demo every time, never a secret)
    slots = slots_for(count, days)
    display = [room[0] for room in ROOMS] + ROOM_ORDER[len(ROOMS):]
    slots.sort(key=lambda s: (s["day"], s["start"], display.index(s["room"]) if s["room"] else 99, s["kind"]))
    titles, people, blocks = Titles(rng), People(rng, registered), {}
    plan = []
    for slot in slots:
        # Each time block mixes the tracks across the rooms anew.
        tracks = blocks.setdefault((slot["day"], slot["start"]), rng.sample(list(TRACKS), len(TRACKS)))
        session = _content(slot, rng, titles, people, tracks)
        plan.append({key: slot[key] for key in ("day", "start", "end", "kind", "room")} | session)
    parallel = [s for s in plan if s["kind"] == "Parallel session"]
    if len(parallel) >= 20:
        # A couple of cancellations, as every real agenda has (more in a larger one).
        for session in rng.sample(parallel, 2 + len(parallel) // 200):
            session["status"] = "cancelled"
    return plan
