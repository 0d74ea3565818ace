"""The e-mails a registration's changes send, queued in the outbox with the change."""
from flask import current_app

from eventhub.mail.services import queue_message

SUBJECTS = {
    "confirmed": "Your registration for {event} is confirmed",
    "pending": "Your registration for {event} awaits approval",
    "waitlisted": "You are on the waiting list for {event}",
    "promoted": "A place is free: your registration for {event} is confirmed",
    "cancelled": "Your registration for {event} is cancelled",
    "rejected": "Your registration for {event} was not accepted",
    "manage_link": "Your registration for {event}",
}


def manage_url(registration) -> str:
    """The absolute manage link, built from BASE_URL so it works from the CLI and the worker too."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/registrations/{registration.manage_token}"


def notify(registration, kind: str) -> None:
    """Queue the message for this kind of change (in the caller's transaction)."""
    event = registration.event
    subject = SUBJECTS[kind].format(event=event.title)
    text = f"Dear {registration.full_name},\n\n{subject}.\n\nManage your registration: {manage_url(registration)}\n"
    queue_message(registration.email, subject, text)
