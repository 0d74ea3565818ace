"""Queueing messages; sending lives in eventhub.mail.sender."""
from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage


def queue_message(
    recipient: str, subject: str, text_body: str, html_body: str | None = None, attachments: list[dict] | None = None
) -> OutboxMessage:
    """Put a message in the outbox within the caller's transaction: no commit here, so the message
    exists if and only if the change it reports is committed."""
    message = OutboxMessage(
        recipient=recipient, subject=subject, text_body=text_body, html_body=html_body, attachments=attachments or []
    )
    db.session.add(message)
    return message
