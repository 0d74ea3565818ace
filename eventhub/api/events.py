"""/api/v1/events: the public list and detail, and organisers' create and update."""
from flask import g, url_for
from flask.views import MethodView

from eventhub.api.auth import is_organiser, organiser_token_required, token_optional
from eventhub.api.common import ApiBlueprint, paginate, service_errors
from eventhub.api.schemas import EventInputSchema, EventListArgsSchema, EventPageSchema, EventPatchSchema, EventSchema
from eventhub.audit.services import Actor
from eventhub.events import services
from eventhub.events.access import get_event

blp = ApiBlueprint(
    "api_events",
    __name__,
    url_prefix="/api/v1/events",
    description="Congresses and network meetings. Drafts are visible to organisers only.",
)


@blp.route("", endpoint="events")
class Events(MethodView):
    @token_optional
    @blp.arguments(EventListArgsSchema, location="query")
    @blp.response(200, EventPageSchema)
    def get(self, args):
        """List events, latest start first: published and cancelled, plus drafts for organisers."""
        query = services.list_events(status=args.get("status"), public_only=not is_organiser(g.api_user))
        return paginate(query, args)

    @organiser_token_required
    @blp.arguments(EventInputSchema)
    @blp.response(201, EventSchema)
    def post(self, data):
        """Create an event as a draft."""
        with service_errors():
            event = services.save_event(data, actor=Actor.for_user(g.api_user))
        return event, 201, {"Location": url_for(".event", slug=event.slug)}


@blp.route("/<slug>", endpoint="event")
class EventDetail(MethodView):
    @token_optional
    @blp.response(200, EventSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug):
        """One event; a draft is 404 unless the token is an organiser's."""
        return get_event(slug, manage=is_organiser(g.api_user))

    @organiser_token_required
    @blp.arguments(EventPatchSchema(partial=True))
    @blp.response(200, EventSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def patch(self, data, slug):
        """Change some fields of an event, its status included (draft, published, cancelled)."""
        event = get_event(slug, manage=True)
        status = data.pop("status", None)
        actor = Actor.for_user(g.api_user)
        with service_errors():
            if status:
                # Checked first, so a refused status leaves the other fields unchanged too.
                services.check_status(event, status)
            if data:
                event = services.save_event(data, event, actor)
            if status:
                event = services.set_status(event, status, actor)
        return event
