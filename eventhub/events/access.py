"""The one way every page and API resource loads an event by its address, and who may see it.

Drafts exist for organisers only; for anyone else a draft's address does not exist (404, so its
slug is not even confirmed). Organiser pages check the role on the route and again here, where
the object is loaded, so a route that forgot its guard still cannot show a draft.
"""
from flask import abort, g, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import lazyload

from eventhub.events.models import Event
from eventhub.extensions import db

# Built once: every page and API call of an event starts here. The door's scans show no host
# organisation, so they do not join it in (it loads on first use should one ever be needed).
_BY_SLUG = select(Event).where(Event.slug == bindparam("slug"))
_AT_THE_DOOR = _BY_SLUG.options(lazyload(Event.host_organisation))


def viewer_is_organiser() -> bool:
    """Whether the caller may see drafts: the API's token user, else the signed-in user."""
    user = g.get("api_user") if request.path.startswith("/api/") else current_user
    return bool(user is not None and user.is_authenticated and user.has_role("organiser"))


def get_event(slug: str, manage: bool = False, agenda: bool = False, door: bool = False) -> Event:
    """The event at /events/<slug>, or 404.

    door: a check-in page or scan (the caller holds the checkin role): drafts too, so the staff can
    rehearse with the real badges before the event is announced.

    manage: an organisers' page or write: drafts too, and 403 for anyone who is not an organiser.
    agenda: a page of the public agenda: 404 until the agenda is published.
    """
    event = db.session.scalar(_AT_THE_DOOR if door else _BY_SLUG, {"slug": slug})
    if manage and not viewer_is_organiser():
        abort(403)
    if event is None or (event.status == "draft" and not (manage or door)):
        abort(404, description=_("There is no event at this address."))
    if agenda and event.agenda_published_at is None:
        abort(404, description=_("This event's agenda is not published yet."))
    return event
