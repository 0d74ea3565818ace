"""The language switcher on every page: a plain link per language, so it works without JavaScript and on
pages kept in a cache. It remembers the choice in a cookie and, for a signed-in person, on the account,
so that the mails they receive follow it too. A link (not a form with a CSRF token) means another site
could switch someone's language; that costs them one click back, which the cached pages are worth.
"""
from flask import abort, redirect, request, url_for
from flask_login import current_user

from eventhub.auth.views import bp
from eventhub.core import languages
from eventhub.core.transaction import atomic
from eventhub.core.urls import safe_redirect_target


@bp.route("/language/<code>")
def choose_language(code: str):
    chosen = languages.normalise(code)
    if chosen is None or chosen.lower() != code.replace("-", "_").lower():
        abort(404)
    response = redirect(safe_redirect_target(request.args.get("next"), url_for("events.index")))
    response.set_cookie(languages.COOKIE, chosen, max_age=languages.COOKIE_MAX_AGE, samesite="Lax",
                        secure=request.is_secure, httponly=True)
    if current_user.is_authenticated and current_user.locale != chosen:
        with atomic():
            current_user.locale = chosen
    return response
