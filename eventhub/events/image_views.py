"""An event's logo or banner: the organisers' page to upload or remove it, and the image itself.

Its routes join the events blueprint (eventhub.events.views); this module is imported by
create_app before the blueprint is registered.
"""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.audit.services import Actor
from eventhub.auth.access import organiser_required
from eventhub.core.errors import ValidationError
from eventhub.core.transaction import atomic
from eventhub.events import images
from eventhub.events.access import get_event, viewer_is_organiser
from eventhub.events.image_forms import ImageForm, RemoveImageForm
from eventhub.events.views import bp

# A year: the image's URL changes with its content, so a cached copy is never stale.
FOREVER = 365 * 24 * 3600


def image_url(event, external: bool = False) -> str | None:
    """Where the event's current image is served, or None without one."""
    image = event.image
    if image is None:
        return None
    return url_for("events.image", slug=event.slug, version=image.version, ext=image.extension, _external=external)


@bp.app_template_global()
def event_image(event, width: int = 720, height: int = 240) -> dict | None:
    """What a page needs to show the event's image within width × height CSS pixels, or None."""
    image = event.image
    if image is None:
        return None
    scale = min(1.0, width / image.width, height / image.height)
    return {"url": image_url(event), "alt": image.alt_text, "width": max(1, round(image.width * scale)),
            "height": max(1, round(image.height * scale)), "image": image}


@bp.route("/events/<slug>/image/<version>.<ext>")
def image(slug: str, version: str, ext: str):
    """The image, cached for a year by browsers and proxies; an old address leads to the current image."""
    event = get_event(slug, manage=viewer_is_organiser())
    stored = event.image
    if stored is None:
        abort(404)
    if version != stored.version or ext != stored.extension:
        return redirect(image_url(event))
    if request.if_none_match.contains(stored.digest):
        response = Response(status=304)
    else:
        response = Response(stored.data, mimetype=stored.content_type)
        response.headers["Content-Disposition"] = f'inline; filename="{event.slug}.{stored.extension}"'
    response.set_etag(stored.digest)
    response.cache_control.max_age = FOREVER
    response.cache_control.immutable = True
    # A draft's image is for the organisers' eyes: no shared cache keeps it.
    if event.is_public:
        response.cache_control.public = True
    else:
        response.cache_control.private = True
    return response


@bp.route("/manage/events/<slug>/image", methods=["GET", "POST"])
@organiser_required
def image_settings(slug: str):
    """Upload, replace or describe the event's image; a refused file changes nothing and says why."""
    event = get_event(slug, manage=True)
    form = ImageForm(data={"alt_text": event.image.alt_text if event.image else ""})
    if form.validate_on_submit():
        upload = form.image.data
        data = upload.read(images.MAX_BYTES + 1) if upload and upload.filename else None
        try:
            with atomic():
                images.save_image(event, data, form.alt_text.data, Actor.for_user(current_user))
        except ValidationError as error:
            form.add_service_errors(error.errors)
        else:
            flash(_("The image is saved. It shows on the event page, the programme's cover and the badges.")
                  if data is not None else _("The image's description is saved."), "success")
            return redirect(url_for(".image_settings", slug=slug))
    return render_template("events/image.html", event=event, form=form, remove_form=RemoveImageForm())


@bp.post("/manage/events/<slug>/image/remove")
@organiser_required
def remove_image(slug: str):
    """Take the image away from the event page, the programme and the badges."""
    event = get_event(slug, manage=True)
    if not RemoveImageForm().validate_on_submit():
        flash(_("Nothing was changed: the form had expired. Please try again."), "error")
    else:
        with atomic():
            removed = images.remove_image(event, Actor.for_user(current_user))
        flash(_("The image is removed.") if removed else _("This event has no image."), "success" if removed else "info")
    return redirect(url_for(".image_settings", slug=slug))
