"""The outbox page's button."""
from flask_wtf import FlaskForm


class RetryForm(FlaskForm):
    """Re-queue the failed messages: a button whose only input is its CSRF token."""
