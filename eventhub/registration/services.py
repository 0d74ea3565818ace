"""Registration, step three: write. Every change of a registration goes through here, in one pass:
the input is cleaned (cleaning.py), the rules decide (rules.py), then the row, its audit entry, its
e-mail and the domain event are written together in the caller's unit of work.

Whatever can take or free a place locks the event first (eventhub.core.capacity) and keeps the lock
until the caller commits, so the confirmed count never exceeds the capacity, whatever runs at once.
"""
from flask_babel import gettext as _
from sqlalchemy import select

from eventhub.audit.services import REGISTRANT, SYSTEM, Actor, diff, record, snapshot
from eventhub.core import capacity
from eventhub.core.errors import Refused
from eventhub.core.signals import registration_confirmed, registration_left
from eventhub.core.types import utcnow
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.members.models import Organisation
from eventhub.registration import cleaning, rules
from eventhub.registration.cleaning import EDITABLE, Applicants
from eventhub.registration.models import STATUSES, Delegation, Registration
from eventhub.registration.notifications import notify

# What bringing a registration back may change, and so what its audit entry compares.
RETURNING = ("full_name", "position", "organisation_id", "organisation_name", "category", "answers", "listed",
             "locale", "delegation_id", "created_at")


def register(event: Event, data: dict, actor: Actor = REGISTRANT, organiser: bool = False) -> Registration:
    """Register one person. Raises ValidationError for bad fields, Refused when the rules say no.

    An email whose registration was cancelled or rejected registers again on the same row (see rules).
    """
    rules.check_open(event, organiser)
    applicants = cleaning.clean_registration(event, data, organiser)
    return enrol(event, applicants, actor, organiser)[0]


def request_registration(event: Event, data: dict) -> Registration | None:
    """The public form: one person whose address is not proven yet. The registration holds no place
    and sends no news until its owner opens the link mailed to the address and confirms
    (confirm_address); unconfirmed ones expire (rules.expired).

    Returns None when the address is registered already: its owner is e-mailed their link, and the
    page says the same as for a new registration, so the form tells no one who is registered.
    """
    rules.check_open(event)
    applicants = cleaning.clean_registration(event, data)
    try:
        registration = enrol(event, applicants, REGISTRANT, unconfirmed=True)[0]
    except Refused as refused:
        if refused.reason != "duplicate":
            raise
        resend_manage_link(event, applicants.emails[0])
        return None
    notify(registration, "confirm_address")
    return registration


def confirm_address(registration: Registration, actor: Actor = REGISTRANT) -> Registration:
    """Its owner opened the mailed link and confirmed: the registration is now decided like any other
    (a place, the waiting list, or the organisers' approval) and its owner told by e-mail. Confirming
    again changes nothing."""
    event = registration.event
    capacity.lock(Event, event.id)
    db.session.refresh(registration)
    if registration.status != rules.UNCONFIRMED:
        return registration
    if rules.expired(registration.created_at):
        raise Refused("expired", _("This link has expired: registrations not confirmed within %(hours)d hours "
                                   "hold no place. Please register again.", hours=rules.confirm_hours()))
    rules.check_open(event)
    rules.check_eligible(event, registration.organisation)
    rules.check_quota(event, registration.organisation)
    fill_places(event, SYSTEM)
    _decide(registration, registration.email, actor)
    return registration


def _decide(registration: Registration, proof: str, actor: Actor) -> None:
    """Give an unconfirmed registration its status now that `proof` (its own or its head's address) is
    confirmed; audited, told by e-mail, announced. The caller holds the event's lock."""
    event = registration.event
    # Someone the organisers once turned down goes back to them (rules), also through a new request.
    previous = "rejected" if rules.was_rejected(registration) else None
    _set_status(registration, rules.status_for(event, registration.organisation, previous, email=proof))
    record(actor, "registration.address_confirmed", registration, event.id,
           {"status": [rules.UNCONFIRMED, registration.status]})
    notify(registration, registration.status)
    _announce_confirmed(registration, rules.UNCONFIRMED, actor)


def confirm_delegates(delegation: Delegation, actor: Actor = REGISTRANT) -> list[Registration]:
    """The head confirmed the address: the delegates waiting for it are decided in the order they were
    entered, all or none (eligibility and quota as at registration), and each one e-mailed."""
    event = delegation.event
    capacity.lock(Event, event.id)
    waiting = [r for r in delegation.registrations if r.status == rules.UNCONFIRMED]
    if delegation.confirmed_at is None and rules.expired(delegation.created_at):
        raise Refused("expired", _("This link has expired: delegations not confirmed within %(hours)d hours "
                                   "hold no place. Please register the delegation again.",
                                   hours=rules.confirm_hours()))
    if waiting:
        rules.check_open(event)
        rules.check_eligible(event, delegation.organisation)
        rules.check_quota(event, delegation.organisation, adding=len(waiting))
        fill_places(event, SYSTEM)
        for registration in sorted(waiting, key=lambda r: r.id):
            _decide(registration, delegation.head_email, actor)
    if delegation.confirmed_at is None:
        delegation.confirmed_at = utcnow()
        record(actor, "delegation.confirmed", delegation, event.id, {"delegates": len(waiting)})
    return waiting


def enrol(event: Event, applicants: Applicants, actor: Actor, organiser: bool = False,
          delegation: Delegation | None = None, unconfirmed: bool = False) -> list[Registration]:
    """Decide and write, under the event's lock, for people of one organisation (one person, or a
    delegation's delegates, all or none): eligible, not registered yet, within the quota; then each
    one's registration with its status, audit entry and e-mail.

    unconfirmed: made through a public form by someone whose address is not proven yet; the rows hold
    no place and send nothing until it is (confirm_address, confirm_delegates)."""
    capacity.lock(Event, event.id)
    rules.check_not_anonymised(event)
    rules.check_eligible(event, applicants.organisation)
    previous = rules.previous_registrations(event, applicants.emails)
    rules.check_quota(event, applicants.organisation, adding=len(applicants.people))
    # Places freed since the last decision go to the waiting list first, not to the newcomers.
    fill_places(event, SYSTEM)
    return [_write(event, person, applicants, actor, organiser, delegation, previous.get(person["email"]),
                   unconfirmed)
            for person in applicants.people]


def _write(event: Event, person: dict, applicants: Applicants, actor: Actor, organiser: bool,
           delegation: Delegation | None, returning: Registration | None, unconfirmed: bool = False) -> Registration:
    """One registration: a new row, or `returning` (the same email's cancelled or rejected one) brought back.

    A returning registration gets a new manage link and a new calendar feed (whoever holds the old
    ones, shared while it was cancelled, must not reach the new registration), today's date (what the
    lists and the CSV show as "registered"), and the details typed this time; what they were before
    is in its "registration.reactivated" entry, so nothing is lost either way.
    """
    registration = returning or Registration(event=event)
    before = snapshot(registration, RETURNING) if returning else None
    previous = returning.status if returning else None
    # No autoflush: the row must not be flushed (half-built, or counted) while its status is decided.
    with db.session.no_autoflush:
        for name, value in person.items():
            setattr(registration, name, value)
        registration.organisation = applicants.organisation
        registration.organisation_name = applicants.organisation_name
        registration.delegation = delegation
        registration.issue_manage_token()
        registration.issue_calendar_token()
        registration.privacy_consent_at = registration.created_at = utcnow()
        if returning:
            # A new invitation must outrank the CANCEL that withdrew the old one (same UID).
            registration.invitation_sequence += 1
        if unconfirmed:
            registration.status, registration.waitlisted_at = rules.UNCONFIRMED, None
        else:
            # A delegate's claim to the organisation rests on the head's address, who made it.
            proof = delegation.head_email if delegation is not None else person["email"]
            _set_status(registration, rules.status_for(event, applicants.organisation, previous, organiser, proof))
        registration.refresh_search_text()
    db.session.add(registration)
    db.session.flush()  # the new values of the foreign keys, and the new row's id
    if returning:
        changes = diff(before, snapshot(registration, RETURNING))
        record(actor, "registration.reactivated", registration, event.id,
               {"status": [previous, registration.status], **changes})
    else:
        record(actor, f"registration.{registration.status}", registration, event.id, {"email": person["email"]})
    if not unconfirmed:  # the request's own message asks to confirm (request_registration)
        notify(registration, registration.status)
        _announce_confirmed(registration, previous, actor)
    return registration


def _announce_confirmed(registration: Registration, previous: str | None, actor: Actor) -> None:
    """Tell the domains built on registration (badges) that someone now holds a place."""
    if registration.status == "confirmed" and previous != "confirmed":
        registration_confirmed.send(registration, previous=previous, actor=actor)


def _set_status(registration: Registration, status: str) -> None:
    """Put a registration in a status; joining the waiting list takes a place at its end."""
    if status == "waitlisted":
        capacity.join_waitlist(registration)
    else:
        registration.status, registration.waitlisted_at = status, None


def _transition(registration: Registration, status: str, actor: Actor, allowed_from: tuple) -> Registration:
    """Change status under the event lock; a registration leaving (cancelled, rejected) is announced
    (registration_left: its workshop places are given back) and its place goes to the waiting list."""
    event = registration.event
    capacity.lock(Event, event.id)
    db.session.refresh(registration)
    if registration.status not in allowed_from:
        raise Refused("wrong_status", _("This registration is %(status)s; that cannot be changed to %(new)s.",
                                        status=_(registration.status_label).lower(),
                                        new=_(STATUSES.get(status, status)).lower()))
    previous = registration.status
    if status == "confirmed" and previous in ("pending", "waitlisted"):
        if not capacity.has_place(event.capacity, rules.confirmed_count(event)):
            if previous == "waitlisted":
                raise Refused("full_for_promotion", _("The event is full: raise its capacity or cancel a "
                                                      "confirmed registration first."))
            status = "waitlisted"
    _set_status(registration, status)
    record(actor, f"registration.{registration.status}", registration, event.id,
           {"status": [previous, registration.status]})
    kind = "promoted" if previous == "waitlisted" and registration.status == "confirmed" else registration.status
    notify(registration, kind, withdraw_invitation=previous == "confirmed")
    _announce_confirmed(registration, previous, actor)
    if status in rules.INACTIVE_STATUSES:
        registration_left.send(registration, previous=previous, actor=actor)
        if previous == "confirmed":
            fill_places(event, SYSTEM)
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
    """Promote from the waiting list, in order, while places are free. The caller holds the event's lock."""
    free = None if event.capacity is None else event.capacity - rules.confirmed_count(event)
    if free is not None and free <= 0:
        return []
    query = rules.waitlisted_query(event)
    if free is not None:
        query = query.limit(free)
    promoted = list(db.session.scalars(query))
    for registration in promoted:
        _set_status(registration, "confirmed")
        record(actor, "registration.promoted", registration, event.id, {"status": ["waitlisted", "confirmed"]})
        notify(registration, "promoted")
        _announce_confirmed(registration, "waitlisted", actor)
    return promoted


def update_details(registration: Registration, data: dict, actor: Actor = REGISTRANT,
                   organiser: bool = False) -> Registration:
    """Edit one's own details and answers (partial: missing fields keep their values)."""
    rules.check_not_anonymised(registration.event)
    applicants = cleaning.clean_details(registration, data, organiser)
    person, organisation = applicants.people[0], applicants.organisation
    moves = organisation is not None and organisation.id != registration.organisation_id
    if moves or person["email"] != registration.email:
        # Quotas and unique emails are decided under the same lock as new registrations.
        capacity.lock(Event, registration.event_id)
        rules.check_move(registration, organisation, person["email"])
    before = snapshot(registration, EDITABLE)
    for name, value in person.items():
        setattr(registration, name, value)
    registration.organisation_id = organisation.id if organisation else None
    registration.organisation_name = applicants.organisation_name
    registration.refresh_search_text()
    changes = diff(before, snapshot(registration, EDITABLE))
    if changes:
        record(actor, "registration.updated", registration, registration.event_id, changes)
    return registration


def change_language(registration: Registration, language: str, actor: Actor = REGISTRANT) -> Registration:
    """Choose the language of one's e-mails (the manage page): from the next message on, everything sent
    to the person is written in it. Nothing else changes; ValidationError for a language not offered."""
    rules.check_not_anonymised(registration.event)
    code = cleaning.clean_language_choice(language)
    if code != registration.locale:
        record(actor, "registration.updated", registration, registration.event_id,
               {"locale": [registration.locale, code]})
        registration.locale = code
    return registration


def link_organisation(registration: Registration, organisation: Organisation, actor: Actor) -> Registration:
    """Organisers link a free-text organisation name to a member record."""
    previous = registration.organisation_name
    registration.organisation, registration.organisation_name = organisation, None
    registration.refresh_search_text()
    record(actor, "registration.linked", registration, registration.event_id,
           {"organisation": [previous, organisation.name]})
    return registration


def by_token(token: str | None) -> Registration | None:
    """The registration behind a manage link (found by the token's digest: the token is not stored)."""
    return Registration.by_secret("manage", token)


def resend_manage_link(event: Event, email: str) -> None:
    """Queue the manage link again; says nothing about whether the address is registered.

    The same link (rebuilt, see notifications.manage_url), not a new one: anyone who knows the
    address can ask, and that must not kill the link its owner has. A leaked link dies when its
    owner cancels (registering again issues a new one).
    """
    registration = db.session.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.email == email.strip().lower())
    )
    if registration is not None:
        notify(registration, "manage_link")
