"""The e-mails a registration's changes send, queued in the outbox with the change.

Each kind has a plain-text and an HTML template in templates/mail/; both show every time in the
event's timezone. Links are built from BASE_URL, so messages render the same from a web request,
the API or the CLI. Every message is written in its reader's language (Registration.locale: subject,
bodies, dates, the event's own texts, the sender's name and the calendar invitation), whoever's
request caused it.
"""
from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventhub.core import languages
from eventhub.core.urls import external_url
from eventhub.extensions import db
from eventhub.mail.services import queue_message, written_in
from eventhub.registration.invitation import invitation_attachment
from eventhub.registration.models import ACTIVE_STATUSES, Registration
from eventhub.registration.rules import confirm_hours, waitlist_position, waitlist_positions

# Kind -> subject. Lambdas keep each string a literal for the message extractor.
SUBJECTS = {
    "confirmed": lambda title: _("Your registration for %(event)s is confirmed", event=title),
    "pending": lambda title: _("Your registration for %(event)s awaits approval", event=title),
    "waitlisted": lambda title: _("You are on the waiting list for %(event)s", event=title),
    "promoted": lambda title: _("A place is free: your registration for %(event)s is confirmed", event=title),
    "cancelled": lambda title: _("Your registration for %(event)s is cancelled", event=title),
    "rejected": lambda title: _("Your registration for %(event)s was not accepted", event=title),
    "manage_link": lambda title: _("Your registration for %(event)s", event=title),
    "confirm_address": lambda title: _("Please confirm your registration for %(event)s", event=title),
    "event_cancelled": lambda title: _("%(event)s is cancelled", event=title),
    "event_reinstated": lambda title: _("%(event)s takes place after all", event=title),
}
KINDS = tuple(SUBJECTS)
# Messages that tell someone they have a place carry the event for their calendar.
WITH_INVITATION = ("confirmed", "promoted")
# Messages about the whole event, which carry the calendar entry only to those with a place.
ABOUT_THE_EVENT = ("event_cancelled", "event_reinstated")


def envelope(event, language: str | None = None) -> dict:
    """How a message about the event is sent: under its title in the reader's language (From: "<title>"
    <MAIL_DEFAULT_SENDER's address>), with replies to its organisers' contact (Reply-To; none when the
    event has no contact)."""
    return {"sender_name": event.localized("title", language), "reply_to": event.contact_email}


def queue_about(event, recipient: str, subject: str, text: str, html: str, attachments: list | None = None,
                language: str | None = None) -> None:
    """Queue a message about the event, with its envelope, in the caller's transaction.

    language: the one the message is written in (default: the one spoken now)."""
    queue_message(recipient, subject, text, html, attachments, **envelope(event, language))


def manage_url(registration) -> str:
    """The absolute manage link, built from BASE_URL so it works from the CLI and the worker too.

    Only its digest is stored; a link the app cannot rebuild (issued before links were derived, see
    eventhub.core.tokens) is replaced here, so that every message carries a link that works.
    """
    return external_url("registration.manage", token=registration.manage_token or registration.issue_manage_token())


def message_context(registration, kind: str, position: int | None = None) -> dict:
    """What the templates show: the person, the event, their status and links.

    position: the waiting-list place when the caller knows it already (a batch); else looked up.
    """
    event = registration.event
    return {
        "kind": kind,
        "registration": registration,
        "event": event,
        "location": event.location,
        "position": position if position is not None else waitlist_position(registration),
        "manage_url": manage_url(registration),
        "event_url": external_url("events.detail", slug=event.slug),
        "locale": languages.current(),
        "confirm_hours": confirm_hours(),
    }


def render_message(registration, kind: str, position: int | None = None) -> tuple[str, str, str]:
    """Subject, plain text and HTML of one kind of message to one registrant, in their language."""
    if kind not in SUBJECTS:
        raise ValueError(f"unknown notification kind {kind!r}")
    with written_in(registration.locale):
        context = message_context(registration, kind, position)
        subject = SUBJECTS[kind](registration.event.localized("title"))
        return (
            subject,
            render_template(f"mail/{kind}.txt", subject=subject, **context),
            render_template(f"mail/{kind}.html", subject=subject, **context),
        )


def notify(registration, kind: str, withdraw_invitation: bool = False, position: int | None = None) -> None:
    """Queue the message for this kind of change (in the caller's transaction: no commit here).

    withdraw_invitation: the person had a place (and our invitation in their calendar) and has
    lost it; the message then carries a CANCEL of that entry.
    """
    if registration.id is None:
        # The calendar UID and the waitlist position need the row's id.
        db.session.flush()
    subject, text, html = render_message(registration, kind, position)
    attachments = []
    if kind in WITH_INVITATION or (kind == "event_reinstated" and registration.status == "confirmed"):
        if kind == "event_reinstated":
            registration.invitation_sequence += 1  # outranks the CANCEL sent when the event was called off
        attachments.append(invitation_attachment(registration, manage_url(registration)))
    elif withdraw_invitation:
        registration.invitation_sequence += 1
        attachments.append(invitation_attachment(registration, manage_url(registration), "CANCEL"))
    queue_about(registration.event, registration.email, subject, text, html, attachments, registration.locale)


def notify_everyone(event, kind: str) -> int:
    """Tell every live registration (pending, waitlisted, confirmed) of a change to the whole event.

    Those with a place get the calendar entry withdrawn ("event_cancelled") or sent again
    ("event_reinstated"). Queued in the caller's transaction; returns how many were told.
    """
    # Organisations and waiting-list places loaded once, not once per message.
    query = select(Registration).where(Registration.event_id == event.id, Registration.status.in_(ACTIVE_STATUSES))
    people = list(db.session.scalars(query.options(selectinload(Registration.organisation)).order_by(Registration.id)))
    positions = waitlist_positions(event)
    for registration in people:
        withdraw = kind == "event_cancelled" and registration.status == "confirmed"
        notify(registration, kind, withdraw_invitation=withdraw, position=positions.get(registration.id))
    return len(people)


def notify_delegation_head(delegation, language: str | None = None) -> None:
    """Tell the head of delegation who is registered and where to manage the delegation.

    language: the head's (the language of the form they used); default: the one spoken now."""
    db.session.flush()
    language = languages.normalise(language) or languages.current()
    with written_in(language):
        subject, text, html = render_delegation_message(delegation)
    queue_about(delegation.event, delegation.head_email, subject, text, html, language=language)


def render_delegation_message(delegation) -> tuple[str, str, str]:
    """Subject, plain text and HTML of the head's message, in the language spoken now."""
    event = delegation.event
    title = event.localized("title")
    organisation = delegation.organisation.name if delegation.organisation else delegation.organisation_name
    # A delegation made through the public form waits for its head to confirm the address first.
    waiting = delegation.confirmed_at is None
    subject = (_("Please confirm your delegation to %(event)s", event=title) if waiting
               else _("Your delegation to %(event)s", event=title))
    context = {
        "subject": subject,
        "delegation": delegation,
        "event": event,
        "event_url": external_url("events.detail", slug=event.slug),
        "organisation": organisation,
        # Only its digest is stored; one the app cannot rebuild is replaced (see manage_url).
        "delegation_url": external_url("delegations.delegation",
                                       token=delegation.manage_token or delegation.issue_manage_token()),
        "locale": languages.current(),
        "confirm_hours": confirm_hours(),
    }
    template = "mail/delegation_confirm" if waiting else "mail/delegation"
    return subject, render_template(f"{template}.txt", **context), render_template(f"{template}.html", **context)
