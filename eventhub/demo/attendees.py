"""Who registers in `flask demo --attendees N`, as plain values: people, their organisations and answers.

People come from member cities (names in their country's script, see names.py), a few city
delegations register together, partners and the press register too; a fifth go to the network
meeting. One random.Random(seed) decides all: the same seed gives the same people and answers.
registrations.py decides their statuses and writes them.
"""
import random

from eventhub.demo.names import person_name, pool_for
from eventhub.events.services import slugify
from eventhub.members.models import LOCAL_GOVERNMENT_KINDS

DEFAULT_ATTENDEES = 200
# A network meeting is a seminar, not a second congress: larger demos grow the congress instead.
MEETING_MAX = 500
DIETS = ["No special diet", "Vegetarian", "Vegan", "Halal", "Kosher", "Gluten-free"]
LANGUAGES = ["English", "Français", "Español", "Português", "Русский", "中文", "العربية"]
QUESTIONS = [
    {"key": "dietary_needs", "label": "Dietary needs", "kind": "single_choice", "required": True, "options": DIETS},
    {"key": "interpretation_language", "label": "Interpretation language", "kind": "single_choice",
     "required": True, "options": LANGUAGES, "help_text": "Plenaries are interpreted into these languages."},
    {"key": "accessibility_needs", "label": "Accessibility needs", "kind": "short_text",
     "help_text": "Anything that would make the congress easier to attend for you."},
]
ACCESS_NEEDS = ["Wheelchair access", "Sign language interpretation", "Hearing loop in plenary rooms",
                "Step-free route to the study tours", "Seat near the front (low vision)"]
POOL_LANGUAGE = {"fr": "Français", "es": "Español", "pt": "Português", "ru": "Русский", "mn": "Русский",
                 "zh": "中文", "zh_tw": "中文", "ar": "العربية"}
HALAL_POOLS = {"ar", "ur", "bn", "id", "mv"}
POSITIONS = {
    "delegate": ["Deputy Mayor", "Councillor", "City officer", "Climate advisor", "Head of Sustainability",
                 "Urban planner", "Chief Resilience Officer", "Director of Environment", "Energy manager",
                 "International relations officer"],
    "speaker": ["Mayor", "Deputy Mayor", "Governor", "Chief Resilience Officer", "Director of Environment"],
    "partner": ["Programme officer", "Senior researcher", "Policy analyst", "Director", "Project manager"],
    "press": ["Journalist", "Correspondent", "Editor", "Photographer"],
    "staff": ["Event coordinator", "Protocol officer", "Volunteer coordinator"],
}
# Not in the member records: the organisers approve (or link) them by hand.
UNLISTED = [("Municipality of Lund", "SE"), ("Comune di Bologna", "IT"), ("Ville de Grenoble", "FR"),
            ("Gemeente Utrecht", "NL"), ("Câmara Municipal do Porto", "PT"), ("Prefeitura de Niterói", "BR"),
            ("Alcaldía de Santiago de Cali", "CO"), ("名古屋市", "JP"), ("광주광역시", "KR"),
            ("محافظة أسوان", "EG"), ("Gmina Miasta Gdańska", "PL"), ("Δήμος Πατρέων", "GR")]
# Partners for small demos whose member list holds no partner organisations.
PARTNERS = [("GIZ", "DE"), ("UNDP", "US"), ("World Bank Group", "US"), ("Agence Française de Développement", "FR"),
            ("Japan International Cooperation Agency", "JP")]
PRESS = [("Sydsvenskan", "SE"), ("Le Monde", "FR"), ("El País", "ES"), ("The Guardian", "GB"),
         ("朝日新聞", "JP"), ("الأهرام", "EG"), ("Folha de S.Paulo", "BR"), ("Deutsche Welle", "DE"),
         ("연합뉴스", "KR"), ("The Hindu", "IN"), ("Daily Nation", "KE")]


class Planner:
    """Draws people, their organisations and answers from one random.Random."""

    def __init__(self, rng: random.Random):
        """Every draw from `rng`; e-mails, mayors and mail domains remembered across people."""
        self.rng, self.emails, self.mayors, self.domains = rng, set(), set(), {}

    def domain(self, name: str) -> str:
        """The mail domain of an organisation (slugified once per name: thousands of people share it)."""
        if name not in self.domains:
            self.domains[name] = slugify(name)[:40].strip("-") or "city"
        return self.domains[name]

    def person(self, country, category, organisation=None, organisation_name=None, answers=True) -> dict:
        """One registration's data, e-mail unique across the demo (on a reserved .example domain).

        `organisation` is a member record (anything with id, name, kind, country and status).
        """
        full_name, local_part = person_name(self.rng, country)
        domain = self.domain(organisation.name if organisation else organisation_name)
        email, number = f"{local_part}@{domain}.example", 2
        while email in self.emails:
            email, number = f"{local_part}{number}@{domain}.example", number + 1
        self.emails.add(email)
        data = {"full_name": full_name, "email": email, "category": category,
                "position": self.position(category, organisation), "listed": self.rng.random() < 0.7}
        if organisation is not None:
            data["organisation_id"] = organisation.id
        else:
            data["organisation_name"] = organisation_name
        if answers:
            data["answers"] = self.answers(pool_for(country))
        return data

    def position(self, category: str, organisation) -> str:
        """A job title; a city has one mayor at most."""
        title = self.rng.choice(POSITIONS[category])
        if title == "Mayor" and organisation is not None:
            if organisation.id in self.mayors or organisation.kind not in ("city", "town"):
                return "Deputy Mayor"
            self.mayors.add(organisation.id)
        return title

    def answers(self, pool: str) -> dict:
        """Answers to the congress questions, plausible for the person's language."""
        halal = 0.4 if pool in HALAL_POOLS else 0.02
        vegetarian = 0.35 if pool == "hi" else 0.15
        roll = self.rng.random()
        if roll < halal:
            diet = "Halal"
        elif roll < halal + vegetarian:
            diet = "Vegetarian"
        else:
            diet = self.rng.choices(DIETS, weights=[70, 0, 8, 0, 2, 5])[0]
        language = POOL_LANGUAGE.get(pool, "English") if self.rng.random() < 0.8 else "English"
        access = self.rng.choice(ACCESS_NEEDS) if self.rng.random() < 0.06 else ""
        return {"dietary_needs": diet, "interpretation_language": language, "accessibility_needs": access}


def plan_attendees(count: int, seed: int, organisations: list, host, meeting_members: list) -> list[tuple]:
    """What to register: ("congress" | "meeting", "person" | "delegation", data), in order."""
    rng = random.Random(f"attendees-{seed}")  # noqa: S311 (seeded: the same demo every time, never a secret)
    planner = Planner(rng)
    cities = [o for o in organisations if o.kind in LOCAL_GOVERNMENT_KINDS]
    partners = [o for o in organisations if o.kind not in LOCAL_GOVERNMENT_KINDS]
    members = [o for o in cities if o.status == "member"]
    meeting_count = min(count // 5, MEETING_MAX) if meeting_members else 0
    congress_left = count - meeting_count
    plan = []
    # A few city delegations; a large congress has more of them (the same for up to 2,000 people).
    for city in rng.sample(members, min(len(members), congress_left // 40, 5 + congress_left // 400)):
        size = min(rng.randint(3, 6), congress_left)
        delegates = [planner.person(city.country, "delegate", city) for _ in range(size)]
        head = delegates[0]
        plan.append(("congress", "delegation", {"head_name": head["full_name"], "head_email": head["email"],
                                                "organisation_id": city.id, "delegates": delegates}))
        congress_left -= size
    for _ in range(congress_left):
        plan.append(("congress", "person", _congress_person(planner, cities, partners, host)))
    for _ in range(meeting_count):
        city = rng.choice(meeting_members)
        category = "speaker" if rng.random() < 0.1 else "delegate"
        plan.append(("meeting", "person", planner.person(city.country, category, city, answers=False)))
    return plan


def _congress_person(planner: Planner, cities: list, partners: list, host) -> dict:
    """Mostly delegates of cities; some speakers, partners, press, host staff and unlisted towns."""
    rng, roll = planner.rng, planner.rng.random()
    if roll < 0.04:
        outlet, country = rng.choice(PRESS)
        return planner.person(country, "press", organisation_name=outlet)
    if roll < 0.12:
        if partners:
            partner = rng.choice(partners)
            return planner.person(partner.country, "partner", partner)
        name, country = rng.choice(PARTNERS)
        return planner.person(country, "partner", organisation_name=name)
    if roll < 0.14 and host is not None:
        return planner.person(host.country, "staff", host)
    if roll < 0.18 or not cities:
        name, country = rng.choice(UNLISTED)
        return planner.person(country, "delegate", organisation_name=name)
    city = rng.choice(cities)
    return planner.person(city.country, "speaker" if rng.random() < 0.1 else "delegate", city)
