"""Printed documents served to browsers: the programme booklet, and the organisers' check before printing."""
from flask import Blueprint, Response, render_template, request

from eventhub.agenda import queries
from eventhub.agenda.scopes import agenda_version
from eventhub.agenda.services import event_sessions
from eventhub.auth.access import organiser_required
from eventhub.core import cache
from eventhub.core.urls import external_url
from eventhub.events.access import get_event, viewer_is_organiser
from eventhub.printing.preflight import code_points, findings, session_findings

bp = Blueprint("printing", __name__)


@bp.route("/events/<slug>/programme.pdf")
def programme_pdf(slug: str):
    """The printable programme; an unchanged agenda answers a conditional request without rendering it again.

    Organisers also get a proof before the agenda (or the event) is public, marked as a draft.
    """
    organiser = viewer_is_organiser()
    event = get_event(slug, manage=organiser, agenda=not organiser)
    # Organisers get the public booklet once everyone does, and a marked proof before.
    proof = event.status == "draft" or event.agenda_published_at is None
    entry = _booklet(event, proof)
    if request.if_none_match.contains(entry.meta["etag"]):
        response = Response(status=304)
    else:
        response = Response(entry.body, mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'inline; filename="{event.slug}-programme.pdf"'
    response.set_etag(entry.meta["etag"])
    if proof:
        response.cache_control.private = True
    return response


def _booklet(event, proof: bool) -> cache.Entry:
    """The booklet and its ETag: kept (in this process, and in Redis when configured) under the agenda's
    version, so an unchanged agenda costs one small query, in any process; built again after any change."""
    from eventhub.printing import programme  # reportlab only loads when a booklet is asked for

    version = agenda_version(event)
    # The booklet speaks the event's language whatever the visitor's: one copy per version serves everyone.
    key = "|".join(map(str, ("programme.pdf", programme.LAYOUT, event.id, version, proof,
                             programme.language_of(event), external_url("events.index"))))
    entry = cache.get(key) if version else None
    if entry is None:
        sessions = queries.visible_sessions(event)
        etag = programme.programme_etag(event, sessions, proof)
        body = programme.cached_programme_pdf(event, sessions, etag, proof)
        entry = cache.put(key, body, etag=etag) if version else cache.Entry(body, {"etag": etag})
    return entry


@bp.app_template_global()
def programme_losses(session) -> list:
    """For the session form: what of this session the printed programme will leave out (preflight)."""
    return session_findings(session)


bp.add_app_template_global(code_points)


@bp.route("/manage/events/<slug>/programme")
@organiser_required
def programme_check(slug: str):
    """The programme's downloads and, before printing, the texts that will lose characters no font has."""
    event = get_event(slug, manage=True)
    sessions = event_sessions(event)  # drafts too: they are printed once published
    return render_template("printing/programme_check.html", event=event, findings=findings(event, sessions),
                           code_points=code_points, sessions=len(sessions))
