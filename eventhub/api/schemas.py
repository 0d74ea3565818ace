"""Marshmallow schemas of the API: they check types and shape; the services check the rules."""
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, pre_load, validate

from eventhub.api.common import MAX_PER_PAGE
from eventhub.api.translations import LANGUAGE_DOC, WithTranslations, display_field, translations_field
from eventhub.events.models import KINDS as EVENT_KINDS
from eventhub.events.models import STATUSES as EVENT_STATUSES
from eventhub.members.models import KINDS as MEMBER_KINDS
from eventhub.members.models import STATUSES as MEMBER_STATUSES
from eventhub.registration.models import CATEGORIES
from eventhub.registration.models import STATUSES as REGISTRATION_STATUSES

MAX_ID = 2**31 - 1  # larger numbers would overflow the integer columns (a 500, not a 422)
ID = validate.Range(min=1, max=MAX_ID)


def _plausible_year(value) -> None:
    """Refuse years that would overflow when converted between timezones."""
    if not 1900 <= value.year <= 2200:
        raise ValidationError(str(_l("Give a date between the years 1900 and 2200.")))


class ZonedDateTime(fields.DateTime):
    """An aware UTC datetime shown in the event's own timezone, offset included."""

    def _serialize(self, value, attr, obj, **kwargs):
        """ISO 8601 in obj.timezone, e.g. 2027-06-15T09:00:00-03:00 for São Paulo."""
        if value is None:
            return None
        return value.astimezone(ZoneInfo(obj.timezone)).isoformat()


def _time(**kwargs) -> fields.DateTime:
    """An input time: naive or with an offset, both understood by events.services.save_event."""
    return fields.DateTime(
        validate=_plausible_year,
        metadata={"description": "ISO 8601. With an offset it is converted; without, it is wall-clock time "
                  "in the event's timezone."},
        **kwargs,
    )


class ErrorSchema(Schema):
    """Every error answer of the API (the OpenAPI document's `Error`); common.refusal() adds `reason`."""

    code = fields.Integer(metadata={"description": "The HTTP status code."})
    status = fields.String(metadata={"description": "The HTTP status, e.g. Unprocessable Entity."})
    message = fields.String(metadata={"description": "What went wrong, in words for people."})
    errors = fields.Dict(metadata={"description": 'Field errors by location, e.g. {"json": {"end": ["..."]}}.'})
    reason = fields.String(metadata={"description": "Only when the rules refuse (not for malformed input): a code "
                                                    "clients can act on; each operation lists its codes."})
    request_id = fields.String(metadata={"description": "The request's id, as in the X-Request-ID header: quote it "
                                                        "when reporting a problem."})


class PageArgsSchema(Schema):
    """`page` and `per_page` query parameters."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class PageSchema(Schema):
    """The envelope of a list: the items of one page and how many there are in all."""

    total = fields.Integer(metadata={"description": "Number of items on all pages."})
    page = fields.Integer()
    per_page = fields.Integer()
    pages = fields.Integer(metadata={"description": "Number of pages."})


# ---- events ---------------------------------------------------------------------------------

NON_MEMBER_POLICIES = ("confirm", "approve")
QUOTA = "At most this many active registrations per organisation; null for no limit."
CONTACT_EMAIL = ("How participants reach the organisers: on the event page, in every e-mail about the event, "
                 "and the Reply-To of those e-mails.")
CONTACT_PHONE = "The organisers' phone in international format, e.g. +55 11 3396 1234."
POLICY = "confirm: registrations of non-members are confirmed like members'; approve: they wait as pending."

EVENT_TEXTS = ("title", "summary", "description")
MAIN_LANGUAGE = "The main language, the one title, summary and description are written in. " + LANGUAGE_DOC


class EventSchema(WithTranslations, Schema):
    """An event as the API shows it; times in the event's timezone with their offset."""

    TEXTS = EVENT_TEXTS
    slug = fields.String()
    kind = fields.String(metadata={"enum": list(EVENT_KINDS)})
    title = fields.String()
    summary = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    language = fields.String(metadata={"description": MAIN_LANGUAGE})
    translations = translations_field("Event", EVENT_TEXTS, "the main language")
    display = display_field("Event", EVENT_TEXTS)
    contact_email = fields.String(allow_none=True, metadata={"description": CONTACT_EMAIL})
    contact_phone = fields.String(allow_none=True, metadata={"description": CONTACT_PHONE})
    host_organisation_id = fields.Integer(allow_none=True)
    venue_name = fields.String(allow_none=True)
    venue_address = fields.String(allow_none=True)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    timezone = fields.String(metadata={"description": "IANA name, e.g. America/Sao_Paulo."})
    start = ZonedDateTime(attribute="start_at")
    end = ZonedDateTime(attribute="end_at")
    status = fields.String(metadata={"enum": list(EVENT_STATUSES)})
    registration_opens = ZonedDateTime(allow_none=True)
    registration_closes = ZonedDateTime(allow_none=True)
    capacity = fields.Integer(allow_none=True)
    network_id = fields.Integer(allow_none=True)
    delegate_quota = fields.Integer(allow_none=True, metadata={"description": QUOTA})
    non_member_policy = fields.String(metadata={"enum": list(NON_MEMBER_POLICIES), "description": POLICY})


class EventInputSchema(Schema):
    """A new event (created as a draft); the keys are those of events.services.save_event."""

    kind = fields.String(required=True, validate=validate.OneOf(EVENT_KINDS))
    title = fields.String(required=True)
    slug = fields.String(allow_none=True, metadata={"description": "Generated from the title when left out."})
    summary = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    language = fields.String(allow_none=True, metadata={"description": MAIN_LANGUAGE + ' Default "en".'})
    translations = translations_field("EventInput", EVENT_TEXTS, "the main language")
    contact_email = fields.String(allow_none=True, metadata={"description": CONTACT_EMAIL})
    contact_phone = fields.String(allow_none=True, metadata={"description": CONTACT_PHONE})
    host_organisation_id = fields.Integer(strict=True, allow_none=True, validate=ID)
    venue_name = fields.String(allow_none=True)
    venue_address = fields.String(allow_none=True)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    timezone = fields.String(required=True)
    start = _time(required=True)
    end = _time(required=True)
    registration_opens = _time(allow_none=True)
    registration_closes = _time(allow_none=True)
    capacity = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=0, max=MAX_ID))
    network_id = fields.Integer(strict=True, allow_none=True, validate=ID)
    delegate_quota = fields.Integer(strict=True, allow_none=True, validate=ID, metadata={"description": QUOTA})
    non_member_policy = fields.String(validate=validate.OneOf(NON_MEMBER_POLICIES), metadata={"description": POLICY})


class EventPatchSchema(EventInputSchema):
    """Changes to an event: any subset of the fields, plus its status. Load with partial=True."""

    status = fields.String(validate=validate.OneOf(EVENT_STATUSES))


class EventListArgsSchema(PageArgsSchema):
    """Filters of the event list."""

    status = fields.String(validate=validate.OneOf(EVENT_STATUSES))


class EventPageSchema(PageSchema):
    items = fields.List(fields.Nested(EventSchema))


# ---- members --------------------------------------------------------------------------------

class _RegionSchema(Schema):
    name = fields.String()


class _NetworkSchema(Schema):
    id = fields.Integer()


class MemberSchema(Schema):
    """An organisation as the API shows it."""

    id = fields.Integer()
    name = fields.String()
    local_name = fields.String(allow_none=True, metadata={"description": "The name in its own script."})
    kind = fields.String(metadata={"enum": list(MEMBER_KINDS)})
    country = fields.String(metadata={"description": "ISO 3166-1 alpha-2."})
    region = fields.Pluck(_RegionSchema, "name", allow_none=True)
    population = fields.Integer(allow_none=True)
    status = fields.String(metadata={"enum": list(MEMBER_STATUSES)})
    member_since = fields.Date(allow_none=True)
    website = fields.String(allow_none=True)
    external_id = fields.String(allow_none=True)
    email_domains = fields.List(fields.String(), metadata={
        "description": "Its staff's e-mail domains: public registrations claiming it from other addresses need "
                       "approval where membership counts."})
    network_ids = fields.List(fields.Pluck(_NetworkSchema, "id"), attribute="networks")


class MemberInputSchema(Schema):
    """A new organisation; checked by members.services like the form and the CSV import."""

    name = fields.String(required=True)
    local_name = fields.String(allow_none=True)
    kind = fields.String(required=True, metadata={"description": f"One of: {', '.join(MEMBER_KINDS)}."})
    country = fields.String(required=True, metadata={"description": "ISO 3166-1 alpha-2, e.g. BR."})
    region = fields.String(allow_none=True, metadata={"description": "A region by name, e.g. Europe."})
    population = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=0, max=MAX_ID))
    status = fields.String(metadata={"description": f"One of: {', '.join(MEMBER_STATUSES)} (default member)."})
    member_since = fields.Date(allow_none=True)
    website = fields.String(allow_none=True)
    external_id = fields.String(allow_none=True)
    email_domains = fields.List(fields.String(validate=validate.Length(max=253)), validate=validate.Length(max=20),
                                metadata={"description": "E.g. [\"lisboa.pt\", \"cm-lisboa.pt\"]."})
    network_ids = fields.List(fields.Integer(strict=True, validate=ID))


class MemberPatchSchema(MemberInputSchema):
    """Changes to an organisation: any subset of the fields. Load with partial=True."""


class MemberListArgsSchema(PageArgsSchema):
    """Search and filters of the member list."""

    q = fields.String(validate=validate.Length(max=200), metadata={"description": "Name, accents and case ignored."})
    kind = fields.String(validate=validate.OneOf(MEMBER_KINDS))
    status = fields.String(validate=validate.OneOf(MEMBER_STATUSES))
    country = fields.String(validate=validate.Length(equal=2))
    region = fields.String(validate=validate.Length(max=100), metadata={"description": "Region name."})
    network_id = fields.Integer(validate=ID)


class MemberPageSchema(PageSchema):
    items = fields.List(fields.Nested(MemberSchema))


# ---- registrations --------------------------------------------------------------------------

def _waitlist_position(registration) -> int | None:
    """The position the resource put on the object (one query per page), else asked of the service."""
    from eventhub.registration.rules import waitlist_position

    if hasattr(registration, "_waitlist_position"):
        return registration._waitlist_position
    return waitlist_position(registration)


class EventZonedDateTime(fields.DateTime):
    """An aware UTC datetime of an event's record, shown in the event's timezone with its offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        """ISO 8601 in obj.event.timezone."""
        if value is None:
            return None
        return value.astimezone(ZoneInfo(obj.event.timezone)).isoformat()


class RegistrationSchema(Schema):
    """A registration as the API shows it."""

    id = fields.Integer()
    event_slug = fields.String(attribute="event.slug")
    full_name = fields.String()
    email = fields.String()
    position = fields.String(allow_none=True)
    organisation_id = fields.Integer(allow_none=True, metadata={"description": "The member record, when linked."})
    organisation_name = fields.String(
        allow_none=True, metadata={"description": "The typed name of an organisation not in the member records."}
    )
    category = fields.String(metadata={"enum": list(CATEGORIES)})
    answers = fields.Dict(keys=fields.String(), metadata={"description": "Question key -> answer."})
    status = fields.String(metadata={"enum": list(REGISTRATION_STATUSES)})
    waitlist_position = fields.Function(
        _waitlist_position, metadata={"type": "integer", "nullable": True,
                                      "description": "1 is next in line; null unless waitlisted."}
    )
    delegation_id = fields.Integer(allow_none=True)
    created_at = EventZonedDateTime(metadata={"description": "In the event's timezone, with its offset."})
    locale = fields.String(metadata={"description": "The language every e-mail to the person is written in. "
                                                    + LANGUAGE_DOC})


class RegistrationInputSchema(Schema):
    """A new registration, checked by registration.services.register like the form (organiser rules)."""

    full_name = fields.String(required=True)
    email = fields.String(required=True)
    position = fields.String(allow_none=True, metadata={"description": "E.g. Mayor, Councillor, City officer."})
    organisation_id = fields.Integer(strict=True, allow_none=True, validate=ID,
                                     metadata={"description": "A member record; or give organisation_name."})
    organisation_name = fields.String(allow_none=True,
                                      metadata={"description": "An organisation not in the member records."})
    category = fields.String(validate=validate.OneOf(CATEGORIES), metadata={"description": "Default delegate."})
    answers = fields.Dict(keys=fields.String(), metadata={"description": "Question key -> answer."})
    listed = fields.Boolean(metadata={"description": "Agreed to appear in the participant list."})
    locale = fields.String(allow_none=True, metadata={
        "description": "The language of the person's e-mails; default: the event's main language. " + LANGUAGE_DOC})


class RegistrationPatchSchema(RegistrationInputSchema):
    """Changes to a registration's details. Load with partial=True; `answers` replaces all answers."""

    @pre_load
    def _no_status(self, data, **kwargs):
        """A status change has rules (waiting list, e-mails): it goes through an action endpoint."""
        if isinstance(data, dict) and "status" in data:
            raise ValidationError(
                {"status": [str(_l("The status cannot be patched; use POST /api/v1/registrations/<id>/cancel."))]}
            )
        return data


class RegistrationListArgsSchema(PageArgsSchema):
    """Filters of an event's registrations."""

    status = fields.String(validate=validate.OneOf(REGISTRATION_STATUSES))
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    organisation_id = fields.Integer(validate=ID)
    country = fields.String(validate=validate.Length(equal=2), metadata={"description": "Of the organisation."})
    region = fields.String(validate=validate.Length(max=100),
                           metadata={"description": "Region name of the organisation."})
    network_id = fields.Integer(validate=ID, metadata={"description": "Organisations in this network."})
    q = fields.String(validate=validate.Length(max=200),
                      metadata={"description": "Full name, email or organisation name (case ignored)."})


class RegistrationPageSchema(PageSchema):
    items = fields.List(fields.Nested(RegistrationSchema))


class RefusalSchema(ErrorSchema):
    """The error body of a registration the rules refuse: the usual fields plus the reason's code."""

    errors = fields.Dict(metadata={"description": 'E.g. {"json": {"email": ["..."]}}.'})
    reason = fields.String(metadata={"enum": ["duplicate", "not_eligible", "over_quota", "wrong_status",
                                              "full_for_promotion"]})
