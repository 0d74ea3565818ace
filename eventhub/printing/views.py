"""Printed documents served to browsers: the programme booklet (and next the badges)."""
from flask import Blueprint, Response, abort, request
from flask_login import current_user

from eventhub.agenda import queries
from eventhub.events.services import event_by_slug

bp = Blueprint("printing", __name__)


@bp.route("/events/<slug>/programme.pdf")
def programme_pdf(slug: str):
    """The printable programme; an unchanged agenda answers a conditional request without rendering it again.

    Organisers also get a proof before the agenda (or the event) is public, marked as a draft.
    """
    from eventhub.printing import programme  # reportlab only loads when a booklet is asked for

    event, proof = queries.published_agenda_event(slug), False
    if event is None and current_user.is_authenticated and current_user.has_role("organiser"):
        event, proof = event_by_slug(slug), True
    if event is None:
        abort(404)
    sessions = queries.visible_sessions(event)
    etag = programme.programme_etag(event, sessions, proof)
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(programme.cached_programme_pdf(event, sessions, etag, proof), mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'inline; filename="{event.slug}-programme.pdf"'
    response.set_etag(etag)
    if proof:
        response.cache_control.private = True
    return response
