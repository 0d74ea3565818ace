"""The language switcher on every page. It remembers the choice in a cookie and, for a signed-in person,
on the account, so that the mails they receive follow it too.

For visitors it is a plain link per language: it works without JavaScript, writes nothing but the cookie,
and needs no CSRF token on pages kept in caches. Signed-in people press a button in a form (POST, with
its CSRF token), since that changes their account.
"""
from flask import abort, redirect, request, url_for
from flask_login import current_user

from eventhub.auth.views import bp
from eventhub.core import languages
from eventhub.core.transaction import atomic
from eventhub.core.urls import safe_redirect_target


@bp.route("/language/<code>", methods=["GET", "POST"])
def choose_language(code: str):
    chosen = languages.normalise(code)
    if chosen is None or chosen != code:
        abort(404)
    target = request.form.get("next") if request.method == "POST" else request.args.get("next")
    response = redirect(safe_redirect_target(target, url_for("events.index")))
    response.set_cookie(languages.COOKIE, chosen, max_age=languages.COOKIE_MAX_AGE, samesite="Lax",
                        secure=request.is_secure, httponly=True)
    if request.method == "POST" and current_user.is_authenticated and current_user.locale != chosen:
        with atomic():
            current_user.locale = chosen
    return response
