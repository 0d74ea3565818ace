"""The e-mails about meeting requests and meetings, queued in the outbox with the change.

Each goes to one person, in their language (Registration.locale), whoever's change caused it (the
other person, a head of delegation, an organiser); times are in the event's timezone. A declined
request is told kindly: it says nothing about why.
"""
from flask import render_template
from flask_babel import gettext as _

from eventhub.core import languages
from eventhub.core.urls import external_url
from eventhub.mail.services import written_in
from eventhub.registration.notifications import queue_about

# Kind -> subject. Lambdas keep each string a literal for the message extractor.
SUBJECTS = {
    "requested": lambda name: _("%(name)s would like to meet you", name=name),
    "counter_proposed": lambda name: _("%(name)s proposes another time to meet", name=name),
    "declined": lambda name: _("About your meeting request to %(name)s", name=name),
    "withdrawn": lambda name: _("%(name)s has withdrawn a meeting request", name=name),
    "confirmed": lambda name: _("Your meeting with %(name)s is confirmed", name=name),
    "cancelled": lambda name: _("Your meeting with %(name)s is cancelled", name=name),
}


def meetings_url(registration) -> str:
    """The person's own meetings page (their manage link's secret opens it)."""
    token = registration.manage_token or registration.issue_manage_token()
    return external_url("meetings.mine", token=token)


def _send(kind: str, to, other, event, **context) -> None:
    with written_in(to.locale):
        subject = SUBJECTS[kind](other.full_name)
        values = {"kind": kind, "subject": subject, "registration": to, "other": other, "event": event,
                  "meetings_url": meetings_url(to), "event_url": external_url("events.detail", slug=event.slug),
                  "locale": languages.current(), **context}
        text = render_template("meetings/mail/meeting.txt", **values)
        html = render_template("meetings/mail/meeting.html", **values)
    queue_about(event, to.email, subject, text, html, language=to.locale)


def notify_request(meeting_request, kind: str, to=None) -> None:
    """Tell one side of a request what the other did (a new request goes to the person asked)."""
    to = to or meeting_request.recipient
    other = meeting_request.other(to.id)
    _send(kind, to, other, meeting_request.event, meeting_request=meeting_request,
          slots=meeting_request.open_slots)


def notify_meeting(meeting, kind: str, by=None) -> None:
    """Tell both people that their meeting is booked, or cancelled."""
    event = meeting.event
    for participant in meeting.participants:
        other = meeting.other(participant.registration_id)
        _send(kind, participant.registration, other, event, meeting=meeting, slot=meeting.slot, area=meeting.area,
              cancelled_by_other=by is not None and by.id == other.id)
