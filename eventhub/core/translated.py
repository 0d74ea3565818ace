"""Content that organisers give in several languages: an event's or a session's title, summary, description.

The columns hold the text in the event's main language; `translations` holds the others, as
{"fr": {"title": "...", "description": "..."}, ...}, never the main language itself. A reader gets the
text in their language when there is one, else the main language's.
"""
from sqlalchemy import JSON
from sqlalchemy.orm import Mapped, mapped_column

from eventhub.core import languages


class Translatable:
    """A mixin: a `translations` column and a reader for it. TRANSLATABLE names the fields."""

    TRANSLATABLE: tuple[str, ...] = ()
    translations: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")

    def localized(self, field: str, language: str | None = None):
        """The field in `language` (default: the one being spoken now), else in the main language."""
        code = language or languages.current()
        given = (self.translations or {}).get(code) or {}
        return given.get(field) or getattr(self, field)

    def translation(self, language: str, field: str) -> str | None:
        """The field's text in one other language, or None."""
        return ((self.translations or {}).get(language) or {}).get(field) or None

    def set_translations(self, given: dict, main_language: str) -> None:
        """Replace the translations with `given` ({code: {field: text}}), keeping only supported languages
        other than the main one, known fields and non-blank texts. A new dict, so the change is saved."""
        kept = {}
        for code, fields in (given or {}).items():
            code = languages.normalise(code)
            if not code or code == main_language or not isinstance(fields, dict):
                continue
            texts = {name: text.strip() for name, text in fields.items()
                     if name in self.TRANSLATABLE and isinstance(text, str) and text.strip()}
            if texts:
                kept[code] = texts
        self.translations = kept


def localized(obj, field: str):
    """Jinja filter: {{ session|localized('title') }}."""
    return obj.localized(field) if obj is not None else ""
