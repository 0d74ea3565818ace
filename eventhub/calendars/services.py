"""The secret of a personal calendar feed (made with the registration), rotated by its owner.

The feed URL (/calendar/<token>.ics) is pasted into calendar apps that cannot be logged out, so
it has its own token, separate from the manage link: rotating it kills a leaked feed URL without
touching the registration's manage link.
"""
from sqlalchemy import func, select

from eventhub.agenda.loading import with_people
from eventhub.agenda.models import AgendaSession, SignUp, Star
from eventhub.audit.models import AuditEntry
from eventhub.audit.services import Actor, record
from eventhub.extensions import db
from eventhub.registration.models import Registration


def rotate_calendar_token(registration: Registration, actor: Actor) -> str:
    """A new feed token; the old feed URL stops working at once."""
    token = registration.issue_calendar_token()
    # The token itself stays out of the audit trail: it is a secret.
    record(actor, "registration.calendar_rotated", registration, registration.event_id)
    return token


def by_calendar_token(token: str) -> Registration | None:
    """The registration whose personal feed this token opens (by the token's digest), else None."""
    return Registration.by_secret("calendar", token)


def agenda_changed_at(event):
    """When anything a feed of this event shows last changed: any session (drafts too, since
    unpublishing one drops it from the feeds), the event itself, or the agenda's publication."""
    latest = db.session.scalar(select(func.max(AgendaSession.updated_at)).where(AgendaSession.event_id == event.id))
    return max(t for t in (latest, event.updated_at, event.agenda_published_at) if t is not None)


def personal_changed_at(registration: Registration):
    """The agenda's last change, or the person's last star or change of sign-up if later.

    Sign-ups change without a new row (moved up from the waiting list, cancelled): their audit
    entries date every change. A removed star leaves no date behind; the ETag (a hash of the body)
    still tells clients.
    """
    starred = select(func.max(Star.created_at)).where(Star.registration_id == registration.id)
    own_signups = select(SignUp.id).where(SignUp.registration_id == registration.id)
    signed = select(func.max(AuditEntry.at)).where(AuditEntry.subject_type == SignUp.audit_type,
                                                   AuditEntry.subject_id.in_(own_signups))
    latest = [db.session.scalar(query) for query in (starred, signed)]
    return max([agenda_changed_at(registration.event)] + [t for t in latest if t is not None])


def waitlisted_session_ids(registration: Registration) -> frozenset[int]:
    """The sessions where the person holds only a waiting-list place (TENTATIVE in their feed)."""
    query = select(SignUp.session_id).where(SignUp.registration_id == registration.id, SignUp.status == "waitlisted")
    return frozenset(db.session.scalars(query))


def load_people(sessions: list[AgendaSession]) -> None:
    """Load the people (and their cities) of already-loaded sessions in one query, not one per session."""
    with_people(sessions)
