"""The scanner page for check-in staff: camera, keyboard-wedge field, manual search, offline data.

The page posts each scan to /checkin/<slug>/scan with the session and a CSRF header (the API at
/api/v1/events/<slug>/checkins does the same for handheld scanners, with a token). Without
JavaScript the code field and the search still work as plain forms.
"""
from datetime import datetime

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.audit.services import Actor
from eventhub.auth.access import role_required
from eventhub.checkin import dashboard as dashboard_queries
from eventhub.checkin import offline, services
from eventhub.checkin.answers import answer_body, as_json, scan_and_answer
from eventhub.checkin.models import CheckIn
from eventhub.core.error_pages import script_wants_json
from eventhub.core.errors import Refused, ValidationError
from eventhub.core.loading import get_or_404
from eventhub.core.transaction import atomic
from eventhub.core.types import utcnow
from eventhub.events.access import get_event
from eventhub.extensions import db
from eventhub.registration import queries
from eventhub.registration.models import Registration

bp = Blueprint("checkin", __name__, url_prefix="/checkin/<slug>")
staff_required = role_required("checkin", "organiser")
# How many people the name search offers at once.
FOUND = 20
# How many missing people the dashboard lists (the CSV has them all).
NO_SHOWS_SHOWN = 100


def _station() -> str:
    return (request.values.get("station") or "").strip()


@bp.route("")
@staff_required
def scanner(slug: str):
    """The scanner: the answer to each scan, big; the station's count today; search by name as a fallback."""
    event = get_event(slug, door=True)
    station, q = _station(), request.args.get("q", "").strip()[:200]
    found = []
    if q:
        query = queries.registrations_query(event, status="confirmed", q=q).limit(FOUND)
        found = list(db.session.scalars(query))
    day = services.event_day(event, utcnow())
    return render_template("checkin/scanner.html", event=event, station=station, q=q, found=found,
                           count=services.station_count(event, station, day) if station else 0)


def _answer(event, record) -> tuple[dict, int]:
    """A scan's answer as JSON for the page, or its input errors."""
    try:
        return as_json(scan_and_answer(event, record)), 200
    except ValidationError as error:
        return {"status": "error", "errors": error.errors, "message": " ".join(error.messages)}, 422


def _reply(event, body: dict, status: int):
    """JSON for the page's script; a flash and the page again for a plain form."""
    if script_wants_json():
        return jsonify(body), status
    category = {"ok": "success", "duplicate": "warning"}.get(body.get("status"), "error")
    who = (body.get("attendee") or {}).get("full_name")
    message = body["message"]
    flash(_("%(name)s: %(message)s", name=who, message=message) if who else message, category)
    return redirect(url_for(".scanner", slug=event.slug, station=_station() or None))


@bp.post("/scan")
@staff_required
def scan(slug: str):
    """One scanned or typed code: {"code", "station", "scanned_at"?, "scan_id"?} as JSON, or a form."""
    event = get_event(slug, door=True)
    data = request.get_json(silent=True) if request.is_json else request.form
    if not hasattr(data, "get"):  # JSON that is not an object
        return jsonify({"status": "error", "message": _("Send the scan as a JSON object.")}), 400
    scanned_at = data.get("scanned_at")
    if isinstance(scanned_at, str) and scanned_at:
        try:
            scanned_at = datetime.fromisoformat(scanned_at)
        except ValueError:
            scanned_at = "not a time"  # the service names the field
    code = data.get("code") if isinstance(data.get("code"), str) else None
    actor = Actor.for_user(current_user)
    body, status = _answer(event, lambda: services.record_scan(
        event, code, data.get("station"), actor, scanned_at or None, data.get("scan_id")))
    return _reply(event, body, status)


@bp.post("/registrations/<int:registration_id>")
@staff_required
def check_in_by_name(slug: str, registration_id: int):
    """The one-tap check-in from the name search."""
    event = get_event(slug, door=True)
    registration = get_or_404(Registration, registration_id, event_id=event.id)
    actor = Actor.for_user(current_user)
    body, status = _answer(event, lambda: services.check_in_registration(event, registration, _station(), actor))
    return _reply(event, body, status)


@bp.post("/checkins/<int:checkin_id>/undo")
@staff_required
def undo(slug: str, checkin_id: int):
    """Take back a check-in made by mistake (audited)."""
    event = get_event(slug, door=True)
    checkin = get_or_404(CheckIn, checkin_id, event_id=event.id)
    try:
        with atomic():
            services.undo(checkin, Actor.for_user(current_user))
    except Refused as refused:
        return _reply(event, {"status": "error", "message": refused.message}, 409)
    return _reply(event, as_json(answer_body(services.Answer(checkin, None), event)), 200)


@bp.route("/data.json")
@staff_required
def data(slug: str):
    """Everything the page needs to check badges while offline (digests, never codes)."""
    response = jsonify(offline.offline_data(get_event(slug, door=True)))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/dashboard")
@staff_required
def dashboard(slug: str):
    """Live arrivals for a day (today by default): counts, the quarter-hour curve, the stations, who is missing."""
    event = get_event(slug, door=True)
    days = dashboard_queries.event_days(event)
    chosen = request.args.get("day", "")
    day = next((d for d in days if d.isoformat() == chosen), services.event_day(event, utcnow()))
    missing, missing_total = dashboard_queries.no_shows(event, NO_SHOWS_SHOWN)
    return render_template(
        "checkin/dashboard.html", event=event, day=day, days=days, figures=dashboard_queries.figures(event, day),
        chart=dashboard_queries.bars(dashboard_queries.arrivals(event, day)), missing=missing,
        missing_total=missing_total)


@bp.route("/checkins.csv")
@staff_required
def export_csv(slug: str):
    """Every scan of the event, refused ones included, as a CSV file Excel opens."""
    event = get_event(slug, door=True)
    response = Response(dashboard_queries.scans_csv(event), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-checkins.csv"'
    return response
