"""/api/v1: badge PDFs for organisers, e.g. for a badge printer's own software at the help desk."""
from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from eventhub.api.auth import organiser_token_required
from eventhub.api.common import ApiBlueprint, refusal
from eventhub.api.registrations import get_registration
from eventhub.api.schemas import ID, MAX_ID
from eventhub.badges import printing, services
from eventhub.badges.views import pdf_response
from eventhub.core.errors import ValidationError
from eventhub.events.access import get_event
from eventhub.events.models import CATEGORIES

blp = ApiBlueprint("api_badges", __name__, url_prefix="/api/v1",
                   description="Attendees' badges as print-ready PDF. Organisers only.")
PDF = {200: {"description": "The badges as a PDF file (fonts embedded, QR codes as vector paths).",
             "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}


class BadgeSelectionArgsSchema(Schema):
    """Which badges, in which order and layout: the organisers' badge page's choices."""

    category = fields.String(validate=validate.OneOf(CATEGORIES))
    organisation_id = fields.Integer(validate=ID)
    not_printed = fields.Boolean(load_default=False, metadata={"description": "Only badges not marked printed."})
    # Bounded like every query string, so that a URL stays within the web server's 4 KB request line.
    ids = fields.String(validate=validate.Length(max=3000),
                        metadata={"description": "Only these registrations: ids separated by commas, e.g. 12,15."})
    sort = fields.String(load_default="name", validate=validate.OneOf(printing.SORTS),
                         metadata={"description": "name: by family name; organisation: by organisation, then name."})
    layout = fields.String(load_default="a4", validate=validate.OneOf(printing.LAYOUTS),
                           metadata={"description": "a4: four badges a page, crop marks; a6: one a page."})
    double_sided = fields.Boolean(load_default=False,
                                  metadata={"description": "A back after each badge with the person's sessions."})


class BadgeArgsSchema(Schema):
    layout = fields.String(load_default="a6", validate=validate.OneOf(printing.LAYOUTS))
    double_sided = fields.Boolean(load_default=False)


def _flags(args: dict) -> dict:
    """The parsed query as the strings printing.parse_selection reads (the page's form sends the same)."""
    return {key: ("1" if value is True else "" if value is False else str(value)) for key, value in args.items()}


@blp.route(f"/registrations/<int(max={MAX_ID}):registration_id>/badge.pdf", endpoint="badge")
class RegistrationBadge(MethodView):
    @organiser_token_required
    @blp.arguments(BadgeArgsSchema, location="query")
    @blp.doc(responses=PDF)
    @blp.alt_response(404, response="NOT_FOUND", description="No such registration, or it has no valid badge "
                                                              "(only confirmed registrations have one).")
    def get(self, args, registration_id):
        """One person's badge, A6 by default: the help desk reprints a single badge."""
        registration = get_registration(registration_id)
        badge = services.valid_badge(registration)
        if badge is None:
            raise refusal(404, "no_badge", _("This registration has no valid badge: only confirmed registrations "
                                             "have one."), "registration_id")
        return pdf_response(registration.event, [(badge, registration)], args["layout"], args["double_sided"],
                            f"{registration.event.slug}-badge-{registration.id}.pdf")


@blp.route("/events/<slug>/badges.pdf", endpoint="badges")
class EventBadges(MethodView):
    @organiser_token_required
    @blp.arguments(BadgeSelectionArgsSchema, location="query")
    @blp.doc(responses=PDF)
    @blp.alt_response(404, response="NOT_FOUND", description="No such event, or no badge matches the selection.")
    def get(self, args, slug):
        """The valid badges of an event's confirmed registrations, or a selection, as one PDF."""
        event = get_event(slug, manage=True)
        try:
            selection = printing.parse_selection(_flags(args))
        except ValidationError as error:
            field, messages = next(iter(error.errors.items()))
            raise refusal(422, "bad_selection", messages[0], field) from None
        rows = printing.selected(event, selection)
        if not rows:
            raise refusal(404, "no_badges", _("No badge matches this selection."), "ids")
        return pdf_response(event, rows, selection.layout, selection.double_sided, f"{event.slug}-badges.pdf")
