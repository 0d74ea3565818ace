"""/api/v1: scans at the door, for check-in staff (role checkin) and organisers.

The scanner page and handheld scanners post every scan here, offline ones later with the time they
were made and the same scan_id: sending a scan again changes nothing and answers as the first time.
"""
from flask import g
from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from eventhub.api.auth import token_required
from eventhub.api.common import ApiBlueprint, input_errors, refusal, service_errors
from eventhub.api.schemas import MAX_ID
from eventhub.audit.services import Actor
from eventhub.checkin import services
from eventhub.checkin.answers import answer_body, scan_and_answer
from eventhub.checkin.models import CheckIn
from eventhub.core.errors import Refused
from eventhub.core.loading import get_or_404
from eventhub.events.access import get_event

blp = ApiBlueprint("api_checkins", __name__, url_prefix="/api/v1",
                   description="Check-in at the door: every scan stored; the first valid one per person and "
                               "event day is the check-in. Check-in staff and organisers.")
checkin_token_required = token_required("checkin", "organiser")


class ScanInputSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(max=2000),
                         metadata={"description": "What the scanner read, e.g. EH1-7Q2KXWJ4M3ZP5RA6BCDEFGH2IJ."})
    station = fields.String(required=True, validate=validate.Length(min=1, max=services.MAX_STATION),
                            metadata={"description": "Where it was scanned, e.g. Gate A."})
    scanned_at = fields.AwareDateTime(metadata={"description": "When the device scanned it (offline replays); "
                                                               "default: when the server receives it."})
    scan_id = fields.String(validate=validate.Length(min=1, max=services.MAX_SCAN_ID),
                            metadata={"description": "The device's id for this scan; sending it again is harmless."})


class AttendeeSchema(Schema):
    registration_id = fields.Integer()
    full_name = fields.String()
    position = fields.String(allow_none=True)
    organisation = fields.String()
    category = fields.String()
    category_label = fields.String()


class EarlierCheckInSchema(Schema):
    scanned_at = fields.AwareDateTime()
    station = fields.String()


class ScanAnswerSchema(Schema):
    checkin_id = fields.Integer()
    status = fields.String(metadata={"enum": ["ok", "duplicate", "invalid"]})
    reason = fields.String(allow_none=True, metadata={
        "description": "Why a scan is invalid: unknown, revoked, other_event, not_confirmed, event_cancelled."})
    message = fields.String(metadata={"description": "What to tell the person at the door, in words."})
    day = fields.Date()
    station = fields.String()
    scanned_at = fields.AwareDateTime()
    attendee = fields.Nested(AttendeeSchema, allow_none=True)
    first = fields.Nested(EarlierCheckInSchema, allow_none=True,
                          metadata={"description": "For a duplicate: the check-in it repeats."})
    undone = fields.Boolean()


@blp.route("/events/<slug>/checkins", endpoint="checkins")
class Scans(MethodView):
    @checkin_token_required
    @blp.arguments(ScanInputSchema)
    @blp.response(200, ScanAnswerSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, data, slug):
        """Store a scan and say what it means: ok (welcome), duplicate (with the first check-in) or invalid
        (with the reason). Idempotent on scan_id; safe when two stations scan the same badge at once."""
        event = get_event(slug, door=True)
        actor = Actor.for_user(g.api_user)
        with input_errors():  # scan_and_answer runs its own unit of work (and its retry)
            return scan_and_answer(event, lambda: services.record_scan(
                event, data["code"], data["station"], actor, data.get("scanned_at"), data.get("scan_id")))


@blp.route(f"/checkins/<int(max={MAX_ID}):checkin_id>/undo", endpoint="undo")
class Undo(MethodView):
    @checkin_token_required
    @blp.response(200, ScanAnswerSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, description="Not a standing check-in (a duplicate, a refused scan, already undone).")
    def post(self, checkin_id):
        """Take back a check-in made by mistake (audited); the person's next scan checks them in."""
        checkin = get_or_404(CheckIn, checkin_id, _("There is no check-in with id %(id)s.", id=checkin_id))
        try:
            with service_errors():
                services.undo(checkin, Actor.for_user(g.api_user))
        except Refused as refused:
            raise refusal(409, refused.reason, refused.message, "checkin_id") from None
        return answer_body(services.Answer(checkin, None), checkin.event)
