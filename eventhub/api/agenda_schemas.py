"""Marshmallow schemas of the agenda API: sessions, their people, rooms, tracks and sign-ups."""
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from eventhub.agenda.models import PERSON_ROLES, SESSION_STATUSES, SIGNUP_STATUSES
from eventhub.api.schemas import ID, MAX_ID, ErrorSchema, EventZonedDateTime, PageArgsSchema, PageSchema, _time
from eventhub.api.translations import WithTranslations, display_field, translations_field

SESSION_TEXTS = ("title", "description")

OFFSET = "ISO 8601 in the event's timezone, with its offset."


class RoomSchema(Schema):
    """A room of an event."""

    id = fields.Integer()
    name = fields.String()
    capacity = fields.Integer(allow_none=True)


class TrackSchema(Schema):
    """A track of an event, with its CSS colour."""

    id = fields.Integer()
    name = fields.String()
    colour = fields.String(metadata={"description": 'CSS hex colour, e.g. "#2e7d32".'})


class PersonSchema(Schema):
    """A speaker, moderator or panellist of a session."""

    role = fields.String(metadata={"enum": list(PERSON_ROLES)})
    name = fields.String()
    registration_id = fields.Integer(allow_none=True, metadata={"description": "Null for an external speaker."})
    organisation_id = fields.Integer(allow_none=True)


def _kind_name(session) -> str | None:
    """The session kind's name; the kind is loaded with the session (a join, no extra query)."""
    return session.kind.name if session.kind is not None else None


class SessionSchema(WithTranslations, Schema):
    """A session as the API shows it; times in the event's timezone with their offset. Its title and
    description are in the event's main language, others in `translations`."""

    TEXTS = SESSION_TEXTS
    id = fields.Integer()
    uuid = fields.String(metadata={"description": "Stable for the session's life (calendar UID)."})
    event_slug = fields.String(attribute="event.slug")
    title = fields.String()
    description = fields.String(allow_none=True)
    kind = fields.Function(_kind_name, metadata={"type": "string", "nullable": True,
                                                 "description": "Session kind name, e.g. Workshop."})
    track_id = fields.Integer(allow_none=True)
    room_id = fields.Integer(allow_none=True)
    start = EventZonedDateTime(attribute="start_at", allow_none=True, metadata={"description": OFFSET + " Null for an unscheduled draft."})
    end = EventZonedDateTime(attribute="end_at", allow_none=True, metadata={"description": OFFSET})
    language = fields.String(metadata={"description": 'The spoken language\'s code, e.g. "en".'})
    interpretation = fields.Boolean(metadata={"description": "Whether interpretation is offered."})
    capacity = fields.Integer(allow_none=True, metadata={"description": "Null: the room's capacity."})
    signup_required = fields.Boolean()
    status = fields.String(metadata={"enum": list(SESSION_STATUSES)})
    people = fields.List(fields.Nested(PersonSchema))
    translations = translations_field("Session", SESSION_TEXTS, "the event's main language")
    display = display_field("Session", SESSION_TEXTS)

    @staticmethod
    def main_language(record) -> str:
        return record.event.language


class PersonInputSchema(Schema):
    """A person of a session: a registration of the event, or an external speaker by name."""

    role = fields.String(load_default="speaker", validate=validate.OneOf(PERSON_ROLES))
    registration_id = fields.Integer(strict=True, allow_none=True, validate=ID)
    name = fields.String(allow_none=True, metadata={"description": "External speaker; ignored with registration_id."})
    position_title = fields.String(allow_none=True)
    organisation_id = fields.Integer(strict=True, allow_none=True, validate=ID)

    @validates_schema
    def _someone(self, data, **kwargs):
        """A person is a registration or has a name."""
        if data.get("registration_id") is None and not (data.get("name") or "").strip():
            raise ValidationError(str(_l("Give a registration_id or a name.")), "name")


class SessionInputSchema(Schema):
    """A new session; checked by agenda.services.save_session like the form (no room double-booking)."""

    title = fields.String(required=True)
    description = fields.String(allow_none=True)
    kind = fields.String(allow_none=True, metadata={"description": "A session kind by name, e.g. Workshop."})
    track_id = fields.Integer(strict=True, allow_none=True, validate=ID)
    room_id = fields.Integer(strict=True, allow_none=True, validate=ID)
    start = _time(required=True)
    end = _time(required=True)
    language = fields.String(metadata={"description": 'The spoken language\'s code, default "en".'})
    interpretation = fields.Boolean()
    translations = translations_field("SessionInput", SESSION_TEXTS, "the event's main language")
    capacity = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=0, max=MAX_ID),
                              metadata={"description": "Null: the room's capacity."})
    signup_required = fields.Boolean()
    status = fields.String(validate=validate.OneOf(SESSION_STATUSES), metadata={"description": "Default draft."})
    people = fields.List(fields.Nested(PersonInputSchema), metadata={"description": "Replaces all people."})


class SessionPatchSchema(SessionInputSchema):
    """Changes to a session: any subset of the fields. Load with partial=True."""


class SessionListArgsSchema(PageArgsSchema):
    """Filters of an event's sessions."""

    day = fields.Date(metadata={"description": "YYYY-MM-DD: sessions starting that day in the event's timezone."})
    track = fields.Integer(validate=ID, metadata={"description": "Track id."})
    room = fields.Integer(validate=ID, metadata={"description": "Room id."})


class SessionPageSchema(PageSchema):
    items = fields.List(fields.Nested(SessionSchema))


class SignUpInputSchema(Schema):
    """Whom to sign up."""

    registration_id = fields.Integer(strict=True, required=True, validate=ID)


class SignUpSchema(Schema):
    """The outcome of a sign-up."""

    status = fields.String(metadata={"enum": [s for s in SIGNUP_STATUSES if s != "cancelled"]})
    waitlist_position = fields.Integer(allow_none=True, metadata={"description": "1 is next; null if confirmed."})
    registration_id = fields.Integer()
    session_id = fields.Integer()


class _ClashingSessionSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    start = fields.String(metadata={"description": OFFSET})
    end = fields.String(metadata={"description": OFFSET})
    room_id = fields.Integer()


class AgendaRefusalSchema(ErrorSchema):
    """The error body of a refused write: the usual fields, a reason code and, for room_taken, the session."""

    errors = fields.Dict(metadata={"description": 'E.g. {"json": {"room_id": ["..."]}}.'})
    reason = fields.String(metadata={"enum": ["room_taken", "published", "not_eligible", "closed", "overlap"]})
    clashing_session = fields.Nested(_ClashingSessionSchema, metadata={"description": "Only for room_taken."})
