"""What `flask demo` will create, as plain values: no database, so tests can compare plans.

Everything random comes from one random.Random(seed): the same seed gives the same plan.
Only the event dates move, with the day the demo runs, so the events are always upcoming.
"""
import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from eventhub.demo.data import REAL_ORGANISATIONS
from eventhub.demo.scenario import EVENTS
from eventhub.demo.synthetic import synthetic_organisations
from eventhub.members.models import LOCAL_GOVERNMENT_KINDS

DEFAULT_MEMBERS = 150
DEFAULT_SEED = 2027
# The order regions take turns in, so small demos still hold the event hosts (Malmö,
# Seoul, Bengaluru) and, from eight members on, every region.
REGION_ORDER = (
    "Europe",
    "East Asia",
    "South Asia",
    "Latin America & Caribbean",
    "Africa",
    "North America",
    "Southeast Asia",
    "Oceania",
)
# Event hosts are always members: a former member does not host the congress.
HOSTS = frozenset(event["host"] for event in EVENTS)
# ICLEI was founded in 1990; nobody joined before, and the plan must not depend on today.
FIRST_MEMBER_DAY, LAST_MEMBER_DAY = date(1991, 1, 1), date(2024, 12, 31)


def real_rows(count: int) -> list[tuple[str, tuple]]:
    """Up to `count` (region, row) pairs from the real list, regions taking turns."""
    queues = {region: list(REAL_ORGANISATIONS[region]) for region in REGION_ORDER}
    picked = []
    while len(picked) < count and any(queues.values()):
        for region in REGION_ORDER:
            if queues[region] and len(picked) < count:
                picked.append((region, queues[region].pop(0)))
    return picked


def _real_plan(region: str, row: tuple) -> dict:
    """A row of the real list as a plan."""
    name, local_name, kind, country, population, website, tags = row
    return {
        "name": name,
        "local_name": local_name,
        "kind": kind,
        "country": country,
        "region": region,
        "population": population,
        "website": f"https://{website}" if website else None,
        "tags": tags,
    }


def _random_day(rng: random.Random) -> date:
    """A day someone may have joined on."""
    return FIRST_MEMBER_DAY + timedelta(days=rng.randrange((LAST_MEMBER_DAY - FIRST_MEMBER_DAY).days))


def _membership(plan: dict, rng: random.Random) -> None:
    """Status, member_since and a note: mostly members, some former and non-members.

    Partners (international organisations, academia, NGOs, businesses) are not members.
    """
    if plan["kind"] not in LOCAL_GOVERNMENT_KINDS:
        plan.update(status="non_member", member_since=None, notes="Partner organisation.")
        return
    draw = rng.random()
    if plan["name"] in HOSTS or plan["kind"] == "association" or draw < 0.84:
        plan.update(status="member", member_since=_random_day(rng), notes=None)
    elif draw < 0.93:
        joined = _random_day(rng)
        left = rng.randint(joined.year + 1, LAST_MEMBER_DAY.year + 1)
        plan.update(status="former_member", member_since=joined, notes=f"Membership lapsed in {left}.")
    else:
        plan.update(status="non_member", member_since=None, notes="Took part in events; not a member.")


def plan_organisations(count: int = DEFAULT_MEMBERS, seed: int = DEFAULT_SEED) -> list[dict]:
    """`count` organisations: real ones first (up to the list's length), then invented ones.

    Each dict holds the save_organisation fields plus "tags" (the networks it may join).
    """
    rng = random.Random(seed)  # noqa: S311 (seeded: the same demo every time, never a secret)
    plans = [_real_plan(region, row) for region, row in real_rows(count)]
    if count > len(plans):
        plans += synthetic_organisations(count - len(plans), rng, taken={plan["name"] for plan in plans})
    for number, plan in enumerate(plans, start=1):
        _membership(plan, rng)
        plan["external_id"] = f"ICLEI-{number:04d}"
    return plans


def plan_network_members(plans: list[dict]) -> dict[str, list[str]]:
    """Network tag -> names of the members joining it: tagged local governments with member status."""
    members = {"r": [], "n": [], "c": []}
    for plan in plans:
        if plan["status"] == "member" and plan["kind"] in LOCAL_GOVERNMENT_KINDS:
            for tag in plan["tags"]:
                members[tag].append(plan["name"])
    return members


def plan_events(now: datetime) -> list[dict]:
    """The demo events for a run at `now` (aware): data for save_event, plus host, network, publish.

    Times are naive wall-clock times in each event's timezone, as save_event reads them.
    """
    plans = []
    for spec in EVENTS:
        today = now.astimezone(ZoneInfo(spec["timezone"])).date()
        first = today + timedelta(days=spec["days_ahead"])
        first += timedelta(days=(spec["weekday"] - first.weekday()) % 7)
        last = first + timedelta(days=spec["days"] - 1)
        (start_hour, start_minute), (end_hour, end_minute) = spec["daily_hours"]
        data = {key: spec[key] for key in ("kind", "summary", "description", "timezone", "venue_name",
                                           "venue_address", "latitude", "longitude", "capacity", "contact_email",
                                           "contact_phone")}
        data.update(
            title=spec["title"].format(year=first.year),
            translations={code: {**texts, "title": texts["title"].format(year=first.year)}
                          for code, texts in spec.get("translations", {}).items()},
            start=datetime.combine(first, time(start_hour, start_minute)),
            end=datetime.combine(last, time(end_hour, end_minute)),
            # Open since this morning, so people can register as soon as the demo is up.
            registration_opens=datetime.combine(today, time(0, 0)),
            registration_closes=datetime.combine(
                first - timedelta(days=spec["registration_closes_days_before"]), time(23, 59)
            ),
        )
        plans.append({"data": data, "host": spec["host"], "network": spec["network"], "publish": spec["publish"]})
    return plans
