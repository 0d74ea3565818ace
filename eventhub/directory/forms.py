"""The directory's forms: a participant's profile, and the directory's search and filters."""
from babel import Locale, UnknownLocaleError
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, SearchField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from eventhub.core.countries import country_choices
from eventhub.core.forms import ListFilters, ServiceErrors
from eventhub.directory.models import SPOKEN_LANGUAGES
from eventhub.members.models import KINDS


def language_name(code: str) -> str:
    """A language's name in the reader's language, e.g. "chinois" for zh on a French page; the code if unknown."""
    try:
        return Locale.parse(code).get_display_name(get_locale()) or code
    except (ValueError, TypeError, UnknownLocaleError):
        return code


def language_choices() -> list[tuple[str, str]]:
    """(code, name) pairs of the languages one may speak, by name in the reader's language."""
    return sorted(((code, language_name(code)) for code in SPOKEN_LANGUAGES), key=lambda pair: pair[1].casefold())


def _choices(pairs, blank=None) -> list[SelectChoice]:
    """Select options from (value, label) pairs, after an optional blank "any" option."""
    return [SelectChoice(str(value), label) for value, label in ([("", blank)] if blank else []) + list(pairs)]


class Checkboxes(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProfileForm(ServiceErrors, FlaskForm):
    """A participant's entry in the directory: listed or not, topics, languages spoken."""

    listed = BooleanField(_l("Show me in the participant directory"))
    topics = Checkboxes(_l("Topics I want to discuss"), coerce=int, validate_choice=False)
    languages = Checkboxes(_l("Languages I speak"), validate_choice=False)

    def __init__(self, tracks, **kwargs):
        super().__init__(**kwargs)
        self.topics.choices = [(track.id, track.name) for track in tracks]
        self.languages.choices = language_choices()


class FilterForm(ListFilters, Form):
    """The directory's search and filters, read from the query string (a GET form, so no CSRF)."""

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)],
                    description=_l("Name or organisation, in any script"))
    region_id = SelectField(_l("World region"))
    country = SelectField(_l("Country"))
    kind = SelectField(_l("Kind of organisation"))
    network_id = SelectField(_l("Network"))
    track_id = SelectField(_l("Topic"))
    language = SelectField(_l("Language spoken"))

    def __init__(self, formdata, regions, networks, tracks, **kwargs):
        super().__init__(formdata, **kwargs)
        self.region_id.choices = _choices(((r.id, r.display_name) for r in regions), _l("All regions"))
        self.country.choices = _choices(country_choices(), _l("All countries"))
        self.kind.choices = _choices(((k, str(label)) for k, label in KINDS.items()), _l("All kinds"))
        self.network_id.choices = _choices(((n.id, n.name) for n in networks), _l("All networks"))
        self.track_id.choices = _choices(((t.id, t.name) for t in tracks), _l("All topics"))
        self.language.choices = _choices(language_choices(), _l("Any language"))
