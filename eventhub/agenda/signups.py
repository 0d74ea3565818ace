"""Sign-up for sessions that require it, and the personal agenda.

Capacity and the waiting list use eventhub.core.capacity, the same lock-count-decide rule as event
registration: the session row is locked first, so a workshop is never overbooked.
"""
from flask_babel import gettext as _
from sqlalchemy import delete, select

from eventhub.agenda.models import AgendaSession, SignUp, Star
from eventhub.audit.services import SYSTEM, Actor, record
from eventhub.core import capacity, signals
from eventhub.core.errors import Refused
from eventhub.extensions import db
from eventhub.registration.models import Registration

LIVE = ("confirmed", "waitlisted")


def _confirmed_signups(session: AgendaSession) -> int:
    return capacity.count(select(SignUp.id).where(SignUp.session_id == session.id, SignUp.status == "confirmed"))


def _overlapping_signup(session: AgendaSession, registration: Registration) -> SignUp | None:
    query = (
        select(SignUp)
        .join(AgendaSession, SignUp.session_id == AgendaSession.id)
        .where(
            SignUp.registration_id == registration.id,
            SignUp.status.in_(LIVE),
            SignUp.session_id != session.id,
            AgendaSession.status != "cancelled",
            AgendaSession.start_at < session.end_at,
            AgendaSession.end_at > session.start_at,
        )
    )
    return db.session.scalars(query).first()


def _check_can_sign_up(session: AgendaSession, registration: Registration) -> None:
    if registration.event_id != session.event_id or registration.status != "confirmed":
        raise Refused("not_eligible", _("Only confirmed participants of this event can sign up."))
    if not session.signup_required or session.status != "scheduled":
        raise Refused("closed", _("“%(title)s” does not take sign-ups.", title=session.localized("title")))
    other = _overlapping_signup(session, registration)
    if other is not None:
        raise Refused("overlap", _("You are already signed up for “%(title)s” at that time.",
                                   title=other.session.localized("title")))


def sign_up(session: AgendaSession, registration: Registration, actor: Actor) -> SignUp:
    """Take a place in the session, or a place on its waiting list; refuses overlaps."""
    capacity.lock(AgendaSession, session.id)
    _check_can_sign_up(session, registration)
    signup = db.session.scalar(
        select(SignUp).where(SignUp.session_id == session.id, SignUp.registration_id == registration.id)
    )
    if signup is not None and signup.status in LIVE:
        return signup
    previous = signup.status if signup is not None else None
    if signup is None:
        signup = SignUp(session_id=session.id, registration_id=registration.id)
        db.session.add(signup)
    with db.session.no_autoflush:
        if capacity.has_place(session.effective_capacity, _confirmed_signups(session)):
            signup.status, signup.waitlisted_at = "confirmed", None
        else:
            capacity.join_waitlist(signup)
    record(actor, f"signup.{signup.status}", signup, session.event_id, {"session": session.id})
    signals.signup_changed.send(signup, previous=previous, actor=actor)
    return signup


def cancel_signup(signup: SignUp, actor: Actor) -> SignUp:
    """Give the place back; the first on the session's waiting list takes it."""
    session = signup.session
    capacity.lock(AgendaSession, session.id)
    db.session.refresh(signup)
    previous = signup.status
    was_confirmed = previous == "confirmed"
    signup.status, signup.waitlisted_at = "cancelled", None
    record(actor, "signup.cancelled", signup, session.event_id, {"session": session.id})
    signals.signup_changed.send(signup, previous=previous, actor=actor)
    if was_confirmed:
        _promote_next(session)
    return signup


def release_signups(registration: Registration, actor: Actor) -> list[SignUp]:
    """Give back the workshop places (and waiting-list places) of someone who no longer attends.

    Runs when a registration leaves (agenda/listeners.py), inside that change's unit of work; each
    freed place goes to the next person on that session's waiting list. The rows stay, cancelled:
    the audit trail and the session's waiting list refer to them.
    """
    held = select(SignUp).where(SignUp.registration_id == registration.id, SignUp.status.in_(("confirmed", "waitlisted")))
    released = list(db.session.scalars(held.order_by(SignUp.session_id)))
    for signup in released:
        capacity.lock(AgendaSession, signup.session_id)
        previous = signup.status
        signup.status, signup.waitlisted_at = "cancelled", None
        record(actor, "signup.cancelled", signup, registration.event_id,
               {"session": signup.session_id, "registration": registration.status})
        signals.signup_changed.send(signup, previous=previous, actor=actor, registration_left=True)
        if previous == "confirmed":
            _promote_next(signup.session)
    return released


def _promote_next(session: AgendaSession) -> None:
    if not capacity.has_place(session.effective_capacity, _confirmed_signups(session)):
        return
    query = (
        select(SignUp)
        .where(SignUp.session_id == session.id, SignUp.status == "waitlisted")
        .order_by(*capacity.waitlist_order(SignUp))
        .limit(1)
    )
    following = db.session.scalars(query).first()
    if following is not None:
        following.status, following.waitlisted_at = "confirmed", None
        record(SYSTEM, "signup.promoted", following, session.event_id, {"session": session.id})
        signals.signup_changed.send(following, previous="waitlisted", actor=SYSTEM)


def signup_position(signup: SignUp) -> int | None:
    """Place on the session's waiting list."""
    same = (SignUp.session_id == signup.session_id) & (SignUp.status == "waitlisted")
    return capacity.position(SignUp, signup, same) if signup.status == "waitlisted" else None


def star(registration: Registration, session: AgendaSession) -> None:
    """Put a session on a confirmed registrant's personal agenda (idempotent)."""
    if registration.status != "confirmed" or registration.event_id != session.event_id:
        raise Refused("not_eligible", _("Only confirmed participants of this event have a personal agenda."))
    exists = db.session.scalar(
        select(Star.id).where(Star.registration_id == registration.id, Star.session_id == session.id)
    )
    if exists is None:
        db.session.add(Star(registration_id=registration.id, session_id=session.id))


def unstar(registration: Registration, session: AgendaSession) -> None:
    """Take a session off the personal agenda."""
    star_row = db.session.scalar(
        select(Star).where(Star.registration_id == registration.id, Star.session_id == session.id)
    )
    if star_row is not None:
        db.session.delete(star_row)


def forget_stars(registration: Registration) -> None:
    """Drop the starred sessions of someone who left.

    Registering again with the same address brings the same row back (eventhub.registration.rules),
    possibly for someone else in that city hall: the personal agenda must start empty, not show
    what the previous holder chose.
    """
    db.session.execute(delete(Star).where(Star.registration_id == registration.id))


def personal_agenda(registration: Registration) -> list[tuple[AgendaSession, bool]]:
    """Starred and signed-up sessions by time, each with whether it overlaps another of them."""
    starred = select(Star.session_id).where(Star.registration_id == registration.id)
    signed = select(SignUp.session_id).where(SignUp.registration_id == registration.id, SignUp.status.in_(LIVE))
    query = (
        select(AgendaSession)
        .where(AgendaSession.id.in_(starred.union(signed)), AgendaSession.status != "draft")
        .order_by(AgendaSession.start_at, AgendaSession.id)
    )
    sessions = list(db.session.scalars(query))
    live = [s for s in sessions if s.status != "cancelled"]
    overlapping = {
        s.id for s in live for o in live if o is not s and s.start_at < o.end_at and o.start_at < s.end_at
    }
    return [(s, s.id in overlapping) for s in sessions]
