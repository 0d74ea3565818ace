"""The JSON API under /api/v1: flask-smorest resources calling the domain services."""
from flask_smorest import Api

from eventhub.api.auth import BEARER_SCHEME
from eventhub.api.schemas import ErrorSchema


class EventHubApi(Api):
    """flask-smorest's Api without its app-wide error handler.

    The stock handler would answer every HTTPException of the whole site, HTML pages included,
    with JSON; eventhub/errors.py already answers JSON under /api/ and HTML elsewhere.
    """

    # Our own error schema: refusals by the rules carry `reason`, which flask-smorest's Error forbids.
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        """Leave error handling to eventhub.core.error_pages."""


def init_app(app) -> None:
    """Create the Api for this app, declare bearer auth in the spec and register the API blueprints."""
    from eventhub.api.agenda import blp as agenda_blp
    from eventhub.api.badges import blp as badges_blp
    from eventhub.api.checkins import blp as checkins_blp
    from eventhub.api.directory import blp as directory_blp
    from eventhub.api.events import blp as events_blp
    from eventhub.api.meetings import blp as meetings_blp
    from eventhub.api.members import blp as members_blp
    from eventhub.api.registrations import blp as registrations_blp
    from eventhub.extensions import csrf

    api = EventHubApi(app)
    api.spec.components.security_scheme(
        BEARER_SCHEME, {"type": "http", "scheme": "bearer", "description": "An API token from `flask tokens create`."}
    )
    for blueprint in (events_blp, members_blp, registrations_blp, agenda_blp, badges_blp, checkins_blp, directory_blp,
                      meetings_blp):
        # Bearer tokens, never cookies: a cross-site form cannot act for anyone, so no CSRF token is needed.
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
