"""EventHub: congresses and network meetings of a network of cities."""
from flask import Flask

from config import config_for


def create_app(config: dict | str | None = None) -> Flask:
    """Build the application.

    `config` is either the name of a config class ("testing") or a dict of settings
    laid over the class named by its "EVENTHUB_ENV" key (default: the EVENTHUB_ENV
    environment variable, else development).
    """
    app = Flask(__name__, instance_relative_config=True, template_folder="../templates", static_folder="../static")
    overrides = config if isinstance(config, dict) else {}
    app.config.from_object(config_for(config if isinstance(config, str) else overrides.get("EVENTHUB_ENV")))
    app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY is not set. Set it in the environment before starting in production.")

    from eventhub import extensions
    from eventhub.core import (error_pages, favicon, formatting, languages, requestlog, richtext, security,
                               unavailable)

    requestlog.init_app(app)
    security.init_app(app)
    extensions.init_app(app)
    _load_models()
    formatting.init_app(app)
    richtext.init_app(app)
    error_pages.init_app(app)
    unavailable.init_app(app)
    favicon.init_app(app)
    languages.init_app(app)

    from eventhub.agenda.admin import bp as agenda_admin_bp
    from eventhub.agenda.views import bp as agenda_bp
    from eventhub.auth.views import bp as auth_bp
    from eventhub.badges.views import bp as badges_bp
    from eventhub.calendars.export_views import bp as schedule_exports_bp
    from eventhub.calendars.views import bp as calendars_bp
    from eventhub.checkin.views import bp as checkin_bp
    from eventhub.directory.views import bp as directory_bp
    from eventhub.auth import language as _language  # noqa: F401  (its route joins the auth blueprint)
    from eventhub.events import image_views as _event_images  # noqa: F401  (its routes join the events blueprint)
    from eventhub.events.views import bp as events_bp
    from eventhub.letters.views import bp as letters_bp
    from eventhub.mail.views import bp as mail_admin_bp
    from eventhub.meetings.admin import bp as meetings_admin_bp
    from eventhub.meetings.views import bp as meetings_bp
    from eventhub.members.views import bp as members_bp
    from eventhub.operations.health import bp as health_bp
    from eventhub.printing.views import bp as printing_bp
    from eventhub.registration.admin import bp as registration_admin_bp
    from eventhub.registration.delegations import bp as delegations_bp
    from eventhub.registration.views import bp as registration_bp
    from eventhub.trail.views import bp as trail_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(members_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(registration_admin_bp)
    app.register_blueprint(delegations_bp)
    app.register_blueprint(agenda_bp)
    app.register_blueprint(agenda_admin_bp)
    app.register_blueprint(calendars_bp)
    app.register_blueprint(schedule_exports_bp)
    app.register_blueprint(printing_bp)
    app.register_blueprint(badges_bp)
    app.register_blueprint(checkin_bp)
    app.register_blueprint(directory_bp)
    app.register_blueprint(letters_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(meetings_admin_bp)
    app.register_blueprint(trail_bp)
    app.register_blueprint(mail_admin_bp)
    app.register_blueprint(health_bp)

    from eventhub import api

    api.init_app(app)
    _connect_domain_events()

    from eventhub.auth.cli import tokens_cli, users_cli
    from eventhub.badges.cli import badges_cli
    from eventhub.checkin.cli import checkin_cli
    from eventhub.demo.cli import demo_command
    from eventhub.letters.cli import letters_cli
    from eventhub.mail.cli import mail_cli
    from eventhub.members.cli import members_cli
    from eventhub.operations import cli as operations_cli
    from eventhub.registration.cli import events_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(members_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(badges_cli)
    app.cli.add_command(checkin_cli)
    app.cli.add_command(events_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(letters_cli)
    operations_cli.init_app(app)
    return app


def _connect_domain_events() -> None:
    """Let each domain listen to the domains it builds on (see eventhub.core.signals)."""
    from eventhub.agenda import listeners as _agenda  # noqa: F401
    from eventhub.badges import listeners as _badges  # noqa: F401
    from eventhub.directory import listeners as _directory  # noqa: F401
    from eventhub.events import listeners as _events  # noqa: F401
    from eventhub.letters import listeners as _letters  # noqa: F401
    from eventhub.meetings import listeners as _meetings  # noqa: F401
    from eventhub.registration import listeners as _registration  # noqa: F401


def _load_models() -> None:
    """Import every model module, so the metadata (and Alembic's autogenerate) sees every table."""
    from eventhub.agenda import models as _agenda  # noqa: F401
    from eventhub.audit import models as _audit  # noqa: F401
    from eventhub.auth import models as _auth  # noqa: F401
    from eventhub.badges import models as _badges  # noqa: F401
    from eventhub.checkin import models as _checkin  # noqa: F401
    from eventhub.directory import models as _directory  # noqa: F401
    from eventhub.events import models as _events  # noqa: F401
    from eventhub.letters import models as _letters  # noqa: F401
    from eventhub.mail import models as _mail  # noqa: F401
    from eventhub.meetings import models as _meetings  # noqa: F401
    from eventhub.members import models as _members  # noqa: F401
    from eventhub.registration import models as _registration  # noqa: F401
