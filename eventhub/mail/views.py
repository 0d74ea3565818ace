"""The outbox for organisers: is mail going out on congress day? Counts, what failed and why, what waits,
and "Retry failed" (what `flask mail retry` does) once the mail server is fixed.

Recipients and subjects are shown, never the bodies: they hold people's private links.
"""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from eventhub.auth.access import organiser_required
from eventhub.core.transaction import atomic
from eventhub.mail import queries, services
from eventhub.mail.forms import RetryForm

bp = Blueprint("mail_admin", __name__, url_prefix="/outbox")
# Rows per table: enough to see a pattern in the errors, short enough to read on a phone.
SHOWN = 50


@bp.route("/")
@organiser_required
def index():
    """Counts per status, the failed messages with their last error, the latest queued ones."""
    return render_template(
        "mail_admin/index.html", counts=services.counts_by_status(), failed=queries.latest("failed", SHOWN),
        queued=queries.latest("queued", SHOWN), form=RetryForm(), shown=SHOWN,
    )


@bp.route("/retry", methods=["POST"])
@organiser_required
def retry():
    """Give every failed message a fresh set of attempts; the mail worker sends them at its next run."""
    if not RetryForm().validate_on_submit():
        flash(_("Nothing was queued again: the form had expired. Please try again."), "error")
        return redirect(url_for(".index"))
    with atomic():
        count = services.requeue_failed()
    flash(ngettext("%(num)d failed message queued again.", "%(num)d failed messages queued again.", count), "success")
    return redirect(url_for(".index"))
