"""Printed documents served to browsers: the programme booklet (and next the badges)."""
from flask import Blueprint, Response, request

from eventhub.agenda import queries
from eventhub.events.access import get_event, viewer_is_organiser

bp = Blueprint("printing", __name__)


@bp.route("/events/<slug>/programme.pdf")
def programme_pdf(slug: str):
    """The printable programme; an unchanged agenda answers a conditional request without rendering it again.

    Organisers also get a proof before the agenda (or the event) is public, marked as a draft.
    """
    from eventhub.printing import programme  # reportlab only loads when a booklet is asked for

    organiser = viewer_is_organiser()
    event = get_event(slug, manage=organiser, agenda=not organiser)
    # Organisers get the public booklet once everyone does, and a marked proof before.
    proof = event.status == "draft" or event.agenda_published_at is None
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
