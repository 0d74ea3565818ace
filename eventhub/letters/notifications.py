"""The e-mails about a letter request, written in the registrant's language (Registration.locale)."""
from flask import render_template
from flask_babel import gettext as _

from eventhub.core.urls import external_url
from eventhub.mail.services import written_in
from eventhub.registration.notifications import message_context, queue_about

SUBJECTS = {
    "approved": lambda title: _("Your invitation letter for %(event)s is ready", event=title),
    "refused": lambda title: _("Your request for an invitation letter for %(event)s", event=title),
}


def notify(letter, kind: str) -> None:
    """Queue the message in the caller's transaction: the letter is ready to download, or was refused."""
    registration = letter.registration
    with written_in(registration.locale):
        context = message_context(registration, kind)
        context.update(letter=letter, letter_url=external_url("letters.ask", token=registration.manage_token))
        subject = SUBJECTS[kind](registration.event.localized("title"))
        text = render_template(f"letters/mail/{kind}.txt", subject=subject, **context)
        html = render_template(f"letters/mail/{kind}.html", subject=subject, **context)
    queue_about(registration.event, registration.email, subject, text, html, language=registration.locale)
