"""Login, logout and password change.

Each sign-in starts a fresh session; signing out and changing the password end every other session and
remember-me cookie of the account (services.end_sessions).
"""
from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.config import COOKIE_NAME

from eventhub.auth import services
from eventhub.auth.forms import ChangePasswordForm, LoginForm
from eventhub.core.transaction import atomic
from eventhub.core.urls import safe_redirect_target
from eventhub.extensions import limiter, login_manager

bp = Blueprint("auth", __name__, url_prefix="/auth")


@login_manager.user_loader
def load_user(identity: str):
    """The user a session or remember-me cookie names, unless the account's sessions were ended since."""
    return services.user_for_identity(identity)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """Sign in. The limiter counts each attempt as it arrives, before the password is checked, so parallel
    guesses cannot all slip under the limit; a successful sign-in gives its attempt back."""
    form = LoginForm()
    if form.validate_on_submit():
        with atomic():
            user = services.authenticate(form.email.data, form.password.data)
        if user:
            _give_back_attempt()
            _start_session(user, remember=form.remember.data)
            return redirect(safe_redirect_target(request.args.get("next"), url_for("events.index")))
        form.password.errors.append(_("Email or password is not correct."))
    return render_template("auth/login.html", form=form)


def _give_back_attempt() -> None:
    """Uncount this request's attempt: colleagues signing in behind a venue's one address must not use up the
    limit. Only a fixed window (the default strategy) is a counter that can go down; with another strategy,
    successful sign-ins count too."""
    if current_app.config.get("RATELIMIT_STRATEGY", "fixed-window") != "fixed-window":
        return
    for counted in limiter.current_limits:
        storage = counted.limiter.storage
        try:
            storage.incr(counted.key, counted.limit.get_expiry(), amount=-1)
        except storage.base_exceptions as error:  # the sign-in stands; the attempt stays counted
            current_app.logger.warning("Login attempt not given back: %s", error)


def _start_session(user, remember: bool) -> None:
    """Sign the user in on a new session. Nothing from the one before survives: a session cookie can be planted
    in a browser (from a shared computer, or a sibling site), and with it a CSRF token or a manage link of the
    attacker's; nor does a remember-me cookie already there, which would otherwise sign the browser into its
    own account once this session ends."""
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)  # Flask-WTF's copy for this request
    logout_user()  # drops the remember-me cookie found on the device
    services.sign_in_identity(user)
    login_user(user, remember=remember)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (POST, so a link on another site cannot sign people out) on every device.

    The session is a cookie the browser keeps, signed but held nowhere on the server; the one thing the server
    can revoke is the account's session version, which every session shares. Ending only this device's session
    would leave a copy of its cookie working (a shared desk computer, a synced browser profile, a stolen
    laptop). An officer who signs out at a congress desk expects nobody to carry on as them from there, so
    signing out ends the account's sessions and remember-me cookies everywhere; signing in again on one's own
    devices is the price. Check-in staff therefore each need their own account.
    """
    if current_user.is_authenticated:
        with atomic():
            services.end_sessions(current_user._get_current_object())
    session.clear()  # with it, the manage links this device remembered
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("events.index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the signed-in user's password. Every other session and remember-me cookie of the account ends;
    this device carries on, with a new identity (and a new remember-me cookie, if it had one)."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()  # the user itself, as the audit entry's subject
        try:
            with atomic():
                services.change_password(user, form.current_password.data, form.new_password.data)
        except services.AccountError as error:
            form.current_password.errors.append(str(error))
        else:
            services.sign_in_identity(user)
            login_user(user, remember=current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies)
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("events.index"))
    return render_template("auth/password.html", form=form)
