"""Organiser page that anonymises an ended event's registrations, after stating what is lost and what is kept."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField
from wtforms.validators import DataRequired

from eventhub.audit.services import Actor
from eventhub.auth.access import organiser_required
from eventhub.core.errors import Refused
from eventhub.core.transaction import atomic
from eventhub.events.access import get_event
from eventhub.extensions import db
from eventhub.registration import retention
from eventhub.registration.admin import bp
from eventhub.registration.models import Delegation, Registration


class AnonymiseForm(FlaskForm):
    """Nothing brings the data back, so it needs a ticked box, not one stray click."""

    confirm = BooleanField(_l("Yes, remove these people's personal data for good"), validators=[DataRequired()])


def _count(model, event) -> int:
    return db.session.scalar(select(func.count(model.id)).where(model.event_id == event.id))


@bp.route("/anonymise", methods=["GET", "POST"])
@organiser_required
def anonymise(slug: str):
    """What anonymising would remove and keep, and (POST, box ticked) doing it."""
    event = get_event(slug, manage=True)
    form = AnonymiseForm()
    if form.validate_on_submit():
        try:
            with atomic():
                counts = retention.anonymise(event, Actor.for_user(current_user))
        except Refused as refused:
            flash(refused.message, "error")
        else:
            if counts is None:
                flash(_("“%(title)s” was anonymised before; nothing was changed.", title=event.title), "info")
            else:
                flash(_("The %(count)d registrations of “%(title)s” are anonymised.",
                        count=counts["registrations"], title=event.title), "success")
            return redirect(url_for("events.edit", slug=slug))
    elif form.is_submitted():
        flash(_("Nothing was changed: tick the box to confirm."), "error")
    return render_template("registration/admin/anonymise.html", event=event, form=form,
                           refusal=retention.refusal(event), registrations=_count(Registration, event),
                           delegations=_count(Delegation, event))
