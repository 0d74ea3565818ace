"""Forms of the meetings pages; field names are the service data keys, limits match the columns.

The choices (participants, free times) are filled by the views; the services judge what was chosen,
so a tampered or stale choice gets a message, never an error page.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields import DateTimeLocalField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from eventhub.core.forms import ServiceErrors
from eventhub.meetings.services import MESSAGE_LIMIT
from eventhub.meetings.setup import MAX_OPEN_LIMIT

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


class Refusable(ServiceErrors):
    """A refusal of the rules (eventhub.core.errors.Refused) shown above the form and beside its field."""

    refusal = None

    def refuse(self, refused) -> None:
        self.refusal = refused
        field = self.field_for(refused.field) if refused.field != "_form" else None
        if field is not None:
            field.errors = [*field.errors, refused.message]
        else:
            self.form_errors.append(refused.message)


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AreaForm(ServiceErrors, FlaskForm):
    """Add a table."""

    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=100)], description=_l("For example: Table 7"))
    location = StringField(_l("Location or floor"), validators=[Optional(), Length(max=200)])


class WindowForm(ServiceErrors, FlaskForm):
    """Add a window of meeting time, cut into slots."""

    start = DateTimeLocalField(_l("Starts"), format=LOCAL_FORMATS, validators=[InputRequired()])
    end = DateTimeLocalField(_l("Ends"), format=LOCAL_FORMATS, validators=[InputRequired()])
    slot_minutes = SelectField(_l("Length of each meeting"), default="20",
                               choices=[SelectChoice("15", _l("15 minutes")), SelectChoice("20", _l("20 minutes")),
                                        SelectChoice("30", _l("30 minutes"))])


class SettingsForm(ServiceErrors, FlaskForm):
    """The anti-spam limit."""

    max_open_requests = IntegerField(_l("Open requests one person may have sent at a time"),
                                     validators=[InputRequired(), NumberRange(min=1, max=MAX_OPEN_LIMIT)])


class ConfirmForm(FlaskForm):
    """Deleting needs a ticked box, not one stray click."""

    confirm = BooleanField(_l("Yes, delete it"), validators=[DataRequired()])


class RequestForm(Refusable, FlaskForm):
    """Ask someone for a meeting."""

    recipient_id = SelectField(_l("Whom would you like to meet?"), validate_choice=False)
    slot_ids = MultiCheckboxField(_l("Times that suit you (one to three)"), validate_choice=False)
    message = TextAreaField(_l("Message"), validators=[Optional(), Length(max=MESSAGE_LIMIT)], render_kw={"rows": 4},
                            description=_l("What you would like to discuss."))


class AcceptForm(Refusable, FlaskForm):
    """Accept one of the proposed times."""

    slot_id = RadioField(_l("Time"), validate_choice=False)


class ProposeForm(Refusable, FlaskForm):
    """Answer with other times."""

    slot_ids = MultiCheckboxField(_l("Other times (one to three)"), validate_choice=False)


class ActionForm(Refusable, FlaskForm):
    """A button: decline, withdraw, cancel (the CSRF token is the whole form)."""
