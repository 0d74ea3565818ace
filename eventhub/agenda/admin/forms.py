"""Forms of the organiser agenda pages; field names are the service data keys, limits match the columns."""
from babel import Locale, UnknownLocaleError
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import ColorField, DateTimeLocalField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from eventhub.agenda.admin import people
from eventhub.agenda import services
from eventhub.agenda.models import PERSON_ROLES, SESSION_STATUSES
from eventhub.core import languages, translation_input
from eventhub.core.forms import ServiceErrors

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
# Languages offered for a session, most common at congresses of the network first.
LANGUAGES = ("en", "fr", "es", "pt", "de", "it", "nl", "pl", "sv", "tr", "ru", "ar", "zh", "ja", "ko", "hi", "id", "sw")
# Blank people rows shown on the session form, and how many "add more rows" appends.
BLANK_PEOPLE_ROWS = 2


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def language_choices(current: str | None = None) -> list[SelectChoice]:
    """(code, name in the reader's language) pairs; a stored code outside the list stays choosable."""
    codes = list(LANGUAGES) + ([current] if current and current not in LANGUAGES else [])
    locale = get_locale()
    pairs = []
    for code in codes:
        try:
            name = Locale.parse(code).get_display_name(locale) or code
        except (ValueError, TypeError, UnknownLocaleError):
            name = code
        pairs.append((code, f"{name} ({code})"))
    return choices(pairs)


class RoomForm(ServiceErrors, FlaskForm):
    """Add or edit a room."""

    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=100)])
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=0)])
    location = StringField(_l("Location or floor"), validators=[Optional(), Length(max=200)])
    accessibility = TextAreaField(_l("Accessibility notes"), validators=[Optional(), Length(max=500)],
                                  render_kw={"rows": 2})


class TrackForm(ServiceErrors, FlaskForm):
    """Add or edit a track."""

    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=100)])
    colour = ColorField(_l("Colour"), default="#0a66c2", validators=[InputRequired(), Length(max=7)])


class KindForm(ServiceErrors, FlaskForm):
    """Add or rename a session kind."""

    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=60)])


class ConfirmForm(FlaskForm):
    """Deleting needs a ticked box, not one stray click."""

    confirm = BooleanField(_l("Yes, delete it"), validators=[DataRequired()])


class DirectionForm(FlaskForm):
    """Move a room one place left or right."""

    direction = HiddenField(validators=[AnyOf(["up", "down"])])


class PersonForm(Form):
    """One row of the people editor: a role and a registration of the event, or an external speaker.

    People and organisations are typed, not picked from lists of thousands: the type-ahead script fills
    the hidden ids; without it, resolve() searches the typed text and offers choices when it is ambiguous.
    """

    role = SelectField(_l("Role"), default="speaker", choices=choices((k, _l(v)) for k, v in PERSON_ROLES.items()))
    registration = StringField(_l("Registered participant"), validators=[Optional(), Length(max=200)],
                               render_kw={"maxlength": 200, "autocomplete": "off"})
    registration_id = HiddenField()
    registration_choice = RadioField(_l("Which participant?"), choices=[], validate_choice=False)
    name = StringField(_l("or external speaker: name"), validators=[Optional(), Length(max=200)])
    position_title = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)],
                               render_kw={"maxlength": 200, "autocomplete": "off"})
    organisation_id = HiddenField()
    organisation_choice = RadioField(_l("Which member record?"), choices=[], validate_choice=False)
    # Set by resolve(): typed text that named nobody (or several); the row is not sent to the service.
    unresolved = False

    def is_blank(self) -> bool:
        """A row with neither a registration nor a name is left out."""
        return not self.registration_id.data and not (self.registration.data or "").strip() and not (
            self.name.data or "").strip()

    def resolve(self, event) -> bool:
        """Turn the typed participant and organisation into ids; False (with the reason on the field and
        the choices to offer) when one names nobody or several."""
        self.unresolved = False
        typed = (self.registration.data or "").strip()
        found = people.resolve_registrant(event, typed, self.registration_choice.data, self.registration_id.data)
        self._show(found, self.registration, self.registration_id, self.registration_choice)
        if found.record is None and not typed:
            typed_organisation = (self.organisation.data or "").strip()
            member = people.resolve_member(typed_organisation, self.organisation_choice.data, self.organisation_id.data)
            self._show(member, self.organisation, self.organisation_id, self.organisation_choice)
        return not self.unresolved

    def _show(self, found, text, hidden, choice) -> None:
        """Put a resolution on the form, so that a page shown again keeps the pick (or offers the choices)."""
        choice.choices = choices(found.choices)
        if found.record is not None:
            text.data = found.name
            hidden.data = str(found.record.id)
        else:
            hidden.data = ""
        if found.error:
            text.errors = [*text.errors, found.error]
            self.unresolved = True

    def person_data(self) -> dict:
        """The dict set_people expects."""
        if self.registration_id.data:
            return {"role": self.role.data, "registration_id": self.registration_id.data}
        return {"role": self.role.data, "name": self.name.data, "position_title": self.position_title.data,
                "organisation_id": self.organisation_id.data or None}


class SessionForm(ServiceErrors, FlaskForm):
    """A session: the details, the time in the event's timezone, and the people."""

    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=50_000)], render_kw={"rows": 5})
    kind_id = SelectField(_l("Kind"), validate_choice=False)
    track_id = SelectField(_l("Track"), validate_choice=False)
    room_id = SelectField(_l("Room"), validate_choice=False)
    # Both empty: an unscheduled draft that waits in the timetable's tray (the service checks the pair).
    start = DateTimeLocalField(_l("Start"), format=LOCAL_FORMATS, validators=[Optional()])
    end = DateTimeLocalField(_l("End"), format=LOCAL_FORMATS, validators=[Optional()])
    language = SelectField(_l("Spoken language"))
    interpretation = BooleanField(_l("Interpretation is offered"))
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=0)])
    signup_required = BooleanField(_l("Participants sign up for this session"))
    status = SelectField(_l("Status"), choices=choices((k, _l(v)) for k, v in SESSION_STATUSES.items()))
    people = FieldList(FormField(PersonForm), min_entries=BLANK_PEOPLE_ROWS)
    add_rows = SubmitField(_l("Add more rows"))
    # Which form row each person sent to the service came from (blank rows are not sent).
    people_rows: list[int] = []

    # The event whose registrations the people rows name (set_choices sets it).
    event = None

    def field_for(self, key: str):
        """The field a service error key names: "title", or "people-2-name" for the third person sent (an
        id's error goes next to the text it was typed as)."""
        if key.startswith("people-"):
            _, index, sub = key.split("-", 2)
            sub = {"registration_id": "registration", "organisation_id": "organisation"}.get(sub, sub)
            if index.isdigit() and int(index) < len(self.people_rows):
                return self.people.entries[self.people_rows[int(index)]].form._fields.get(sub)
            return None
        return super().field_for(key)

    def set_choices(self, schedule, event, language=None) -> None:
        """Fill the selects from the event's rooms, tracks and kinds; people are typed, not listed."""
        none = [("", "—")]
        self.event = event
        self.kind_id.choices = choices(none + [(k.id, k.name) for k in schedule.kinds])
        self.track_id.choices = choices(none + [(t.id, t.name) for t in schedule.tracks])
        self.room_id.choices = choices(none + [(r.id, r.name) for r in schedule.rooms])
        self.language.choices = language_choices(language or self.language.data)

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then every typed person and organisation resolved (all rows, so that each
        problem shows at once)."""
        valid = super().validate(extra_validators)
        resolved = [entry.form.resolve(self.event) for entry in self.people.entries if not entry.form.is_blank()]
        return valid and all(resolved)

    def session_data(self) -> dict:
        """The raw values save_session expects (times naive: wall clock in the event's timezone)."""
        names = ("title", "description", "kind_id", "track_id", "room_id", "start", "end", "language",
                 "interpretation", "capacity", "signup_required", "status")
        return {**{name: self[name].data for name in names},
                "translations": translation_input.from_form(self, services.TRANSLATION_LIMITS)}

    def translation_groups(self):
        """(code, name, fields) for each of the event's languages other than its main one, for the template."""
        main = self.event.language if self.event is not None else languages.DEFAULT
        return [(code, name, [self[translation_input.field_name(code, field)] for field in services.TRANSLATION_LIMITS])
                for code, name in languages.choices() if code != main]

    def people_data(self) -> list[dict]:
        """The filled rows of the people editor, in order, remembering which row each came from (a row whose
        typed name did not resolve is not sent: its field already says why)."""
        self.people_rows = [n for n, entry in enumerate(self.people.entries)
                            if not entry.form.is_blank() and not entry.form.unresolved]
        return [self.people.entries[n].form.person_data() for n in self.people_rows]


translation_input.add_fields(SessionForm, services.TRANSLATION_LIMITS, rows={"description": 4})


class MoveForm(FlaskForm):
    """Move or resize a session: a room and a start, with an end (drag and drop) or a duration (the form)."""

    room_id = SelectField(_l("Room"), validate_choice=False)
    start = DateTimeLocalField(_l("Start"), format=LOCAL_FORMATS, validators=[InputRequired()])
    end = DateTimeLocalField(_l("End"), format=LOCAL_FORMATS, validators=[Optional()])
    duration = IntegerField(_l("Minutes"), validators=[Optional(), NumberRange(min=5, max=24 * 60)])


class PublishForm(FlaskForm):
    """Publish or unpublish the agenda; `next` says where to return."""

    next = HiddenField()
