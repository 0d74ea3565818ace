"""Login, logout and password change."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from eventhub.auth import services
from eventhub.auth.forms import ChangePasswordForm, LoginForm
from eventhub.core.transaction import atomic
from eventhub.core.urls import safe_redirect_target
from eventhub.extensions import db, limiter, login_manager

bp = Blueprint("auth", __name__, url_prefix="/auth")


@login_manager.user_loader
def load_user(user_id: str):
    from eventhub.auth.models import User

    return db.session.get(User, int(user_id))


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=lambda response: response.status_code != 302)
def login():
    """Sign in; only failed attempts count against the rate limit."""
    form = LoginForm()
    if form.validate_on_submit():
        with atomic():
            user = services.authenticate(form.email.data, form.password.data)
        if user:
            login_user(user, remember=form.remember.data)
            return redirect(safe_redirect_target(request.args.get("next"), url_for("events.index")))
        form.password.errors.append(_("Email or password is not correct."))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (POST, so a link on another site cannot sign people out)."""
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("events.index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the signed-in user's password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            with atomic():
                user = current_user._get_current_object()  # the user itself, as the audit entry's subject
                services.change_password(user, form.current_password.data, form.new_password.data)
        except services.AccountError as error:
            form.current_password.errors.append(str(error))
        else:
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("events.index"))
    return render_template("auth/password.html", form=form)
