"""An event's logo or banner: checked, re-encoded, stored in the database, replaced or removed.

An upload is untrusted bytes. Its kind is read from its content, never from its name or the
browser's word: only PNG, JPEG and WebP are opened, with Pillow limited to those three formats.
Its size in pixels is checked before a single pixel is decoded, so a decompression bomb (a tiny
file that unpacks to gigabytes) is refused from its header. What is kept is a fresh encoding
of the pixels alone, at most STORED_SIDE pixels wide and high: the metadata the camera or the
design tool wrote (EXIF with its GPS position, comments, colour profiles) is not carried over,
and nothing a crafted file hid beside its pixels reaches the pages or the printed documents.
"""
import hashlib
import io
import warnings
from dataclasses import dataclass

from flask_babel import gettext as _

from eventhub.audit.services import Actor, record
from eventhub.core.errors import ValidationError
from eventhub.core.types import utcnow
from eventhub.core.validation import Collector, text_value
from eventhub.events.image_model import EventImage
from eventhub.extensions import db

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 4000
FORMATS = ("PNG", "JPEG", "WEBP")
# Big enough for a full-width banner on a large screen and a sharp logo on A4 at 300 dpi.
STORED_SIDE = 1600
# A stored image larger than this is made smaller still: every page view of a public event fetches it.
STORED_MAX_BYTES = 1536 * 1024
ALT_TEXT_MAX = 300


@dataclass(frozen=True)
class PreparedImage:
    """The re-encoded image, ready to store."""
    data: bytes
    content_type: str
    width: int
    height: int


def _refuse(message: str):
    raise ValidationError({"image": [message]})


def prepare(data: bytes) -> PreparedImage:
    """Check an uploaded file and re-encode it; raise ValidationError (field "image") if it is refused."""
    if not data:
        _refuse(_("The file is empty. Choose a PNG, JPEG or WebP image."))
    if len(data) > MAX_BYTES:
        _refuse(_("The file is larger than %(size)s MB. Choose a smaller image.", size=MAX_BYTES // 1048576))
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            # Pillow only warns about a very large image; here that is a refusal like any other.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                width, height = image.size
                if width > MAX_SIDE or height > MAX_SIDE:
                    _refuse(_("The image is %(width)d × %(height)d pixels; at most %(side)d × %(side)d are "
                              "accepted. Make it smaller and upload it again.",
                              width=width, height=height, side=MAX_SIDE))
                image.load()  # only now are the pixels decoded: a damaged file fails here
                return _encode(image)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard, before our size check: a header claiming hundreds of megapixels.
        _refuse(_("The image has far more than %(side)d × %(side)d pixels. Make it smaller and upload it again.",
                  side=MAX_SIDE))
    except UnidentifiedImageError:
        _refuse(_("This file is not a PNG, JPEG or WebP image. Other files (PDF, SVG, GIF, HEIC...) are "
                  "not accepted, whatever their name says."))
    except (OSError, SyntaxError, ValueError, EOFError):
        _refuse(_("The image could not be read: the file is damaged or incomplete. Save it again and "
                  "upload it once more."))


def _encode(image) -> PreparedImage:
    """The pixels, upright, in sRGB, no larger than STORED_SIDE, as PNG (transparent or flat images)
    or JPEG (photographs); without any of the original's metadata."""
    from PIL import Image, ImageOps

    source_format = image.format
    image = ImageOps.exif_transpose(image)  # the camera's "this side up", before the EXIF is dropped
    image = _srgb(image)
    transparent = _has_transparency(image)
    image = image.convert("RGBA" if transparent else "RGB")
    side = STORED_SIDE
    while True:
        image.thumbnail((side, side), Image.Resampling.LANCZOS)
        content_type, data = _smallest(image, transparent, photo=source_format == "JPEG")
        if len(data) <= STORED_MAX_BYTES or side <= 400:
            return PreparedImage(data, content_type, image.width, image.height)
        side = side * 3 // 4


def _srgb(image):
    """Colours converted from an embedded profile (a wide-gamut photo) to sRGB, which browsers and
    PDFs assume once the profile is gone; left as they are when the profile cannot be read."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA"):
        return image
    from PIL import ImageCms

    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode)
    except (OSError, ValueError, ImageCms.PyCMSError):
        return image


def _has_transparency(image) -> bool:
    """True when some pixel is not fully opaque."""
    if image.mode == "P":
        image = image.convert("RGBA") if "transparency" in image.info else image
    if image.mode in ("RGBA", "LA", "PA"):
        return image.getchannel("A").getextrema()[0] < 255
    return False


def _smallest(image, transparent: bool, photo: bool) -> tuple[str, bytes]:
    """PNG keeps transparency and sharp edges; JPEG suits photographs. A flat image without
    transparency stays PNG unless its PNG is much larger than its JPEG (then it is a photograph)."""
    png = io.BytesIO()
    if transparent or not photo:
        image.save(png, "PNG", optimize=True)
        if transparent:
            return "image/png", png.getvalue()
    jpeg = io.BytesIO()
    image.save(jpeg, "JPEG", quality=88, optimize=True, progressive=True)
    if photo or len(png.getvalue()) > 2 * len(jpeg.getvalue()):
        return "image/jpeg", jpeg.getvalue()
    return "image/png", png.getvalue()


def _described(image: EventImage | None) -> str | None:
    """How the audit trail names an image: kind, size and the start of its digest."""
    if image is None:
        return None
    return f"{image.extension.upper()} {image.width} × {image.height}, {image.byte_size // 1024 or 1} KB ({image.version})"


def save_image(event, data: bytes | None, alt_text: str | None, actor: Actor) -> EventImage:
    """Give the event a new image (data) or, with data None, only a new description of its image.

    Raises ValidationError for a refused file or description; then nothing changes.
    """
    errors = Collector()
    alt = text_value({"alt_text": alt_text}, "alt_text", ALT_TEXT_MAX, errors) or ""
    current = event.image
    prepared = None
    if data is not None:
        try:
            prepared = prepare(data)
        except ValidationError as error:
            for message in error.errors["image"]:
                errors.add("image", message)
    elif current is None:
        errors.add("image", _("Choose an image file to upload."))
    errors.raise_if_any()
    before = {"image": _described(current), "alt_text": current.alt_text if current else None}
    image = current or EventImage(event_id=event.id)
    if prepared is not None:
        image.data, image.content_type = prepared.data, prepared.content_type
        image.width, image.height, image.byte_size = prepared.width, prepared.height, len(prepared.data)
        image.digest = hashlib.sha256(prepared.data).hexdigest()
        image.uploaded_at = utcnow()
    image.alt_text = alt
    if current is None:
        db.session.add(image)
        event.image = image
    db.session.flush()
    after = {"image": _described(image), "alt_text": image.alt_text}
    changes = {field: [before[field], after[field]] for field in before if before[field] != after[field]}
    if changes:
        record(actor, "event.image_saved", event, event_id=event.id, changes=changes)
    return image


def remove_image(event, actor: Actor) -> bool:
    """Take the event's image away; False when it had none (nothing is recorded then)."""
    image = event.image
    if image is None:
        return False
    record(actor, "event.image_removed", event, event_id=event.id, changes={"image": [_described(image), None]})
    db.session.delete(image)
    db.session.flush()
    db.session.expire(event, ["image"])
    return True


def image_data(event) -> bytes | None:
    """The stored image's bytes, for the printed documents; None without an image."""
    image = event.image
    return image.data if image is not None else None
