"""/api/v1: an event's bilateral meetings for organisers (#17): the tables, the slots with what is booked in
them, and the meetings with their two people. Read-only; people arrange meetings on their own pages."""
from zoneinfo import ZoneInfo

from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventhub.api.auth import organiser_token_required
from eventhub.api.common import ApiBlueprint, paginate
from eventhub.api.schemas import PageArgsSchema, PageSchema
from eventhub.events.access import get_event
from eventhub.meetings import overview, setup
from eventhub.meetings.models import MEETING_STATUSES, Meeting, MeetingParticipant, MeetingSlot

blp = ApiBlueprint(
    "api_meetings",
    __name__,
    url_prefix="/api/v1",
    description="Bilateral meetings of an event: tables, slots and booked meetings. Organisers only; times carry "
                "the event's UTC offset.",
)


class MeetingAreaSchema(Schema):
    id = fields.Integer()
    name = fields.String(metadata={"description": "e.g. Table 7"})
    location = fields.String(allow_none=True)


class MeetingSlotSchema(Schema):
    id = fields.Integer()
    window_id = fields.Integer()
    start = fields.String(metadata={"description": "ISO 8601 with the event's offset."})
    end = fields.String()
    booked = fields.Integer(metadata={"description": "Meetings booked in this slot."})
    free_tables = fields.Integer()


class MeetingPersonSchema(Schema):
    registration_id = fields.Integer()
    full_name = fields.String()
    organisation = fields.String(metadata={"description": "The member record's name, else the name typed."})
    region = fields.String(allow_none=True)


class MeetingSchema(Schema):
    id = fields.Integer()
    status = fields.String(metadata={"enum": list(MEETING_STATUSES)})
    slot_id = fields.Integer()
    start = fields.String()
    end = fields.String()
    area = fields.Nested(MeetingAreaSchema)
    request_id = fields.Integer(allow_none=True)
    participants = fields.List(fields.Nested(MeetingPersonSchema))


class MeetingArgsSchema(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(list(MEETING_STATUSES)),
                           metadata={"description": "Only meetings of this status (default: every one)."})


class MeetingPageSchema(PageSchema):
    items = fields.List(fields.Nested(MeetingSchema))


@blp.route("/events/<slug>/meeting-areas", endpoint="areas")
class Areas(MethodView):
    @organiser_token_required
    @blp.response(200, MeetingAreaSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug):
        """The event's tables, in the order free ones are given out."""
        return setup.areas(get_event(slug, manage=True))


@blp.route("/events/<slug>/meeting-slots", endpoint="slots")
class Slots(MethodView):
    @organiser_token_required
    @blp.response(200, MeetingSlotSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug):
        """Every slot of the event's meeting windows by time, with how many tables are booked and free."""
        event = get_event(slug, manage=True)
        zone, tables = ZoneInfo(event.timezone), len(setup.areas(event))
        booked = overview.overview(event).per_slot
        return [{"id": slot.id, "window_id": slot.window_id, "start": slot.start_at.astimezone(zone).isoformat(),
                 "end": slot.end_at.astimezone(zone).isoformat(), "booked": booked.get(slot.id, 0),
                 "free_tables": tables - booked.get(slot.id, 0)} for slot in setup.slots(event)]


@blp.route("/events/<slug>/meetings", endpoint="meetings")
class Meetings(MethodView):
    @organiser_token_required
    @blp.arguments(MeetingArgsSchema, location="query")
    @blp.response(200, MeetingPageSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, slug):
        """The event's meetings by time and table (cancelled ones too, unless filtered)."""
        event = get_event(slug, manage=True)
        zone = ZoneInfo(event.timezone)
        query = (select(Meeting).join(MeetingSlot, Meeting.slot_id == MeetingSlot.id)
                 .where(Meeting.event_id == event.id)
                 .options(selectinload(Meeting.participants).selectinload(MeetingParticipant.registration))
                 .order_by(MeetingSlot.start_at, Meeting.area_id, Meeting.id))
        if args.get("status"):
            query = query.where(Meeting.status == args["status"])
        page = paginate(query, args)
        items = [{
            "id": meeting.id, "status": meeting.status, "slot_id": meeting.slot_id,
            "start": meeting.slot.start_at.astimezone(zone).isoformat(),
            "end": meeting.slot.end_at.astimezone(zone).isoformat(),
            "area": meeting.area, "request_id": meeting.request_id,
            "participants": [{"registration_id": p.registration_id, "full_name": p.registration.full_name,
                              "organisation": p.registration.organisation_display,
                              "region": overview.region_of(p.registration) or None} for p in meeting.participants],
        } for meeting in page.items]
        return {"total": page.total, "page": page.page, "per_page": page.per_page, "pages": page.pages,
                "items": items}
