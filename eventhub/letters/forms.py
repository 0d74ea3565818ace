"""Forms of the letter pages; limits match eventhub.letters.services.LIMITS."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from eventhub.core.countries import country_choices
from eventhub.core.forms import ServiceErrors


class RequestForm(ServiceErrors, FlaskForm):
    """What the letter needs, exactly as in the passport."""

    passport_name = StringField(_l("Name as in the passport"), validators=[DataRequired(), Length(max=200)],
                                render_kw={"autocomplete": "off"})
    nationality = SelectField(_l("Nationality"), validators=[DataRequired()])
    passport_number = StringField(_l("Passport number"), validators=[DataRequired(), Length(max=30)],
                                  render_kw={"autocomplete": "off"})
    birth_date = DateField(_l("Date of birth"), validators=[DataRequired()])
    embassy = StringField(_l("Embassy or consulate (city, country) where you apply"),
                          validators=[DataRequired(), Length(max=200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.nationality.choices = [SelectChoice("", _l("Choose a country"))] + [
            SelectChoice(code, name) for code, name in country_choices()]

    def details(self) -> dict:
        return {name: self[name].data for name in ("passport_name", "nationality", "passport_number", "birth_date",
                                                   "embassy")}


class SettingsForm(ServiceErrors, FlaskForm):
    """Who signs the event's letters."""

    signatory_name = StringField(_l("Name of the signatory"), validators=[DataRequired(), Length(max=200)])
    signatory_title = StringField(_l("Title of the signatory"), validators=[DataRequired(), Length(max=200)])
    organisation = StringField(_l("Organisation"), validators=[DataRequired(), Length(max=200)])
    letterhead = TextAreaField(_l("Letterhead text (address, registration number…)"),
                               validators=[Optional(), Length(max=2000)])


class DecisionForm(FlaskForm):
    """Approve needs only the CSRF token; refuse needs a reason."""

    reason = StringField(_l("Reason for refusing"), validators=[Optional(), Length(max=500)])
