"""The one place that decides who may open a page."""
from functools import wraps

from flask import abort
from flask_login import current_user

from eventhub.core.error_pages import script_wants_json
from eventhub.extensions import login_manager


def role_required(*roles: str):
    """Guard a view: anonymous users go to login, users without the role get 403.

    A page's script asking for JSON (the check-in scanner) gets 401 instead of the login page, so it can
    say "sign in again" and keep what it was sending. Admins pass every role check (see User.has_role).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if script_wants_json():
                    abort(401)
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator


organiser_required = role_required("organiser")
