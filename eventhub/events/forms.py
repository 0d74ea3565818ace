"""The organisers' event form; its field names are services.save_event's data keys."""
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    FloatField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from eventhub.core import languages, translation_input
from eventhub.core.forms import ServiceErrors
from eventhub.events import services
from eventhub.events.models import CATEGORIES
from eventhub.members.services import list_networks

KIND_CHOICES = [SelectChoice("congress", _l("Congress")), SelectChoice("network_meeting", _l("Network meeting"))]
POLICY_CHOICES = [
    SelectChoice("confirm", _l("Confirm them directly, like members")),
    SelectChoice("approve", _l("Hold them as pending until an organiser approves")),
]
# What the browser's datetime-local input sends; the first one is also how values are shown.
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def _optional_id(value) -> int | None:
    """A select value as a record id; the empty option means none."""
    return None if value in (None, "", "None") else int(value)


def _default_timezone() -> str:
    """The deployment's home timezone, preselected for new events."""
    return current_app.config["EVENTHUB_TIMEZONE"]


def _local_time(label, required: bool = False) -> DateTimeLocalField:
    """A wall-clock time in the event's timezone; the service converts it to UTC."""
    return DateTimeLocalField(label, format=LOCAL_FORMATS, validators=[InputRequired() if required else Optional()])


def timezone_choices() -> list[SelectChoice]:
    """IANA names grouped by area (Africa, America …), names such as UTC last, so the long list can be scanned."""
    names = sorted(services.timezone_names(), key=lambda name: ("/" not in name, name))
    other = _("Other")
    return [SelectChoice(name, name, optgroup=name.split("/")[0] if "/" in name else other) for name in names]


def _host_label(org) -> str:
    """'Tokyo · 東京都 (JP)': both names, so either spelling can be found by typing."""
    names = f"{org.name} · {org.local_name}" if org.local_name and org.local_name != org.name else org.name
    return f"{names} ({org.country})"


def event_initial(event) -> dict:
    """The event's values for the form, its times as wall-clock times in its own timezone."""
    values = services.event_values(event)
    values.update(translation_input.initial(event, services.TRANSLATION_LIMITS))
    zone = ZoneInfo(event.timezone)
    for name in services.TIME_FIELDS:
        if values[name] is not None:
            values[name] = values[name].astimezone(zone).replace(tzinfo=None)
    return values


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes, easier on a phone than a multiple select box."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EventForm(ServiceErrors, FlaskForm):
    """Create or edit an event. Only parsing happens here; the rules live in services.save_event."""

    # Service error keys that are not form field names.
    FIELD_FOR_ERROR = {"start_at": "start", "end_at": "end", "host_organisation": "host_organisation_id",
                       "network": "network_id"}

    kind = SelectField(_l("Kind of event"), choices=KIND_CHOICES, validate_choice=False)
    # A new event is written, most likely, in the language its organiser works in.
    language = SelectField(_l("Main language"), choices=languages.choices, default=languages.current,
                           validate_choice=False)
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    slug = StringField(_l("Web address"), validators=[Optional(), Length(max=100)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=500)], render_kw={"rows": 2})
    description = TextAreaField(_l("Description"), validators=[Length(max=50_000)], render_kw={"rows": 8})
    # Checked by the service (email-validator, an international phone format), whose messages say what fits.
    contact_email = EmailField(_l("Contact e-mail"), validators=[Optional(), Length(max=254)],
                               render_kw={"autocomplete": "email"})
    contact_phone = TelField(_l("Contact phone"), validators=[Optional(), Length(max=40)],
                             render_kw={"autocomplete": "tel"})
    host_organisation_id = SelectField(_l("Host organisation"), coerce=_optional_id, validate_choice=False)
    venue_name = StringField(_l("Venue name"), validators=[Length(max=200)])
    venue_address = TextAreaField(_l("Venue address"), validators=[Length(max=2000)], render_kw={"rows": 3})
    latitude = FloatField(_l("Latitude"), validators=[Optional()])
    longitude = FloatField(_l("Longitude"), validators=[Optional()])
    # Validation of the name is left to the service, whose message says what a valid name looks like.
    timezone = SelectField(_l("Timezone"), default=_default_timezone, validate_choice=False)
    start = _local_time(_l("Starts"), required=True)
    end = _local_time(_l("Ends"), required=True)
    registration_opens = _local_time(_l("Registration opens"))
    registration_closes = _local_time(_l("Registration closes"))
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=0)])
    network_id = SelectField(_l("Restrict to network"), coerce=_optional_id, validate_choice=False)
    delegate_quota = IntegerField(_l("Delegates per organisation"), validators=[Optional(), NumberRange(min=1)])
    non_member_policy = RadioField(_l("Registrations from non-members and unlisted organisations"),
                                   choices=POLICY_CHOICES, default="confirm")
    public_categories = MultiCheckboxField(
        _l("Categories the public may choose"), choices=[SelectChoice(k, _l(v)) for k, v in CATEGORIES.items()],
        default=["delegate"],
    )

    def __init__(self, *args, **kwargs):
        """Load the choices that come from the database."""
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices()
        self.host_organisation_id.choices = [SelectChoice("", _("— No host organisation —"))] + [
            SelectChoice(str(org.id), _host_label(org)) for org in services.host_options()
        ]
        self.network_id.choices = [SelectChoice("", _("— Open to everyone —"))] + [
            SelectChoice(str(network.id), network.name) for network in list_networks()
        ]

    def service_data(self) -> dict:
        """The input as save_event expects it (naive times are read in the chosen timezone)."""
        data = {name: field.data for name, field in self._fields.items()
                if name != "csrf_token" and not translation_input.is_translation_field(name)}
        data["translations"] = translation_input.from_form(self, services.TRANSLATION_LIMITS)
        return data

    def translation_groups(self):
        """(code, name, fields) for each language other than the main one, for the template."""
        main = languages.normalise(self.language.data) or languages.DEFAULT
        return [(code, name, [self[translation_input.field_name(code, field)] for field in services.TRANSLATION_LIMITS])
                for code, name in languages.choices() if code != main]

    def shifted_times(self, event) -> list[str]:
        """Labels of entered times that fell into a daylight-saving gap and were stored an hour on."""
        stored = event_initial(event)
        return [
            str(self[name].label.text)
            for name in services.TIME_FIELDS
            if self[name].data and stored[name] and self[name].data.replace(second=0) != stored[name].replace(second=0)
        ]


translation_input.add_fields(EventForm, services.TRANSLATION_LIMITS, rows={"summary": 2, "description": 6})


class CancelForm(FlaskForm):
    """Cancelling is announced publicly, so it needs a ticked box, not one stray click."""

    confirm = BooleanField(_l("Yes, cancel this event"), validators=[DataRequired()])
