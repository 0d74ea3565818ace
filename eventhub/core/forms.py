"""Forms whose input a service judges: every problem shown at once, saved in one unit of work.

A form only parses (types, lengths); the rules live in the services. When the form itself finds a
problem (a date that does not parse), the service still hears the rest of the input, inside a
transaction that is rolled back, so the person learns every problem in one round instead of one
round per layer. Nothing typed is lost: the page shows the form again with the input.
"""
from eventhub.core.errors import ValidationError
from eventhub.core.transaction import atomic


class ServiceErrors:
    """Mixin for a FlaskForm: puts a service's ValidationError messages next to the fields they name."""

    # Service error keys that name a differently named form field, e.g. {"start_at": "start"}.
    FIELD_FOR_ERROR: dict[str, str] = {}

    def field_for(self, key: str):
        """The form field a service error key belongs to, or None (the message then goes above the form)."""
        if key == "csrf_token":
            return None
        if key.startswith("translations.") and key.count(".") == 2:
            _, code, name = key.split(".")
            key = f"tr_{code}_{name}"  # eventhub.core.translation_input's form fields
        return self._fields.get(self.FIELD_FOR_ERROR.get(key, key))

    def add_service_errors(self, errors: dict[str, list[str]], only_new: bool = False) -> None:
        """Show each message next to its field, the rest above the form.

        only_new: skip fields the form already marked (the service would only repeat "required"
        for a date the form could not read).
        """
        for key, messages in errors.items():
            field = self.field_for(key)
            if field is None:
                self.form_errors.extend(m for m in messages if m not in self.form_errors)
            elif not (only_new and field.errors):
                field.errors = [*field.errors, *messages]


class TranslatedMessages:
    """Mixin for a plain WTForms Form (a GET form of filters, a row of a bigger form): the messages of WTForms'
    own checks ("Not a valid date value.") in the visitor's language, as a FlaskForm gives them."""

    class Meta:
        def get_translations(self, form):
            from flask import current_app
            from flask_wtf.i18n import translations

            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return translations


class ListFilters(TranslatedMessages):
    """Mixin for a list page's GET form of filters (a WTForms Form read from the query string)."""

    def filters(self) -> dict:
        """The valid, non-empty filters: keyword arguments for the list's query and for its page links.

        A filter that is not one of its choices is left out rather than refused: an old bookmark still opens.
        """
        self.validate()
        return {
            name: (int(field.data) if name.endswith("_id") else field.data.strip())
            for name, field in self._fields.items()
            if field.data and not field.errors and field.data.strip()
        }


class _NotSaved(Exception):
    """The service accepted input that the form had refused: undo what it did."""


def submit(form, save):
    """Judge a submitted form by its own checks and by the service together; save only when both agree.

    `save()` calls the service(s) and returns what was saved; it runs in one unit of work, so a
    refusal halfway leaves nothing behind. Returns that, or None when the form shows problems. Other
    refusals (eventhub.core.errors.Refused, a room already booked) propagate after the rollback, for
    the view to explain. A request without a valid CSRF token never reaches the service.
    """
    if not form.is_submitted():
        return None
    parsed = form.validate()
    if "csrf_token" in form.errors:
        return None
    try:
        with atomic():
            result = save()
            if not parsed:
                raise _NotSaved
    except ValidationError as error:
        form.add_service_errors(error.errors, only_new=not parsed)
        return None
    except _NotSaved:
        return None
    return result
