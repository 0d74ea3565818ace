"""Checking raw input in services: collect every field's problems, then raise them together."""
from eventhub.core.errors import ValidationError


class Collector:
    """Gathers field errors so a caller sees every problem at once, not the first."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def text_value(data: dict, field: str, limit: int, errors: Collector, required: bool = False) -> str | None:
    """A stripped text input, None when blank; notes a missing required value or one over `limit`."""
    from flask_babel import gettext as _

    text = str(data.get(field) or "").strip()
    if required and not text:
        errors.add(field, _("This field is required."))
    elif len(text) > limit:
        errors.add(field, _("At most %(limit)d characters.", limit=limit))
    return text or None
