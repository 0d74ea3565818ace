"""The organisers' meetings page of an event: tables, windows cut into slots, the anti-spam limit, an overview."""
from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from eventhub.audit.services import Actor
from eventhub.auth.access import organiser_required
from eventhub.core.errors import Refused
from eventhub.core.forms import submit
from eventhub.core.loading import get_or_404
from eventhub.core.transaction import atomic
from eventhub.events.access import get_event
from eventhub.meetings import forms, overview, setup
from eventhub.meetings.models import REQUEST_STATUSES, Meeting, MeetingArea, MeetingWindow

bp = Blueprint("meetings_admin", __name__, url_prefix="/manage/events/<slug>/meetings")


def actor() -> Actor:
    """The signed-in organiser, for the audit trail."""
    return Actor.for_user(current_user)


def _page(event, **replaced):
    """The page, with the forms as given (one that came back with problems) or blank."""
    values = {
        "area_form": forms.AreaForm(prefix="area", formdata=None),
        "window_form": forms.WindowForm(prefix="window", formdata=None),
        "settings_form": forms.SettingsForm(prefix="settings", formdata=None,
                                            max_open_requests=setup.max_open_requests(event)),
        **replaced,
    }
    return render_template("meetings/admin.html", event=event, areas=setup.areas(event), windows=setup.windows(event),
                           delete_form=forms.ConfirmForm(formdata=None), figures=overview.overview(event), **values)


def _back(slug: str, anchor: str):
    return redirect(url_for(".index", slug=slug, _anchor=anchor))


@bp.route("")
@organiser_required
def index(slug: str):
    """Tables, windows and the limit on one page, each with its own form; the overview below."""
    return _page(get_event(slug, manage=True))


@bp.post("/areas")
@organiser_required
def add_area(slug: str):
    """Add a table."""
    event = get_event(slug, manage=True)
    form = forms.AreaForm(prefix="area")
    if area := submit(form, lambda: setup.add_area(event, {"name": form.name.data, "location": form.location.data},
                                                   actor())):
        flash(_("“%(name)s” is added.", name=area.name), "success")
        return _back(slug, "areas")
    return _page(event, area_form=form)


@bp.post("/windows")
@organiser_required
def add_window(slug: str):
    """Add a window of meeting time, cut into slots."""
    event = get_event(slug, manage=True)
    form = forms.WindowForm(prefix="window")
    data = {"start": form.start.data, "end": form.end.data, "slot_minutes": form.slot_minutes.data}
    if window := submit(form, lambda: setup.add_window(event, data, actor())):
        flash(ngettext("The window is added, with %(num)d slot.", "The window is added, with %(num)d slots.",
                       len(window.slots)), "success")
        return _back(slug, "windows")
    return _page(event, window_form=form)


@bp.post("/settings")
@organiser_required
def settings(slug: str):
    """Change the most open requests one person may have sent."""
    event = get_event(slug, manage=True)
    form = forms.SettingsForm(prefix="settings")
    if submit(form, lambda: setup.set_max_open_requests(event, form.max_open_requests.data, actor())):
        flash(_("The limit is saved."), "success")
        return _back(slug, "settings")
    return _page(event, settings_form=form)


def _delete(delete, item) -> bool:
    """Delete with the confirmation box ticked; a refusal (meetings still booked) is flashed."""
    if not forms.ConfirmForm().validate_on_submit():
        flash(_("Nothing was deleted: tick the box to confirm."), "error")
        return False
    try:
        with atomic():
            delete(item, actor())
    except Refused as refused:
        flash(refused.message, "error")
        return False
    return True


@bp.post("/areas/<int:area_id>/delete")
@organiser_required
def delete_area(slug: str, area_id: int):
    """Delete a table with no booked meeting."""
    event = get_event(slug, manage=True)
    area = get_or_404(MeetingArea, area_id, event_id=event.id)
    name = area.name
    if _delete(setup.delete_area, area):
        flash(_("“%(name)s” is deleted.", name=name), "success")
    return _back(slug, "areas")


@bp.post("/windows/<int:window_id>/delete")
@organiser_required
def delete_window(slug: str, window_id: int):
    """Delete a window (and its slots) with no booked meeting."""
    event = get_event(slug, manage=True)
    window = get_or_404(MeetingWindow, window_id, event_id=event.id)
    if _delete(setup.delete_window, window):
        flash(_("The window is deleted."), "success")
    return _back(slug, "windows")


@bp.route("/overview")
@organiser_required
def overview_page(slug: str):
    """Requests and their answers, meetings per slot and per table, and who met whom by region."""
    event = get_event(slug, manage=True)
    return render_template("meetings/overview.html", event=event, figures=overview.overview(event),
                           areas=setup.areas(event), slots=setup.slots(event),
                           booked=overview.standing_meetings(event), cancel_form=forms.ActionForm(formdata=None),
                           request_statuses={key: str(label) for key, label in REQUEST_STATUSES.items()})


@bp.route("/meetings.csv")
@organiser_required
def export_csv(slug: str):
    """The booked meetings as a CSV file Excel opens."""
    from eventhub.core.csv_export import csv_chunks

    event = get_event(slug, manage=True)
    header, rows = overview.csv_rows(event)
    response = Response(b"".join(csv_chunks(header, rows)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-meetings.csv"'
    return response


@bp.post("/<int:meeting_id>/cancel")
@organiser_required
def cancel_meeting(slug: str, meeting_id: int):
    """Cancel a booked meeting (a table out of use, a person taken ill): both people are told."""
    from eventhub.meetings.services import cancel_meeting as cancel

    event = get_event(slug, manage=True)
    meeting = get_or_404(Meeting, meeting_id, event_id=event.id)
    if not forms.ActionForm().validate_on_submit():
        flash(_("Nothing was changed: the form has expired. Please try again."), "error")
    else:
        try:
            with atomic():
                cancel(meeting, None, actor())
        except Refused as refused:
            flash(refused.message, "error")
        else:
            flash(_("The meeting is cancelled; both people are told."), "success")
    return redirect(url_for(".overview_page", slug=slug, _anchor="booked"))
