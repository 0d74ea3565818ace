"""Forms of the organiser pages for registrations and custom questions; limits match the columns."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Form,
    HiddenField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError

from eventhub.core.countries import country_choices
from eventhub.core.forms import ListFilters, ServiceErrors
from eventhub.members.services import list_networks, list_regions
from eventhub.registration.models import CATEGORIES, QUESTION_KINDS, STATUSES

# What an organiser can do to a registration; the view maps each to its service function.
ACTIONS = {"approve": _l("Approve"), "reject": _l("Reject"), "cancel": _l("Cancel"), "promote": _l("Promote")}
# What a bulk action applies to.
SCOPES = {"ticked": _l("the ticked rows"), "matching": _l("every registration matching the filters")}
# Bulk actions that turn people away: on every matching registration they ask once more first.
CONFIRM_IN_BULK = ("reject", "cancel")


def _choices(pairs, blank=None) -> list[SelectChoice]:
    """Select options from (value, label) pairs, after an optional blank "any" option."""
    return [SelectChoice(str(value), label) for value, label in ([("", blank)] if blank else []) + list(pairs)]


class FilterForm(ListFilters, Form):
    """The list's search and filters, read from the query string (a GET form, so no CSRF)."""

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)],
                    description=_l("Name, email or organisation"))
    status = SelectField(_l("Status"))
    category = SelectField(_l("Category"))
    organisation_id = SelectField(_l("Organisation"))
    country = SelectField(_l("Country"))
    region_id = SelectField(_l("World region"))
    network_id = SelectField(_l("Network"))

    def __init__(self, formdata, organisations, **kwargs):
        """`organisations`: (id, label) pairs of the records people registered from."""
        super().__init__(formdata, **kwargs)
        self.status.choices = _choices(((k, _l(v)) for k, v in STATUSES.items()), _l("Any status"))
        self.category.choices = _choices(((k, _l(v)) for k, v in CATEGORIES.items()), _l("Any category"))
        self.organisation_id.choices = _choices(organisations, _l("Any organisation"))
        self.country.choices = _choices(country_choices(), _l("All countries"))
        self.region_id.choices = _choices(((r.id, r.name) for r in list_regions()), _l("All regions"))
        self.network_id.choices = _choices(((n.id, n.name) for n in list_networks()), _l("All networks"))



class ActionForm(FlaskForm):
    """One button on one registration: approve, reject, cancel or promote."""

    action = SelectField(_l("Action"), choices=_choices(ACTIONS.items()), validators=[InputRequired()])
    next = HiddenField()


class BulkForm(FlaskForm):
    """The same action on the ticked rows, or on every registration the list's filters match.

    The filters are not fields: the form posts to the list's own query string, and the view reads them
    with the list's FilterForm, so "all matching" means exactly what the list showed.
    """

    # One submit button per action, so that "all 35 matching" then "Approve" is two clicks.
    action = SelectField(_l("Action"), choices=_choices(ACTIONS.items()), validators=[InputRequired()])
    scope = RadioField(_l("Apply to"), choices=_choices(SCOPES.items()), default="ticked")
    # The ticked rows; the view keeps only those of this event.
    ids = SelectMultipleField(_l("Selected"), coerce=int, validate_choice=False)
    # The newest registration id the list knew when it was shown: "all matching" stops there.
    seen_up_to = IntegerField(validators=[Optional()])
    # Set by the confirmation page of a destructive action on every matching registration.
    confirmed = BooleanField()
    # A long action goes on in rounds (bulk_actions.ROUND_SECONDS): from after this id, with the counts so far.
    after = IntegerField(validators=[Optional()])
    done = IntegerField(validators=[Optional()])
    refused = IntegerField(validators=[Optional()])
    others = IntegerField(validators=[Optional()])
    next = HiddenField()

    def validate_ids(self, field) -> None:
        """Ticked rows are needed only when the action is for the ticked rows."""
        if self.scope.data != "matching" and not field.data:
            raise ValidationError(_l("Tick at least one registration."))


class LinkForm(FlaskForm):
    """Link a typed organisation name to a member record."""

    organisation_id = IntegerField(_l("Member record"), validators=[InputRequired()])


class QuestionForm(ServiceErrors, FlaskForm):
    """Add or edit a custom question; the rules (key format, options) live in questions.save_question."""

    label = StringField(_l("Question"), validators=[InputRequired(), Length(max=300)])
    key = StringField(_l("Key"), validators=[Optional(), Length(max=60)])
    help_text = StringField(_l("Help text"), validators=[Optional(), Length(max=500)])
    kind = SelectField(_l("Kind of answer"), choices=_choices((k, _l(v)) for k, v in QUESTION_KINDS.items()))
    required = BooleanField(_l("An answer is required"))
    options = TextAreaField(_l("Choices, one per line"), validators=[Optional(), Length(max=10_000)],
                            render_kw={"rows": 5})

    def question_data(self) -> dict:
        """The raw values save_question expects."""
        return {name: self[name].data for name in ("label", "key", "help_text", "kind", "required", "options")}


def question_initial(question) -> dict:
    """A question's values for the form, its options one per line."""
    return {
        "label": question.label, "key": question.key, "help_text": question.help_text, "kind": question.kind,
        "required": question.required, "options": "\n".join(question.options or []),
    }


class DeleteQuestionForm(FlaskForm):
    """Deleting takes the question off the form, so it needs a ticked box, not one stray click."""

    confirm = BooleanField(_l("Yes, delete this question"), validators=[DataRequired()])


class MoveQuestionForm(FlaskForm):
    """Move a question one place up or down."""

    direction = HiddenField(validators=[AnyOf(["up", "down"])])
