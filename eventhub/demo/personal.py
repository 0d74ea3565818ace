"""Personal agendas for `flask demo --sessions N`: some confirmed registrants sign up for workshops
and site visits (one of them over-full, so its waiting list shows) and star sessions.

Decided in memory with the sign-up rules of eventhub.agenda.signups (a place while the session has
one, else the waiting list; never two overlapping sessions), then written in bulk.
"""
import random
from collections import Counter, defaultdict

from eventhub.agenda.models import SignUp, Star
from eventhub.audit.services import Actor
from eventhub.core import capacity
from eventhub.demo.bulk import Clock, audit_row, insert_only, insert_rows, write_audit

# People who star sessions: at least this many, and one in STARRING_SHARE of the confirmed.
STARRING, STARRING_SHARE = 12, 50


def _overlap(a: dict, b: dict) -> bool:
    """Whether two sessions share a moment."""
    return a["start_at"] < b["end_at"] and b["start_at"] < a["end_at"]


def plan_personal_agendas(sessions: list[dict], confirmed: list[int], seed: int) -> tuple[list[dict], list[tuple]]:
    """Sign-ups and stars, from sessions in agenda order (dicts with id, kind, status, start_at, end_at,
    signup_required, capacity) and confirmed registration ids.

    Returns sign-ups ({session_id, registration_id, status}, in the order they were made) and
    stars as (registration_id, session_id).
    """
    rng = random.Random(f"agenda-choices-{seed}")  # noqa: S311 (seeded: the same demo every time, never a secret)
    live = [s for s in sessions if s["status"] == "scheduled" and s["kind"] != "Break"]
    signups, held, places = [], defaultdict(list), Counter()
    for session in (s for s in live if s["signup_required"]):
        wanted = (session["capacity"] or 10) + 2 if not signups else rng.randint(1, 3)  # one waiting list shows
        for registration in rng.sample(confirmed, min(wanted, len(confirmed))):
            if any(_overlap(session, other) for other in held[registration]):
                continue  # already in an overlapping workshop: the rules say no, as they should
            held[registration].append(session)
            if capacity.has_place(session["capacity"], places[session["id"]]):
                places[session["id"]] += 1
                status = "confirmed"
            else:
                status = "waitlisted"
            signups.append({"session_id": session["id"], "registration_id": registration, "status": status})
    stars = []
    for registration in confirmed[:max(STARRING, len(confirmed) // STARRING_SHARE)]:
        for session in rng.sample(live, min(len(live), rng.randint(3, 4))):
            stars.append((registration, session["id"]))
    return signups, stars


def seed_personal_agendas(event, sessions: list[dict], confirmed: list[int], seed: int, actor: Actor) -> str:
    """Write the planned sign-ups (with their signup.<status> audit entries) and stars; returns a summary."""
    signups, stars = plan_personal_agendas(sessions, confirmed, seed)
    clock = Clock(len(signups) + len(stars))
    rows = []
    for signup in signups:
        at = clock.tick()
        waiting = at if signup["status"] == "waitlisted" else None
        rows.append({**signup, "created_at": at, "waitlisted_at": waiting})
    ids = insert_rows(SignUp, rows, key=("session_id", "registration_id"))
    write_audit([audit_row(actor, f"signup.{row['status']}", SignUp.audit_type, signup_id, event.id,
                           {"session": row["session_id"]}, row["created_at"]) for row, signup_id in zip(rows, ids)])
    insert_only(Star, [{"registration_id": registration, "session_id": session, "created_at": clock.tick()}
                       for registration, session in stars])
    return f"{len(signups)} sign-ups and {len(stars)} stars on personal agendas"
