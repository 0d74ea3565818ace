"""The one place that decides who may open a page."""
from functools import wraps

from flask import abort
from flask_login import current_user

from eventhub.extensions import login_manager


def role_required(*roles: str):
    """Guard a view: anonymous users go to login, users without the role get 403.

    Admins pass every role check (see User.has_role).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator


organiser_required = role_required("organiser")
