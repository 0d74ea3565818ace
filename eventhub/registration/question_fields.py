"""Form fields for an event's custom questions, built per event from its Question rows.

A question with key "diet" becomes the field "answer_diet"; the service reports its errors as
"answers.diet". Answers are checked by registration.cleaning.clean_answers, not here.
"""
from flask_babel import gettext as _
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from eventhub.core.countries import country_choices
from eventhub.registration.cleaning import MAX_ANSWER

# Up to this many choices show as radio buttons (all visible at once); longer lists as a select.
RADIO_LIMIT = 6


class Needed:
    """Marks a field required on the page (star, `required` for assistive technology).

    It checks nothing: the service does, so every missing value is reported in one go.
    """

    field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        """The service checks the value."""


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def field_name(question) -> str:
    """The form field of a question."""
    return f"answer_{question.key}"


def question_field(question):
    """An unbound field for one question, by its kind."""
    validators = [Needed()] if question.required else []
    options = [SelectChoice(option, option) for option in question.options or []]
    common = {"label": question.label, "validators": validators, "description": question.help_text or ""}
    if question.kind == "long_text":
        return TextAreaField(render_kw={"rows": 3, "maxlength": MAX_ANSWER}, **common)
    if question.kind == "single_choice" and len(options) <= RADIO_LIMIT:
        return RadioField(choices=options, validate_choice=False, **common)
    if question.kind == "single_choice":
        return SelectField(choices=[SelectChoice("", _("— Choose —")), *options], validate_choice=False, **common)
    if question.kind == "multiple_choice":
        return MultiCheckboxField(choices=options, validate_choice=False, **common)
    if question.kind == "checkbox":
        return BooleanField(**common)
    if question.kind == "country":
        countries = [SelectChoice(code, name) for code, name in country_choices()]
        choices = [SelectChoice("", _("— Choose a country —")), *countries]
        return SelectField(choices=choices, validate_choice=False, **common)
    return StringField(render_kw={"maxlength": MAX_ANSWER}, **common)


def question_fields(questions) -> dict:
    """{field name: unbound field} for every question, to build a form class with."""
    return {field_name(question): question_field(question) for question in questions}


def answers_of(form, questions) -> dict:
    """The answers typed into a form, keyed by question key, as the service takes them."""
    return {question.key: form[field_name(question)].data for question in questions}


def has_answers(answers: dict) -> bool:
    """Whether any question was answered (an unticked box or empty choice is no answer)."""
    return any(value not in (None, "", [], False) for value in answers.values())
