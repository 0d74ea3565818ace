"""`flask demo --attendees N`: registers the planned people (attendees.py) for the congress and the
network meeting, with the statuses the registration rules give them, in bulk.

Going through registration.services one person at a time (a lock, the checks and a flush each)
took about 50 s for 3,000 people. Here a Desk per event decides in memory with the same rules
(registration.rules.needs_approval, core.capacity.has_place, the quota, the network's members),
in plan order, and the rows are written at once: registrations with their tokens, delegations,
and the audit entries the services write (registration.<status>, delegation.created, and the
organisers' approvals and cancellations afterwards).

No e-mail is queued: the people are invented, on reserved .example domains, and the outbox of a
demo should hold only what someone does with it.
"""
import math
from collections import Counter
from types import SimpleNamespace

from flask_babel import gettext as _
from sqlalchemy import func, select

from eventhub.audit.services import SYSTEM, Actor
from eventhub.badges import tokens
from eventhub.badges.models import Badge
from eventhub.core import capacity
from eventhub.core.errors import Refused
from eventhub.core.types import utcnow
from eventhub.core.validation import Collector
from eventhub.demo.attendees import QUESTIONS, plan_attendees
from eventhub.demo.bulk import Clock, audit_row, insert_only, insert_rows, write_audit
from eventhub.events.services import save_event
from eventhub.extensions import db
from eventhub.members.models import Organisation, network_members
from eventhub.registration import rules
from eventhub.registration.cleaning import clean_answers
from eventhub.registration.models import Delegation, Registration
from eventhub.registration.questions import save_question

# A congress asked for more people than its hall holds moves to a bigger venue, in steps of this.
VENUE_STEP = 500
ORGANISATION_COLUMNS = (Organisation.id, Organisation.name, Organisation.kind, Organisation.country,
                        Organisation.status)


class Desk:
    """One event's registration desk: decides each registration as registration.rules would, in memory."""

    def __init__(self, event, organisations: dict, clock: Clock, eligible: set | None = None):
        """A desk for `event`; `eligible` holds the only organisation ids it takes (None: anyone)."""
        self.event, self.organisations, self.clock, self.eligible = event, organisations, clock, eligible
        self.confirmed, self.active, self.waiting = 0, Counter(), []

    def enrol(self, people: list[dict], organisation_id: int | None, actor: Actor) -> None:
        """Register people of one organisation (one person, or a delegation): eligible, within the
        quota, then each pending, confirmed or waitlisted, in turn."""
        organisation = self.organisations.get(organisation_id)
        if self.eligible is not None and organisation_id not in self.eligible:
            raise Refused("not_eligible", _("%(event)s is open only to its network's members.", event=self.event.title))
        quota = self.event.delegate_quota
        if quota is not None and organisation is not None and self.active[organisation_id] + len(people) > quota:
            raise Refused("over_quota", _("%(event)s takes at most %(quota)d delegates per organisation.",
                                          event=self.event.title, quota=quota))
        self.active[organisation_id] += len(people)
        for person in people:
            at = self.clock.tick()
            person.update(event_id=self.event.id, created_at=at, updated_at=at, waitlisted_at=None, history=[])
            self._set(person, self._status(organisation), at)
            person["history"].append((actor, f"registration.{person['status']}", {"email": person["email"]}, at))

    def _status(self, organisation) -> str:
        """rules.status_for, with the confirmed count kept here instead of counted in the database."""
        if rules.needs_approval(self.event, organisation):
            return "pending"
        return "confirmed" if capacity.has_place(self.event.capacity, self.confirmed) else "waitlisted"

    def _set(self, person: dict, status: str, at) -> None:
        """Put a person in a status; joining the waiting list takes a place at its end."""
        self.confirmed += (status == "confirmed") - (person.get("status") == "confirmed")
        person["status"], person["updated_at"] = status, at
        person["waitlisted_at"] = at if status == "waitlisted" else None
        if status == "waitlisted":
            self.waiting.append(person)

    def _change(self, person: dict, status: str, actor: Actor, action: str | None = None) -> None:
        """A status change with its audit entry, as registration.services._transition records it."""
        previous, at = person["status"], self.clock.tick()
        self._set(person, status, at)
        person["history"].append((actor, action or f"registration.{status}", {"status": [previous, status]}, at))

    def approve(self, person: dict, actor: Actor) -> None:
        """An organiser approves a pending registration: confirmed if there is a place, else waitlisted."""
        self._change(person, "confirmed" if capacity.has_place(self.event.capacity, self.confirmed) else "waitlisted",
                     actor)

    def cancel(self, person: dict, actor: Actor) -> None:
        """Cancel; a freed place goes to the first on the waiting list (fill_places, by the system)."""
        self.waiting = [waiting for waiting in self.waiting if waiting is not person]
        self._change(person, "cancelled", actor)
        self.active[person.get("organisation_id")] -= 1
        while self.waiting and capacity.has_place(self.event.capacity, self.confirmed):
            self._change(self.waiting.pop(0), "confirmed", SYSTEM, "registration.promoted")


def _set_up_events(congress, meeting, plan: list[tuple], actor: Actor) -> list:
    """The congress asks approval for non-members and has three questions (returned); the meeting gets
    a small room."""
    settings = {"non_member_policy": "approve"}
    coming = sum(len(data.get("delegates", [data])) for where, _kind, data in plan if where == "congress")
    if congress.capacity is not None and coming > congress.capacity:
        # Raised rather than leaving thousands waitlisted: large demos serve benchmarks of badges,
        # check-in and lists, which need people with a place; the waiting list shows at the meeting.
        settings["capacity"] = math.ceil(coming / VENUE_STEP) * VENUE_STEP
    save_event(settings, congress, actor)
    questions = [save_question(congress, question, actor=actor) for question in QUESTIONS]
    meeting_count = sum(1 for where, _kind, _data in plan if where == "meeting")
    if meeting_count:
        # A seminar room rather than the hall, so the waiting list has people on it.
        save_event({"capacity": max(2, meeting_count * 3 // 4)}, meeting, actor)
    return questions


def _clean_answers(plan: list[tuple], questions: list) -> None:
    """Store answers as the registration form does (a blank answer as None…), with its own check."""
    errors = Collector()
    for where, kind, data in plan:
        for person in data["delegates"] if kind == "delegation" else [data]:
            person["answers"] = clean_answers(questions if where == "congress" else [], person.get("answers"), errors)
    errors.raise_if_any()


def _register(plan: list[tuple], desks: dict, actor: Actor) -> tuple[list[dict], list[dict]]:
    """Everyone in plan order, then what the organisers did next: every second pending partner
    approved, and two people of a full meeting cancelled (two promoted from its waiting list)."""
    people, delegations = [], []
    for where, kind, data in plan:
        desk = desks[where]
        group = data["delegates"] if kind == "delegation" else [data]
        desk.enrol(group, data.get("organisation_id"), actor)
        people += group
        if kind == "delegation":
            delegations.append({"event_id": desk.event.id, "organisation_id": data["organisation_id"],
                                "organisation_name": None, "head_name": data["head_name"],
                                "head_email": data["head_email"], **Delegation.new_link_columns("manage"),
                                "created_at": group[-1]["created_at"], "delegates": group})
    congress, meeting = desks["congress"], desks.get("meeting")
    partners = [p for p in people if p["event_id"] == congress.event.id and p["status"] == "pending"
                and p["category"] == "partner"]
    for person in partners[::2]:
        congress.approve(person, actor)
    if meeting is not None and meeting.waiting:
        for person in [p for p in people if p["event_id"] == meeting.event.id and p["status"] == "confirmed"][:2]:
            meeting.cancel(person, actor)
    return people, delegations


def _registration_row(person: dict) -> dict:
    """A decided person as a registrations row, with fresh secrets for the manage link and the calendar feed."""
    row = {key: person[key] for key in ("event_id", "full_name", "email", "position", "category", "status", "listed",
                                        "created_at", "updated_at", "waitlisted_at")}
    row.update(organisation_id=person.get("organisation_id"), organisation_name=person.get("organisation_name"),
               answers=person.get("answers", {}), privacy_consent_at=person["created_at"], invitation_sequence=0,
               **Registration.new_link_columns("manage", "calendar"), delegation_id=person.get("delegation_id"))
    # The model's own method, so search finds them exactly as it finds people registered through the forms.
    folded = SimpleNamespace(**{key: row[key] for key in ("full_name", "email", "organisation_name")})
    Registration.refresh_search_text(folded)
    row["search_text"] = folded.search_text
    return row


def _write(people: list[dict], delegations: list[dict], actor: Actor) -> None:
    """Delegations, then registrations (pointing at them), then every audit entry, oldest first."""
    delegation_ids = insert_rows(Delegation, [{k: v for k, v in d.items() if k != "delegates"} for d in delegations],
                                 key=("manage_token_digest",))
    audit = []
    for delegation, delegation_id in zip(delegations, delegation_ids):
        for person in delegation["delegates"]:
            person["delegation_id"] = delegation_id
        audit.append(audit_row(actor, "delegation.created", Delegation.audit_type, delegation_id,
                               delegation["event_id"], {"delegates": len(delegation["delegates"])},
                               delegation["created_at"]))
    ids = insert_rows(Registration, [_registration_row(person) for person in people], key=("event_id", "email"))
    for person, registration_id in zip(people, ids):
        audit += [audit_row(who, action, Registration.audit_type, registration_id, person["event_id"], changes, at)
                  for who, action, changes, at in person["history"]]
    write_audit(audit)
    insert_only(Badge, [_badge_row(person, registration_id)
                        for person, registration_id in zip(people, ids) if person["status"] == "confirmed"])


def _badge_row(person: dict, registration_id: int) -> dict:
    """The badge eventhub.badges.listeners gives a confirmed registration, as a row."""
    token = tokens.new_token()
    return {"event_id": person["event_id"], "registration_id": registration_id, "token": token,
            "token_digest": tokens.digest(token), "issued_at": utcnow(), "revoked_at": None, "revoked_reason": None,
            "printed_at": None, "print_count": 0}


def seed_attendees(events: list, count: int, seed: int, organiser) -> str:
    """Register exactly `count` people for the demo events; returns a one-line summary. Queues no mail."""
    congress = next(e for e in events if e.kind == "congress")
    meeting = next((e for e in events if e.kind == "network_meeting" and e.status == "published"), None)
    actor = Actor.for_user(organiser)
    organisations = db.session.execute(select(*ORGANISATION_COLUMNS).order_by(Organisation.id)).all()
    by_id = {organisation.id: organisation for organisation in organisations}
    meeting_members = []
    if meeting is not None and meeting.network_id is not None:
        meeting_members = [by_id[row.organisation_id] for row in db.session.execute(
            select(network_members.c.organisation_id).where(network_members.c.network_id == meeting.network_id)
            .order_by(network_members.c.organisation_id))]
    plan = plan_attendees(count, seed, organisations, by_id.get(congress.host_organisation_id), meeting_members)
    _clean_answers(plan, _set_up_events(congress, meeting, plan, actor))
    clock = Clock(2 * count + 10)  # registrations, then the organisers' approvals and cancellations
    desks = {"congress": Desk(congress, by_id, clock)}
    if meeting is not None:
        eligible = {member.id for member in meeting_members} if meeting.network_id is not None else None
        desks["meeting"] = Desk(meeting, by_id, clock, eligible)
    people, delegations = _register(plan, desks, actor)
    if len(people) != count:
        raise RuntimeError(f"planned {len(people)} registrations instead of {count}")  # never silently fewer
    _write(people, delegations, actor)
    return _summary(count)


def _summary(count: int) -> str:
    """E.g. "Created 200 registrations (3 delegations): 160 confirmed, 10 waitlisted, 28 pending, 2 cancelled."""
    statuses = dict(db.session.execute(select(Registration.status, func.count()).group_by(Registration.status)).all())
    delegations = db.session.scalar(select(func.count()).select_from(Delegation))
    shown = ("confirmed", "waitlisted", "pending", "cancelled")
    parts = ", ".join(f"{statuses[status]} {status}" for status in shown if statuses.get(status))
    return f"Created {count} registrations ({delegations} delegations): {parts}."
