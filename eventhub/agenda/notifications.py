"""The short e-mails about a person's place in a workshop or site visit, queued in the outbox with the change.

Sent from agenda.listeners when a sign-up or a session changes (eventhub.core.signals), in the same
unit of work. One template pair (templates/mail/signup.*) says each kind in the event's timezone,
with the session, the person's place and their manage link, under the event's envelope (its title as
sender, replies to its organisers). Each is written in the person's language (Registration.locale),
the session's and event's texts too, whoever's change caused it.
"""
from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from eventhub.agenda.models import AgendaSession, SignUp
from eventhub.core import capacity, languages
from eventhub.core.urls import external_url
from eventhub.extensions import db
from eventhub.mail.services import withdraw_queued, written_in
from eventhub.registration.models import Registration
from eventhub.registration.notifications import manage_url, queue_about

# Kind -> subject. Lambdas keep each string a literal for the message extractor.
SUBJECTS = {
    "signup_confirmed": lambda title: _("You have a place in “%(session)s”", session=title),
    "signup_waitlisted": lambda title: _("You are on the waiting list for “%(session)s”", session=title),
    "signup_promoted": lambda title: _("A place is free: you are in “%(session)s”", session=title),
    "signup_cancelled": lambda title: _("Your sign-up for “%(session)s” is cancelled", session=title),
    "session_cancelled": lambda title: _("“%(session)s” is cancelled", session=title),
    "session_reinstated": lambda title: _("“%(session)s” takes place after all", session=title),
    "session_moved": lambda title: _("“%(session)s” has a new time or room", session=title),
}
KINDS = tuple(SUBJECTS)


def signup_kind(signup: SignUp, previous: str | None) -> str | None:
    """Which message a change of sign-up calls for; None for a change worth no message."""
    if signup.status == "confirmed":
        return "signup_promoted" if previous == "waitlisted" else "signup_confirmed"
    if signup.status == "waitlisted":
        return "signup_waitlisted"
    if signup.status == "cancelled" and previous in ("confirmed", "waitlisted"):
        return "signup_cancelled"
    return None


def render_signup_message(signup: SignUp, kind: str, previous: str | None = None,
                          position: int | None = None, before: dict | None = None) -> tuple[str, str, str]:
    """Subject, plain text and HTML of one kind of message about one sign-up, in the person's language.

    position: the waiting-list place when the caller knows it already (a batch); else looked up.
    before: for session_moved, the session's start_at, end_at and room as they were.
    """
    if position is None and signup.status == "waitlisted":
        same = (SignUp.session_id == signup.session_id) & (SignUp.status == "waitlisted")
        position = capacity.position(SignUp, signup, same)
    with written_in(signup.registration.locale):
        return _render(signup, kind, previous, position, before)


def _render(signup: SignUp, kind: str, previous: str | None, position: int | None,
            before: dict | None) -> tuple[str, str, str]:
    """render_signup_message in the language spoken now."""
    session, registration = signup.session, signup.registration
    event = session.event
    subject = SUBJECTS[kind](session.localized("title"))
    context = {
        "kind": kind, "subject": subject, "signup": signup, "previous": previous, "position": position,
        "before": before,
        "session": session, "registration": registration, "event": event,
        "room": ", ".join(part for part in (session.room.name, session.room.location) if part) if session.room else None,
        "session_url": external_url("agenda.session", slug=event.slug, session_id=session.id),
        "manage_url": manage_url(registration),
        "event_url": external_url("events.detail", slug=event.slug),
        "locale": languages.current(),
    }
    return subject, render_template("mail/signup.txt", **context), render_template("mail/signup.html", **context)


def notify_signup(signup: SignUp, previous: str | None) -> None:
    """Tell the person what became of their sign-up (queued in the caller's transaction)."""
    kind = signup_kind(signup, previous)
    if kind is None or (kind != "signup_cancelled" and signup.session.status == "cancelled"):
        # A place that moves up in a cancelled session is kept in case it takes place after all;
        # "a place is free" would only confuse. If it does, session_reinstated tells them.
        return
    db.session.flush()  # a new sign-up's id and waiting-list time place it on the list
    subject, text, html = render_signup_message(signup, kind, previous)
    queue_about(signup.session.event, signup.registration.email, subject, text, html,
                language=signup.registration.locale)


def _live_signups(session: AgendaSession) -> tuple[list[SignUp], dict]:
    """The places and waiting-list places of confirmed people in the session, and the waiting-list positions."""
    query = (
        select(SignUp)
        .join(Registration, SignUp.registration_id == Registration.id)
        .where(SignUp.session_id == session.id, SignUp.status.in_(("confirmed", "waitlisted")),
               Registration.status == "confirmed")
        .options(joinedload(SignUp.registration))
        .order_by(SignUp.id)
    )
    signups = list(db.session.scalars(query))
    waitlisted = (SignUp.session_id == session.id) & (SignUp.status == "waitlisted")
    positions = capacity.positions(SignUp, waitlisted) if any(s.status == "waitlisted" for s in signups) else {}
    return signups, positions


def notify_session_moved(session: AgendaSession, before: dict) -> int:
    """Tell everyone holding a place (or a waiting-list place) the session's new time and room; how many.

    An organiser reshuffling the timetable may move a session several times before the mail worker runs:
    a message about an earlier move that is still queued is replaced, so each person gets the latest only.
    """
    signups, positions = _live_signups(session)
    for signup in signups:
        subject, text, html = render_signup_message(signup, "session_moved", position=positions.get(signup.id),
                                                    before=before)
        withdraw_queued(signup.registration.email, subject)
        queue_about(session.event, signup.registration.email, subject, text, html, language=signup.registration.locale)
    return len(signups)


def notify_session_status(session: AgendaSession, previous: str, status: str) -> int:
    """Tell everyone holding a place (or a waiting-list place) in the session that it is cancelled, or that it
    takes place after all. Their sign-ups stay as they were, so a reinstated session needs nobody to sign up
    again. Returns how many were told."""
    if status == "cancelled" and previous != "cancelled":
        kind = "session_cancelled"
    elif previous == "cancelled" and status == "scheduled":
        kind = "session_reinstated"
    else:
        return 0
    signups, positions = _live_signups(session)
    for signup in signups:
        subject, text, html = render_signup_message(signup, kind, previous, positions.get(signup.id))
        queue_about(session.event, signup.registration.email, subject, text, html, language=signup.registration.locale)
    return len(signups)
