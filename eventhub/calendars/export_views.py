"""Public exports of a published agenda: frab schedule XML/JSON for apps and screens, CSV for
spreadsheets (the printable programme is in eventhub.printing).

Each is public only for a public event whose agenda is published (404 otherwise), is built from the
same session list as the agenda page (fixed number of queries), and answers conditional requests
with 304 through its ETag. Schedule apps and signage poll them: each is kept built (in this process,
and in Redis when configured) under the agenda's version, which every change renews in its own
transaction, so an unchanged agenda is one small query away from the answer, in any process.
"""
import hashlib
import json

from flask import Blueprint, Response, request
from flask_babel import force_locale

from eventhub.agenda import forms, queries
from eventhub.agenda.scopes import agenda_version
from eventhub.calendars.schedule import schedule_dict, schedule_xml
from eventhub.core import cache, languages
from eventhub.core.formatting import in_zone
from eventhub.core.csv_export import csv_bytes
from eventhub.core.urls import external_url, identity_url
from eventhub.events.access import get_event

bp = Blueprint("schedule_exports", __name__)

CSV_COLUMNS = ("day", "start", "end", "room", "track", "kind", "title", "speakers", "status")


def _send(entry: cache.Entry, mimetype: str, filename: str | None = None) -> Response:
    """The body with its ETag, answering an unchanged conditional request with 304."""
    response = Response(entry.body, mimetype=mimetype)
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.set_etag(entry.meta["etag"])
    return response.make_conditional(request)


def _kept(name: str, slug: str, build, *variant) -> cache.Entry:
    """The export `name` of the event's agenda, built by build(event, sessions) only when the agenda changed
    since it was last built (by any process); variant: whatever else the body depends on (filters)."""
    event = get_event(slug, agenda=True)
    version = agenda_version(event)
    # Titles and descriptions in ?lang=, the browser's language, else the event's main language.
    language = languages.requested(event.language)
    key = "|".join(map(str, (name, event.id, version, external_url("events.index"), identity_url(), language,
                             *variant)))
    entry = cache.get(key) if version else None
    if entry is None:
        with force_locale(language):
            body = build(event, queries.visible_sessions(event))
        etag = hashlib.sha1(body, usedforsecurity=False).hexdigest()  # an ETag, not a secret
        entry = cache.put(key, body, etag=etag)
    return entry


@bp.route("/events/<slug>/schedule.json")
def schedule_json(slug: str):
    """The agenda in the c3voc schedule JSON format."""
    def build(event, sessions) -> bytes:
        return json.dumps(schedule_dict(event, sessions), ensure_ascii=False, indent=1).encode("utf-8")

    return _send(_kept("schedule.json", slug, build), "application/json")


@bp.route("/events/<slug>/schedule.xml")
def schedule_xml_view(slug: str):
    """The agenda in the frab schedule XML format."""
    return _send(_kept("schedule.xml", slug, schedule_xml), "application/xml")


def agenda_rows(event, sessions) -> list[list[str]]:
    """One row per session, times on the venue's clock."""
    rows = []
    for item in sessions:
        start, end = in_zone(item.start_at, event.timezone), in_zone(item.end_at, event.timezone)
        rows.append([
            start.date().isoformat(), start.strftime("%H:%M"), end.strftime("%H:%M"),
            item.room.name if item.room else "", item.track.name if item.track else "",
            item.kind.name if item.kind else "", item.localized("title"), "; ".join(p.name for p in item.people), item.status,
        ])
    return rows


@bp.route("/events/<slug>/agenda.csv")
def agenda_csv(slug: str):
    """The public agenda as CSV (UTF-8 with BOM, so Excel reads every script), with the agenda page's filters."""
    filters = forms.FilterForm(request.args).filters()

    def build(event, sessions) -> bytes:
        return csv_bytes(CSV_COLUMNS, agenda_rows(event, queries.filter_sessions(sessions, filters, event.timezone)))

    return _send(_kept("agenda.csv", slug, build, filters), "text/csv", f"{slug}-agenda.csv")
