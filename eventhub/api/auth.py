"""Bearer-token authentication for the API.

Only `Authorization: Bearer <token>` counts; the session cookie is ignored, so a page on
another site cannot make a signed-in browser act through the API (no CSRF hole).
"""
from functools import wraps

from flask import g, request
from flask_babel import gettext as _
from flask_smorest import Blueprint, abort

from eventhub.auth.services import ApiCaller, caller_for_token

BEARER_SCHEME = "bearerAuth"


def _challenge(error: str | None = None) -> dict:
    """The WWW-Authenticate header of a 401 (RFC 6750)."""
    value = 'Bearer realm="EventHub API"'
    if error:
        value += f', error="{error}"'
    return {"WWW-Authenticate": value}


def token_user() -> ApiCaller | None:
    """Whom the request's bearer token acts for; None without a header, 401 for a bad or revoked token.

    A bad token is refused rather than treated as anonymous, so a client never silently sees less.
    """
    header = request.headers.get("Authorization", "").strip()
    if not header:
        return None
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        abort(
            401, message=_("Send the token as 'Authorization: Bearer <token>'."), headers=_challenge("invalid_request")
        )
    user = caller_for_token(secret.strip())
    if user is None:
        abort(401, message=_("The token is not valid or has been revoked."), headers=_challenge("invalid_token"))
    return user


def is_organiser(user: ApiCaller | None) -> bool:
    """Organisers (and admins, who hold every role) see drafts and member records."""
    return user is not None and user.has_role("organiser")


def token_optional(view):
    """Resolve the token if one is sent (g.api_user, else None) and document the optional scheme."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        # Set on every request: in tests one app context (and its g) spans several requests.
        g.api_user = token_user()
        return view(*args, **kwargs)

    return Blueprint.doc(security=[{}, {BEARER_SCHEME: []}], responses={401: "UNAUTHORIZED"})(wrapped)


def token_required(*roles: str):
    """Guard a resource: no or bad token -> 401 with a Bearer challenge, missing role -> 403.

    Put it above the flask-smorest decorators, so that authentication comes before input parsing.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = g.api_user = token_user()
            if user is None:
                abort(401, message=_("This needs an API token."), headers=_challenge())
            if roles and not user.has_role(*roles):
                abort(403, message=_("Your account does not have the role this needs."))
            return view(*args, **kwargs)

        return Blueprint.doc(security=[{BEARER_SCHEME: []}], responses={401: "UNAUTHORIZED", 403: "FORBIDDEN"})(
            wrapped
        )

    return decorator


organiser_token_required = token_required("organiser")
