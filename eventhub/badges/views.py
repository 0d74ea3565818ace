"""Badges in the browser: attendees download their own; organisers print a selection, mark it
printed, reprint one, and reissue a lost one. Downloads are GETs and write nothing; marking and
reissuing are POSTs with CSRF."""
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from eventhub.audit.services import Actor
from eventhub.auth.access import organiser_required
from eventhub.badges import printing, services
from eventhub.badges.forms import BadgeActionForm
from eventhub.badges.models import Badge
from eventhub.core.errors import Refused, ValidationError
from eventhub.core.loading import found_or_404, get_or_404
from eventhub.core.tokens import keep_tokens_private
from eventhub.core.transaction import atomic
from eventhub.core.types import utcnow
from eventhub.core.urls import safe_redirect_target
from eventhub.core.validation import as_ids
from eventhub.events.access import get_event
from eventhub.events.models import CATEGORIES
from eventhub.extensions import db
from eventhub.registration.models import Registration
from eventhub.registration.queries import registered_organisations
from eventhub.registration.services import by_token

bp = Blueprint("badges", __name__)
keep_tokens_private(bp)
# What the organisers' page lists under the selection before the download button.
PREVIEW = 50


def pdf_response(event, rows, layout: str, double_sided: bool, filename: str) -> Response:
    """The selected badges as a PDF download; never cached by anyone but the person who asked."""
    from eventhub.printing.badges import render_badges

    out = io.BytesIO()
    render_badges(printing.badge_event(event), printing.cards(event, rows, double_sided), out,
                  layout=layout, double_sided=double_sided)
    response = Response(out.getvalue(), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- attendees ---------------------------------------------------------------------------

@bp.route("/registrations/<token>/badge.pdf")
def own_badge(token: str):
    """One's own badge (A6), once confirmed; ?double_sided=1 adds the back with one's sessions."""
    registration = found_or_404(by_token(token))
    badge = services.valid_badge(registration) if registration.status == "confirmed" else None
    if badge is None:
        flash(_("Your badge is ready to download once your registration is confirmed."), "info")
        return redirect(url_for("registration.manage", token=token))
    double_sided = request.args.get("double_sided") == "1"
    return pdf_response(registration.event, [(badge, registration)], "a6", double_sided,
                        f"{registration.event.slug}-badge.pdf")


# --- organisers --------------------------------------------------------------------------

def _selection_or_400(args) -> printing.Selection:
    try:
        return printing.parse_selection(args)
    except ValidationError as error:
        abort(400, description=" ".join(error.messages))


@bp.route("/manage/events/<slug>/badges")
@organiser_required
def index(slug: str):
    """Choose which badges to print (all, a category, an organisation, not printed yet), download them, mark them printed."""
    event = get_event(slug, manage=True)
    try:
        selection = printing.parse_selection(request.args)
        problems = {}
    except ValidationError as error:
        selection, problems = printing.Selection(), error.errors
    # The instant the page was shown: the file downloaded and the "mark printed" button then cover
    # the same badges, even if someone is confirmed in between.
    selection_args = _selection_args(selection, issued_until=utcnow())
    rows = printing.selected(event, selection)
    return render_template(
        "badges/index.html", event=event, selection=selection, problems=problems, rows=rows[:PREVIEW],
        total=len(rows), figures=_figures(event), organisations=registered_organisations(event),
        layouts=printing.LAYOUTS, sorts=printing.SORTS, categories=CATEGORIES, selection_args=selection_args, form=BadgeActionForm(),
    )


def _selection_args(selection: printing.Selection, issued_until=None) -> dict:
    """The selection as query-string arguments, for the download link and the mark-printed form."""
    until = issued_until or selection.issued_until
    args = {"category": selection.category, "organisation_id": selection.organisation_id,
            "not_printed": "1" if selection.not_printed else None, "sort": selection.sort,
            "layout": selection.layout, "double_sided": "1" if selection.double_sided else None,
            "ids": ",".join(map(str, selection.ids)) or None, "issued_until": until.isoformat() if until else None}
    return {key: value for key, value in args.items() if value is not None}


def _figures(event) -> dict:
    """Valid badges of the event, and how many of them are printed."""
    total, printed = db.session.execute(
        select(func.count(Badge.id), func.count(Badge.printed_at))
        .join(Badge.registration)
        .where(Badge.event_id == event.id, Badge.revoked_at.is_(None), Registration.status == "confirmed")
    ).one()
    return {"badges": total, "printed": printed, "not_printed": total - printed}


@bp.post("/manage/events/<slug>/badges/ticked")
@organiser_required
def ticked(slug: str):
    """The rows ticked in the registrations list, opened on this page (a POST: the list's form carries CSRF)."""
    event = get_event(slug, manage=True)
    form = BadgeActionForm()
    ids = [id_ for id_ in as_ids(request.form.getlist("ids")) or [] if id_]
    if not form.validate_on_submit() or not ids:
        flash(_("Tick at least one registration first."), "error")
        return redirect(url_for("registration_admin.index", slug=event.slug))
    return redirect(url_for(".index", slug=event.slug, ids=",".join(map(str, ids))))


@bp.route("/manage/events/<slug>/badges.pdf")
@organiser_required
def download(slug: str):
    """The selected badges as one PDF, in the chosen layout and order."""
    event = get_event(slug, manage=True)
    selection = _selection_or_400(request.args)
    rows = printing.selected(event, selection)
    if not rows:
        flash(_("No badge matches this selection."), "info")
        return redirect(url_for(".index", slug=slug, **_selection_args(selection)))
    return pdf_response(event, rows, selection.layout, selection.double_sided, f"{event.slug}-badges.pdf")


@bp.post("/manage/events/<slug>/badges/printed")
@organiser_required
def mark_printed(slug: str):
    """Mark the selected badges (as downloaded) as printed, so "not printed yet" leaves them out."""
    event = get_event(slug, manage=True)
    form = BadgeActionForm()
    selection = _selection_or_400(request.form)
    back = url_for(".index", slug=slug, **_selection_args(selection))
    if not form.validate_on_submit():
        flash(_("Nothing was marked: the form had expired. Please try again."), "error")
        return redirect(back)
    with atomic():
        count = services.mark_printed(event, [badge for badge, _r in printing.selected(event, selection)],
                                      Actor.for_user(current_user))
    flash(ngettext("%(num)d badge marked as printed.", "%(num)d badges marked as printed.", count), "success")
    return redirect(safe_redirect_target(form.next.data, back))


def _registration(event, registration_id: int) -> Registration:
    return get_or_404(Registration, registration_id, event_id=event.id)


@bp.route("/manage/events/<slug>/registrations/<int:registration_id>/badge.pdf")
@organiser_required
def reprint(slug: str, registration_id: int):
    """One person's badge, at the help desk (A6 unless ?layout=a4)."""
    event = get_event(slug, manage=True)
    registration = _registration(event, registration_id)
    badge = services.valid_badge(registration)
    if badge is None:
        abort(404, description=_("This registration has no valid badge: only confirmed registrations have one."))
    layout = "a4" if request.args.get("layout") == "a4" else "a6"
    return pdf_response(event, [(badge, registration)], layout, request.args.get("double_sided") == "1",
                        f"{event.slug}-badge-{registration.id}.pdf")


def _one_badge_action(slug: str, registration_id: int):
    """What a button on a registration's page works on: the event, the registration, its form, and
    the registration's page to go back to."""
    event = get_event(slug, manage=True)
    registration = _registration(event, registration_id)
    back = url_for("registration_admin.detail", slug=slug, registration_id=registration.id)
    return event, registration, BadgeActionForm(), back


@bp.post("/manage/events/<slug>/registrations/<int:registration_id>/badge/printed")
@organiser_required
def mark_one_printed(slug: str, registration_id: int):
    """Note that one person's badge was printed (again)."""
    event, registration, form, back = _one_badge_action(slug, registration_id)
    badge = services.valid_badge(registration)
    if form.validate_on_submit() and badge is not None:
        with atomic():
            services.mark_printed(event, [badge], Actor.for_user(current_user))
        flash(_("%(name)s's badge is marked as printed.", name=registration.full_name), "success")
    else:
        flash(_("Nothing was marked: this registration has no valid badge, or the form had expired."), "error")
    return redirect(safe_redirect_target(form.next.data, back))


@bp.post("/manage/events/<slug>/registrations/<int:registration_id>/badge/reissue")
@organiser_required
def reissue(slug: str, registration_id: int):
    """A lost badge: a new code; the old badge is refused at the door from now on."""
    _event, registration, form, back = _one_badge_action(slug, registration_id)
    if not form.validate_on_submit():
        flash(_("Nothing was changed: the form had expired. Please try again."), "error")
        return redirect(back)
    try:
        with atomic():
            services.reissue(registration, Actor.for_user(current_user))
    except Refused as refused:
        flash(refused.message, "error")
    else:
        flash(_("%(name)s has a new badge; the old one no longer opens the door. Print the new one.",
                name=registration.full_name), "success")
    return redirect(safe_redirect_target(form.next.data, back))
