"""/api/v1: an event's registrations and single registrations, for organisers.

The same rules as the registration form (registration.services): eligibility, duplicates,
quotas, capacity and the waiting list; the `status` of the answer says what happened. Registering
an email whose registration was cancelled or rejected brings that registration back (same id).
"""
from contextlib import contextmanager

from flask import g, url_for
from flask.views import MethodView
from flask_babel import gettext as _

from eventhub.api.auth import organiser_token_required
from eventhub.api.common import ApiBlueprint, paginate, refusal, service_errors
from eventhub.api.members import region_id_from_name
from eventhub.api.schemas import (
    MAX_ID,
    RefusalSchema,
    RegistrationInputSchema,
    RegistrationListArgsSchema,
    RegistrationPageSchema,
    RegistrationPatchSchema,
    RegistrationSchema,
)
from eventhub.audit.services import Actor
from eventhub.core.errors import Refused
from eventhub.core.loading import get_or_404
from eventhub.events.access import get_event
from eventhub.registration import queries, rules, services
from eventhub.registration.models import Registration

# A refusal about the current state of things (already registered, already cancelled, no place
# to promote into) is a conflict; one about who is asking (not eligible, over quota) is a 422.
CONFLICTS = ("duplicate", "wrong_status", "full_for_promotion")
REFUSALS = (
    "A refusal by the registration rules answers 409 (an email with an active registration, wrong status) or "
    "422 (not eligible, over the per-organisation quota) with the usual error body plus `reason` (a code: duplicate, "
    "not_eligible, over_quota, wrong_status, full_for_promotion), a `message` saying why, and the message "
    "under `errors.json.<field>`."
)

NOT_ELIGIBLE = "Invalid input (field errors), or refused by the rules: reason not_eligible or over_quota."

blp = ApiBlueprint(
    "api_registrations",
    __name__,
    url_prefix="/api/v1",
    description="Registrations of people for events. Organisers only. " + REFUSALS,
)
# Ids beyond the integer column (int(max=MAX_ID) in the routes) are a 404, not a database error.


@contextmanager
def refusals():
    """Field errors as 422 (service_errors); a Refused as 409/422 JSON that names the reason."""
    try:
        with service_errors():
            yield
    except Refused as refused:
        code = 409 if refused.reason in CONFLICTS else 422
        raise refusal(code, refused.reason, refused.message, refused.field) from None


def get_registration(registration_id: int) -> Registration:
    """The registration with this id, or a JSON 404."""
    return get_or_404(Registration, registration_id, _("There is no registration with id %(id)s.", id=registration_id))


def positioned(registration: Registration) -> Registration:
    """Put the waiting-list position on the object for RegistrationSchema."""
    registration._waitlist_position = rules.waitlist_position(registration)
    return registration


@blp.route("/events/<slug>/registrations", endpoint="registrations")
class Registrations(MethodView):
    @organiser_token_required
    @blp.arguments(RegistrationListArgsSchema, location="query")
    @blp.response(200, RegistrationPageSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, slug):
        """List an event's registrations in the order they came; filters and search as on the organiser page."""
        event = get_event(slug, manage=True)
        filters = {key: args.get(key) for key in ("status", "category", "organisation_id", "country", "network_id", "q")}
        query = queries.registrations_query(event, region_id=region_id_from_name(args.get("region")), **filters)
        page = paginate(query, args)
        positions = rules.waitlist_positions(event) if any(r.status == "waitlisted" for r in page.items) else {}
        for registration in page.items:
            registration._waitlist_position = positions.get(registration.id)
        return page

    @organiser_token_required
    @blp.arguments(RegistrationInputSchema)
    @blp.response(201, RegistrationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, schema=RefusalSchema, description="Already registered: pending, confirmed or waitlisted "
                                                             "(reason duplicate).")
    @blp.alt_response(422, schema=RefusalSchema, description=NOT_ELIGIBLE)
    def post(self, data, slug):
        """Register a person: confirmed, waitlisted or pending, as `status` says; 422 if not eligible or over quota.

        An email whose registration for this event was cancelled or rejected registers again: that registration
        (same id, a new manage link) takes the new details and is decided like a new one, at the end of any
        waiting list. Still 201, since for the caller a registration was made.
        """
        event = get_event(slug, manage=True)
        with refusals():
            registration = services.register(event, data, actor=Actor.for_user(g.api_user), organiser=True)
        location = url_for(".registration", registration_id=registration.id)
        return positioned(registration), 201, {"Location": location}


@blp.route(f"/registrations/<int(max={MAX_ID}):registration_id>", endpoint="registration")
class RegistrationDetail(MethodView):
    @organiser_token_required
    @blp.response(200, RegistrationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, registration_id):
        """One registration."""
        return positioned(get_registration(registration_id))

    @organiser_token_required
    @blp.arguments(RegistrationPatchSchema(partial=True))
    @blp.response(200, RegistrationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, schema=RefusalSchema, description="The new email is already registered.")
    @blp.alt_response(422, schema=RefusalSchema, description=NOT_ELIGIBLE)
    def patch(self, data, registration_id):
        """Change some details; `answers` replaces all answers. The status changes only through actions."""
        registration = get_registration(registration_id)
        with refusals():
            registration = services.update_details(registration, data, Actor.for_user(g.api_user), organiser=True)
        return positioned(registration)


@blp.route(f"/registrations/<int(max={MAX_ID}):registration_id>/cancel", endpoint="cancel")
class RegistrationCancel(MethodView):
    @organiser_token_required
    @blp.response(200, RegistrationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, schema=RefusalSchema, description="Already cancelled or rejected.")
    def post(self, registration_id):
        """Cancel a registration; a freed place goes to the first person on the waiting list."""
        registration = get_registration(registration_id)
        with refusals():
            registration = services.cancel(registration, Actor.for_user(g.api_user))
        return positioned(registration)
