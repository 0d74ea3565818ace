"""Organiser pages for an event's rooms and tracks, and the shared session kinds (routes on agenda_admin)."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from eventhub.agenda import setup
from eventhub.agenda.admin import bp
from eventhub.agenda.admin.forms import ConfirmForm, DirectionForm, KindForm, RoomForm, TrackForm
from eventhub.agenda.admin.sessions import actor, owned_or_404
from eventhub.agenda.models import Room, SessionKind, Track
from eventhub.audit.services import history
from eventhub.auth.access import organiser_required
from eventhub.core.errors import ValidationError
from eventhub.core.forms import submit
from eventhub.core.loading import get_or_404
from eventhub.core.transaction import atomic
from eventhub.events.access import get_event
from eventhub.extensions import db


def _saved(form, save, *args):
    """Call a setup function with the form's data, or show every problem next to its field (None)."""
    return submit(form, lambda: save(*args))


def _delete(delete, item) -> bool:
    """Delete with the confirmation box ticked; a refusal (a room still in use) is flashed."""
    if not ConfirmForm().validate_on_submit():
        flash(_("Nothing was deleted: tick the box to confirm."), "error")
        return False
    try:
        with atomic():
            delete(item, actor())
    except ValidationError as error:
        flash(" ".join(error.messages), "error")
        return False
    return True


@bp.route("/rooms", methods=["GET", "POST"])
@organiser_required
def rooms(slug: str):
    """The event's rooms in timetable order, and a form to add one."""
    event = get_event(slug, manage=True)
    form = RoomForm()
    if room := _saved(form, setup.save_room, event, form.data, actor()):
        flash(_("The room “%(name)s” is added.", name=room.name), "success")
        return redirect(url_for(".rooms", slug=slug))
    return render_template("agenda/admin/rooms.html", event=event, form=form, rooms=setup.rooms_of(event),
                           move_form=DirectionForm())


@bp.route("/rooms/<int:room_id>", methods=["GET", "POST"])
@organiser_required
def edit_room(slug: str, room_id: int):
    """Edit a room; the delete form is on the same page."""
    event = get_event(slug, manage=True)
    room = owned_or_404(Room, event, room_id)
    form = RoomForm(obj=room)
    if _saved(form, setup.save_room, event, form.data, actor(), room):
        flash(_("The room “%(name)s” is saved.", name=room.name), "success")
        return redirect(url_for(".rooms", slug=slug))
    return render_template("agenda/admin/item_form.html", event=event, form=form, item=room, kind="room",
                           history=history(room), delete_url=url_for(".delete_room", slug=slug, room_id=room.id),
                           delete_form=ConfirmForm())


@bp.post("/rooms/<int:room_id>/delete")
@organiser_required
def delete_room(slug: str, room_id: int):
    """Delete a room no session uses."""
    event = get_event(slug, manage=True)
    room = owned_or_404(Room, event, room_id)
    name = room.name
    if not _delete(setup.delete_room, room):
        return redirect(url_for(".edit_room", slug=slug, room_id=room_id, _anchor="delete"))
    flash(_("The room “%(name)s” is deleted.", name=name), "success")
    return redirect(url_for(".rooms", slug=slug))


@bp.post("/rooms/<int:room_id>/move")
@organiser_required
def move_room(slug: str, room_id: int):
    """Move a room one column left (up) or right (down) in the timetable."""
    event = get_event(slug, manage=True)
    room = owned_or_404(Room, event, room_id)
    form = DirectionForm()
    if form.validate_on_submit():
        with atomic():
            setup.move_room(room, -1 if form.direction.data == "up" else 1, actor())
    else:
        flash(_("Nothing was moved: choose up or down."), "error")
    return redirect(url_for(".rooms", slug=slug, _anchor=f"room-{room.id}"))


@bp.route("/tracks", methods=["GET", "POST"])
@organiser_required
def tracks(slug: str):
    """The event's tracks with their colours, and a form to add one."""
    event = get_event(slug, manage=True)
    form = TrackForm()
    if track := _saved(form, setup.save_track, event, form.data, actor()):
        flash(_("The track “%(name)s” is added.", name=track.name), "success")
        return redirect(url_for(".tracks", slug=slug))
    tracks = db.session.scalars(db.select(Track).where(Track.event_id == event.id).order_by(Track.name)).all()
    return render_template("agenda/admin/tracks.html", event=event, form=form, tracks=tracks)


@bp.route("/tracks/<int:track_id>", methods=["GET", "POST"])
@organiser_required
def edit_track(slug: str, track_id: int):
    """Edit a track; the delete form is on the same page."""
    event = get_event(slug, manage=True)
    track = owned_or_404(Track, event, track_id)
    form = TrackForm(obj=track)
    if _saved(form, setup.save_track, event, form.data, actor(), track):
        flash(_("The track “%(name)s” is saved.", name=track.name), "success")
        return redirect(url_for(".tracks", slug=slug))
    return render_template("agenda/admin/item_form.html", event=event, form=form, item=track, kind="track",
                           history=history(track), delete_url=url_for(".delete_track", slug=slug, track_id=track.id),
                           delete_form=ConfirmForm())


@bp.post("/tracks/<int:track_id>/delete")
@organiser_required
def delete_track(slug: str, track_id: int):
    """Delete a track; its sessions stay, without a track."""
    event = get_event(slug, manage=True)
    track = owned_or_404(Track, event, track_id)
    name = track.name
    if not _delete(setup.delete_track, track):
        return redirect(url_for(".edit_track", slug=slug, track_id=track_id, _anchor="delete"))
    flash(_("The track “%(name)s” is deleted.", name=name), "success")
    return redirect(url_for(".tracks", slug=slug))


@bp.route("/kinds", methods=["GET", "POST"])
@organiser_required
def kinds(slug: str):
    """Session kinds (shared by every event) and a form to add one."""
    event = get_event(slug, manage=True)
    form = KindForm()
    if kind := _saved(form, setup.add_kind, form.data, actor()):
        flash(_("The kind “%(name)s” is added.", name=kind.name), "success")
        return redirect(url_for(".kinds", slug=slug))
    return render_template("agenda/admin/kinds.html", event=event, form=form, kinds=setup.list_kinds())


@bp.route("/kinds/<int:kind_id>", methods=["GET", "POST"])
@organiser_required
def edit_kind(slug: str, kind_id: int):
    """Rename a session kind."""
    event = get_event(slug, manage=True)
    kind = get_or_404(SessionKind, kind_id)
    form = KindForm(obj=kind)
    if _saved(form, setup.add_kind, form.data, actor(), kind):
        flash(_("The kind “%(name)s” is saved.", name=kind.name), "success")
        return redirect(url_for(".kinds", slug=slug))
    return render_template("agenda/admin/item_form.html", event=event, form=form, item=kind, kind="kind",
                           history=history(kind))
