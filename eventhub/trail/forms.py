"""The trail pages' filters, read from the query string (a GET form: nothing changes, so no CSRF)."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, Form, HiddenField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from eventhub.core.forms import TranslatedMessages
from eventhub.core.validation import MAX_YEAR, MIN_YEAR, as_id
from eventhub.trail.subjects import actor_words, kind_choices


def _plausible_year(form, field) -> None:
    """A day in a year nobody means cannot even be moved between timezones: say so instead."""
    if field.data and not MIN_YEAR <= field.data.year <= MAX_YEAR:
        raise ValidationError(_("Give a date between the years %(first)d and %(last)d.", first=MIN_YEAR,
                                last=MAX_YEAR))


class TrailFilters(TranslatedMessages, Form):
    """Kind of object (and one object of it), who acted, and a range of days."""

    # Optional: no choice is "any", not an invalid one.
    subject_type = SelectField(_l("Kind of object"), validators=[Optional()])
    # Set by the "only this object" links; it means nothing without the kind.
    subject_id = HiddenField()
    actor = SelectField(_l("Who"), validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional(), _plausible_year])
    until = DateField(_l("To"), validators=[Optional(), _plausible_year])

    def __init__(self, formdata, actors: list[str], in_event: bool, **kwargs):
        """`actors`: everyone who appears in this trail; `in_event`: only the kinds an event's trail holds."""
        super().__init__(formdata, **kwargs)
        self.subject_type.choices = [SelectChoice("", _l("Any kind")),
                                     *(SelectChoice(value, label) for value, label in kind_choices(in_event))]
        self.actor.choices = [SelectChoice("", _l("Anyone")), *(SelectChoice(a, actor_words(a)) for a in actors)]

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_("The last day is before the first one."))

    def filters(self) -> dict:
        """The valid, non-empty filters as they appear in the page's links (days as ISO text).

        A filter that is not one of its choices is left out rather than refused: an old bookmark still
        opens. A bad day is left out too, with its message next to the field.
        """
        self.validate()
        found = {name: self[name].data for name in ("subject_type", "actor")
                 if self[name].data and not self[name].errors}
        if "subject_type" in found and (subject_id := as_id(self.subject_id.data)):
            found["subject_id"] = subject_id
        found.update({name: self[name].data.isoformat() for name in ("since", "until")
                      if self[name].data and not self[name].errors})
        return found


def moment_bounds(filters: dict, tz_name: str) -> dict:
    """The query's `since` and `until` (exclusive) as aware moments: the chosen days run from midnight
    to midnight on the given zone's clock, the last day included."""
    zone, bounds = ZoneInfo(tz_name), {}
    if "since" in filters:
        bounds["since"] = datetime.combine(date.fromisoformat(filters["since"]), time(), zone)
    if "until" in filters:
        bounds["until"] = datetime.combine(date.fromisoformat(filters["until"]) + timedelta(days=1), time(), zone)
    return bounds
