"""Registration rules: every state change goes through here, is audited and queues its e-mail.

Each function that can take or free a place locks the event first (see eventhub.core.capacity), so
the confirmed count never exceeds the capacity, whatever runs at the same time.
"""
import re
import secrets

from flask_babel import gettext as _
from sqlalchemy import select

from eventhub.audit.services import REGISTRANT, SYSTEM, Actor, record
from eventhub.core import capacity
from eventhub.core.errors import Refused
from eventhub.core.validation import Collector, text_value
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.members.models import Organisation
from eventhub.registration import reactivation, rules
from eventhub.registration.answers import clean_answers, event_questions
from eventhub.registration.models import CATEGORIES, Registration
from eventhub.registration.notifications import notify

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
# Fields people may change on their own registration afterwards.
EDITABLE = ("full_name", "email", "position", "organisation_id", "organisation_name", "category", "answers", "listed")


def new_token() -> str:
    """An unguessable secret for a manage link."""
    return secrets.token_urlsafe(24)


def clean_person(event: Event, data: dict, errors: Collector, organiser: bool = False, prefix: str = "") -> dict:
    """Check one person's details and answers; field names are prefixed for delegation rows."""
    def add(field, message):
        errors.add(prefix + field, message)

    sub = Collector()
    cleaned = {
        "full_name": text_value(data, "full_name", 200, sub, required=True),
        "position": text_value(data, "position", 200, sub),
        "email": (text_value(data, "email", 254, sub, required=True) or "").lower(),
    }
    if cleaned["email"] and not re.match(EMAIL_PATTERN, cleaned["email"]):
        sub.add("email", _("'%(value)s' is not an email address.", value=cleaned["email"]))
    category = data.get("category") or "delegate"
    allowed = CATEGORIES if organiser else event.public_category_list
    if category not in allowed:
        sub.add("category", _("Choose one of: %(choices)s.", choices=", ".join(allowed)))
    cleaned["category"] = category
    cleaned["listed"] = bool(data.get("listed"))
    cleaned["answers"] = clean_answers(event_questions(event), data.get("answers"), sub)
    for field, messages in sub.errors.items():
        for message in messages:
            add(field, message)
    return cleaned


def clean_organisation_choice(data: dict, errors: Collector) -> tuple[Organisation | None, str | None]:
    """A member record by id, or the free-text name of an unlisted organisation."""
    organisation_id = data.get("organisation_id")
    if organisation_id not in (None, ""):
        try:
            organisation = db.session.get(Organisation, int(organisation_id))
        except (TypeError, ValueError):
            organisation = None
        if organisation is None:
            errors.add("organisation_id", _("No such organisation in the member records."))
        return organisation, None
    name = text_value(data, "organisation_name", 200, errors)
    if not name:
        errors.add("organisation_id", _("Choose your organisation, or tick “not listed” and type its name."))
    return None, name


def check_consent(data: dict, errors: Collector, organiser: bool) -> None:
    if not organiser and not data.get("privacy_consent"):
        errors.add("privacy_consent", _("Please accept the privacy notice to register."))


def check_not_registered(event: Event, emails: list[str], exclude_id: int | None = None) -> None:
    """Refuse an email any other registration of the event has, cancelled ones too (the column is unique)."""
    query = select(Registration).where(Registration.event_id == event.id, Registration.email.in_(emails))
    if exclude_id is not None:
        query = query.where(Registration.id != exclude_id)
    taken = db.session.scalars(query).first()
    if taken is not None:
        raise rules.duplicate(event, taken.email)


def create_registration(event, person, organisation, organisation_name, actor, delegation=None, previous=None,
                        organiser=False) -> Registration:
    """A new registration, or `previous` (the same email's cancelled or rejected one) brought back.

    The caller holds the event lock and got `previous` from reactivation.previous_registrations.
    """
    if previous is not None:
        return reactivation.reactivate(previous, person, organisation, organisation_name, actor, delegation,
                                       new_token(), organiser)
    # No autoflush: the new row must not be flushed (half-built, or counted) while its status is decided.
    with db.session.no_autoflush:
        registration = Registration(
            event=event,
            organisation=organisation,
            organisation_name=organisation_name,
            manage_token=new_token(),
            delegation=delegation,
            **person,
        )
        rules.place(event, registration, organisation)
        registration.refresh_search_text()
    db.session.add(registration)
    record(actor, f"registration.{registration.status}", registration, event.id, {"email": person["email"]})
    notify(registration, registration.status)
    return registration


def register(event: Event, data: dict, actor: Actor = REGISTRANT, organiser: bool = False) -> Registration:
    """Register one person. Raises ValidationError for bad fields, Refused when the rules say no.

    An email whose registration was cancelled or rejected registers again on the same row (see reactivation).
    """
    if not organiser and (reason := rules.why_closed(event)):
        raise Refused("closed", reason)
    errors = Collector()
    person = clean_person(event, data, errors, organiser)
    organisation, organisation_name = clean_organisation_choice(data, errors)
    check_consent(data, errors, organiser)
    errors.raise_if_any()
    capacity.lock(Event, event.id)
    try:
        rules.check_eligible(event, organisation)
        previous = reactivation.previous_registrations(event, [person["email"]])
        rules.check_quota(event, organisation)
        fill_places(event, SYSTEM)
        registration = create_registration(event, person, organisation, organisation_name, actor,
                                           previous=previous.get(person["email"]), organiser=organiser)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return registration


def _transition(registration: Registration, status: str, actor: Actor, allowed_from: tuple) -> Registration:
    """Change status under the event lock, promote from the waiting list when a place frees, commit."""
    event = registration.event
    capacity.lock(Event, event.id)
    try:
        db.session.refresh(registration)
        if registration.status not in allowed_from:
            raise Refused(
                "wrong_status",
                _("This registration is %(status)s; that cannot be changed to %(new)s.",
                  status=_(registration.status_label).lower(), new=status),
            )
        previous = registration.status
        if status == "confirmed" and previous in ("pending", "waitlisted"):
            if not capacity.has_place(event.capacity, rules.confirmed_count(event)):
                if previous == "waitlisted":
                    raise Refused("full_for_promotion", _("The event is full: raise its capacity or cancel a "
                                                          "confirmed registration first."))
                status = "waitlisted"
        if status == "waitlisted":
            capacity.join_waitlist(registration)
        else:
            registration.status, registration.waitlisted_at = status, None
        record(actor, f"registration.{registration.status}", registration, event.id, {"status": [previous, registration.status]})
        kind = "promoted" if previous == "waitlisted" and registration.status == "confirmed" else registration.status
        notify(registration, kind, withdraw_invitation=previous == "confirmed")
        if previous == "confirmed":
            from eventhub.agenda.signups import release_signups  # agenda builds on registration, not the reverse

            release_signups(registration, actor)
            fill_places(event, SYSTEM)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return registration


def cancel(registration: Registration, actor: Actor = REGISTRANT) -> Registration:
    """Cancel; a freed place goes to the first person on the waiting list."""
    return _transition(registration, "cancelled", actor, ("pending", "confirmed", "waitlisted"))


def approve(registration: Registration, actor: Actor) -> Registration:
    """Approve a pending registration: confirmed if there is a place, else waitlisted."""
    return _transition(registration, "confirmed", actor, ("pending",))


def reject(registration: Registration, actor: Actor) -> Registration:
    """Reject; a freed place goes to the first person on the waiting list."""
    return _transition(registration, "rejected", actor, ("pending", "confirmed", "waitlisted"))


def promote(registration: Registration, actor: Actor) -> Registration:
    """Confirm a waitlisted person out of turn, when a place is free."""
    return _transition(registration, "confirmed", actor, ("waitlisted",))


def fill_places(event: Event, actor: Actor = SYSTEM) -> list[Registration]:
    """Promote from the waiting list while places are free. The caller holds the lock and commits."""
    promoted = []
    free = None if event.capacity is None else event.capacity - rules.confirmed_count(event)
    if free is not None and free <= 0:
        return promoted
    query = rules.waitlisted_query(event)
    if free is not None:
        query = query.limit(free)
    for registration in db.session.scalars(query):
        registration.status, registration.waitlisted_at = "confirmed", None
        record(actor, "registration.promoted", registration, event.id, {"status": ["waitlisted", "confirmed"]})
        notify(registration, "promoted")
        promoted.append(registration)
    return promoted


def fill_after_capacity_change(event: Event, actor: Actor = SYSTEM) -> list[Registration]:
    """After an organiser raises the capacity: promote as many as now fit, in order."""
    capacity.lock(Event, event.id)
    promoted = fill_places(event, actor)
    db.session.commit()
    return promoted


def update_details(registration: Registration, data: dict, actor: Actor = REGISTRANT, organiser: bool = False) -> Registration:
    """Edit one's own details and answers (partial: missing fields keep their values)."""
    event = registration.event
    current = {field: getattr(registration, field) for field in EDITABLE}
    merged = {**current, **{k: v for k, v in data.items() if k in EDITABLE}}
    if "organisation_id" in data and data["organisation_id"] not in (None, ""):
        merged["organisation_name"] = None
    # Answers to questions deleted since are kept as they are (the CSV still shows them), not re-checked.
    asked = {q.key for q in event_questions(event)}
    orphans = {k: v for k, v in (registration.answers or {}).items() if k not in asked}
    merged["answers"] = {k: v for k, v in (merged["answers"] or {}).items() if k in asked or k not in orphans}
    errors = Collector()
    person = clean_person(event, merged, errors, organiser or merged["category"] == registration.category)
    organisation, organisation_name = clean_organisation_choice(merged, errors)
    errors.raise_if_any()
    person["answers"] = {**orphans, **person["answers"]}
    moves = organisation is not None and organisation.id != registration.organisation_id
    if moves or person["email"] != registration.email:
        # Quotas and unique emails are decided under the same lock as new registrations.
        capacity.lock(Event, event.id)
    try:
        if moves:
            rules.check_eligible(event, organisation)
            rules.check_quota(event, organisation, exclude_ids=[registration.id])
        if person["email"] != registration.email:
            check_not_registered(event, [person["email"]], exclude_id=registration.id)
        new = {**person, "organisation_id": organisation.id if organisation else None,
               "organisation_name": organisation_name}
        changes = {f: [current[f], new[f]] for f in EDITABLE if current[f] != new[f]}
        for field, (_old, value) in changes.items():
            setattr(registration, field, value)
        registration.refresh_search_text()
        if changes:
            record(actor, "registration.updated", registration, event.id, _printable(changes))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return registration


def _printable(changes: dict) -> dict:
    """Audit entries are JSON: keep plain values."""
    return {k: [v if isinstance(v, (str, int, bool, list, dict, type(None))) else str(v) for v in pair] for k, pair in changes.items()}


def link_organisation(registration: Registration, organisation: Organisation, actor: Actor) -> Registration:
    """Organisers link a free-text organisation name to a member record."""
    previous = registration.organisation_name
    registration.organisation, registration.organisation_name = organisation, None
    registration.refresh_search_text()
    record(actor, "registration.linked", registration, registration.event_id, {"organisation": [previous, organisation.name]})
    db.session.commit()
    return registration


def by_token(token: str) -> Registration | None:
    """The registration behind a manage link."""
    return db.session.scalar(select(Registration).where(Registration.manage_token == token)) if token else None


def resend_manage_link(event: Event, email: str) -> None:
    """Queue the manage link again; says nothing about whether the address is registered."""
    registration = db.session.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.email == email.strip().lower())
    )
    if registration is not None:
        notify(registration, "manage_link")
        db.session.commit()


def waitlist_position(registration: Registration) -> int | None:
    """1-based place on the waiting list, None when not waitlisted."""
    if registration.status != "waitlisted":
        return None
    same_pool = (Registration.event_id == registration.event_id) & (Registration.status == "waitlisted")
    return capacity.position(Registration, registration, same_pool)


def waitlist_positions(event: Event) -> dict[int, int]:
    """Every waitlisted registration's position, in one query."""
    return capacity.positions(Registration, (Registration.event_id == event.id) & (Registration.status == "waitlisted"))
