"""Public exports of a published agenda: frab schedule XML/JSON for apps and screens, CSV for
spreadsheets (the printable programme is in eventhub.printing).

Each is public only for a public event whose agenda is published (404 otherwise), is built from the
same session list as the agenda page (fixed number of queries), and answers conditional requests
with 304 through its ETag.
"""
import json

from flask import Blueprint, Response, request

from eventhub.agenda import forms, queries
from eventhub.calendars.schedule import schedule_dict, schedule_xml
from eventhub.core.formatting import in_zone
from eventhub.core.csv_export import csv_bytes
from eventhub.events.access import get_event

bp = Blueprint("schedule_exports", __name__)

CSV_COLUMNS = ("day", "start", "end", "room", "track", "kind", "title", "speakers", "status")


def _event_and_sessions(slug: str):
    """The public event with a published agenda and its visible sessions, else 404."""
    event = get_event(slug, agenda=True)
    return event, queries.visible_sessions(event)


def _send(body: bytes, mimetype: str, filename: str | None = None) -> Response:
    """The body with an ETag, answering an unchanged conditional request with 304."""
    response = Response(body, mimetype=mimetype)
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/events/<slug>/schedule.json")
def schedule_json(slug: str):
    """The agenda in the c3voc schedule JSON format."""
    event, sessions = _event_and_sessions(slug)
    body = json.dumps(schedule_dict(event, sessions), ensure_ascii=False, indent=1).encode("utf-8")
    return _send(body, "application/json")


@bp.route("/events/<slug>/schedule.xml")
def schedule_xml_view(slug: str):
    """The agenda in the frab schedule XML format."""
    event, sessions = _event_and_sessions(slug)
    return _send(schedule_xml(event, sessions), "application/xml")


def agenda_rows(event, sessions) -> list[list[str]]:
    """One row per session, times on the venue's clock."""
    rows = []
    for item in sessions:
        start, end = in_zone(item.start_at, event.timezone), in_zone(item.end_at, event.timezone)
        rows.append([
            start.date().isoformat(), start.strftime("%H:%M"), end.strftime("%H:%M"),
            item.room.name if item.room else "", item.track.name if item.track else "",
            item.kind.name if item.kind else "", item.title, "; ".join(p.name for p in item.people), item.status,
        ])
    return rows


@bp.route("/events/<slug>/agenda.csv")
def agenda_csv(slug: str):
    """The public agenda as CSV (UTF-8 with BOM, so Excel reads every script), with the agenda page's filters."""
    event, sessions = _event_and_sessions(slug)
    shown = queries.filter_sessions(sessions, forms.FilterForm(request.args).filters(), event.timezone)
    return _send(csv_bytes(CSV_COLUMNS, agenda_rows(event, shown)), "text/csv", f"{event.slug}-agenda.csv")
