"""The organisers' form for an event's logo or banner. The file's kind and size are judged by
eventhub.events.images from its content, not here from its name."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import Length

from eventhub.core.forms import ServiceErrors
from eventhub.events.images import ALT_TEXT_MAX


class ImageForm(ServiceErrors, FlaskForm):
    """A new image (optional when the event has one: then only its description changes)."""

    image = FileField(_l("Image file"), render_kw={"accept": "image/png,image/jpeg,image/webp"})
    alt_text = StringField(_l("What the image shows"), validators=[Length(max=ALT_TEXT_MAX)],
                           render_kw={"maxlength": ALT_TEXT_MAX})


class RemoveImageForm(FlaskForm):
    """Only the CSRF token: removing needs no other input."""
