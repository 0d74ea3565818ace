"""Forms for member records, networks, regions, the list filters and the CSV upload."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, Form, SearchField, SelectField, SelectMultipleField, StringField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from eventhub.core.countries import country_choices
from eventhub.core.forms import ListFilters, ServiceErrors
from eventhub.members import services
from eventhub.members.models import KINDS, STATUSES


def _options(pairs) -> list[SelectChoice]:
    """Select box options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def _labelled(choices: dict, blank=None) -> list[SelectChoice]:
    """Options for stored values with their (lazy, translated when shown) labels, after an optional blank one."""
    return _options(([("", blank)] if blank else []) + list(choices.items()))


class OrganisationForm(ServiceErrors, FlaskForm):
    """Create or edit one member record; limits match the organisations table."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    local_name = StringField(_l("Name in its own script"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=_labelled(KINDS))
    country = SelectField(_l("Country"), validators=[DataRequired()])
    region = SelectField(_l("World region"), validate_choice=False)
    # Text, not IntegerField: the service accepts "9 668 465" and "9,668,465" as people type them.
    population = StringField(
        _l("Population"), validators=[Optional(), Length(max=20)], render_kw={"inputmode": "numeric"}
    )
    status = SelectField(_l("Status"), choices=_labelled(STATUSES), default="member")
    member_since = DateField(_l("Member since"), validators=[Optional()])
    website = URLField(_l("Website"), validators=[Optional(), Length(max=300)])
    external_id = StringField(_l("External id"), validators=[Optional(), Length(max=100)])
    email_domains = StringField(
        _l("E-mail domains"), validators=[Optional(), Length(max=1000)],
        description=_l("The domains of its staff's addresses, e.g. lisboa.pt cm-lisboa.pt. Registrations that claim "
                       "this organisation from other addresses go to the organisers for approval where "
                       "membership counts."))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=10_000)])
    network_ids = SelectMultipleField(_l("Networks"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = _options([("", _l("Choose a country"))] + country_choices())
        self.region.choices = _options([("", _l("No region"))] + [(r.name, r.display_name) for r in services.list_regions()])
        self.network_ids.choices = _options((n.id, n.name) for n in services.list_networks())

    def organisation_data(self) -> dict:
        """The raw values save_organisation expects."""
        return {name: self[name].data for name in (*services.FIELDS, "notes", "network_ids")}


class NetworkForm(ServiceErrors, FlaskForm):
    """Create or edit a network and pick its members."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10_000)])
    member_ids = SelectMultipleField(_l("Members"), coerce=int, render_kw={"size": 12})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.member_ids.choices = _options(services.organisation_choices())

    def network_data(self) -> dict:
        """The raw values save_network expects."""
        return {"name": self.name.data, "description": self.description.data, "member_ids": self.member_ids.data}


class RegionForm(ServiceErrors, FlaskForm):
    """Add a world region."""

    name = StringField(_l("New region"), validators=[DataRequired(), Length(max=100)])


class ImportForm(FlaskForm):
    """Upload a CSV file of member records."""

    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Choose a .csv file."))],
        render_kw={"accept": ".csv,text/csv"},
    )


class FilterForm(ListFilters, Form):
    """The list page's search and filters, read from the query string (a GET form, so no CSRF)."""

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=_labelled(KINDS, blank=_l("All kinds")))
    status = SelectField(_l("Status"), choices=_labelled(STATUSES, blank=_l("Any status")))
    region_id = SelectField(_l("World region"))
    country = SelectField(_l("Country"))
    network_id = SelectField(_l("Network"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = [(str(r.id), r.display_name) for r in services.list_regions()]
        self.region_id.choices = _options([("", _l("All regions"))] + regions)
        self.country.choices = _options([("", _l("All countries"))] + country_choices())
        networks = [(str(n.id), n.name) for n in services.list_networks()]
        self.network_id.choices = _options([("", _l("All networks"))] + networks)
