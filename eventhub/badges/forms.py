"""The badge pages' POST forms: they carry the CSRF token; the selection travels as hidden fields."""
from flask_wtf import FlaskForm
from wtforms import HiddenField


class BadgeActionForm(FlaskForm):
    """Mark printed, reissue: a button whose only input is where to go back to."""

    next = HiddenField()
