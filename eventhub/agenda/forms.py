"""Forms of the public agenda pages: the filters (a GET form) and the buttons that post."""
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SearchField, SelectField

from eventhub.agenda.queries import Filters


def _int_or_none(value):
    """Select values arrive as text; blank or junk means "any"."""
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _day_or_none(value):
    """An ISO date, or None for blank or junk."""
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


class FilterForm(FlaskForm):
    """The agenda's filters; read from the query string, so links to a filtered agenda can be shared.

    The day is chosen with the day tabs ("all" and "now" too); the form carries it along unchanged.
    """

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), render_kw={"maxlength": 100, "placeholder": _l("Title, speaker, city…")})
    day = HiddenField()
    track = SelectField(_l("Track"), choices=[], validate_choice=False)
    room = SelectField(_l("Room"), choices=[], validate_choice=False)
    kind = SelectField(_l("Kind"), choices=[], validate_choice=False)
    language = SelectField(_l("Language"), choices=[], validate_choice=False)

    def set_choices(self, schedule, languages) -> None:
        """Offer the event's tracks, rooms, kinds and languages, each after an "any" choice."""
        anything = [("", _l("All"))]
        self.track.choices = anything + [(str(t.id), t.name) for t in schedule.tracks]
        self.room.choices = anything + [(str(r.id), r.name) for r in schedule.rooms]
        self.kind.choices = anything + [(str(k.id), k.name) for k in schedule.kinds]
        self.language.choices = anything + list(languages.items())

    def filters(self) -> Filters:
        """The chosen filters; anything unreadable is ignored rather than an error."""
        return Filters(
            track_id=_int_or_none(self.track.data), room_id=_int_or_none(self.room.data),
            kind_id=_int_or_none(self.kind.data), language=self.language.data or None,
            day=_day_or_none(self.day.data), q=(self.q.data or "").strip()[:100],
        )


class ActionForm(FlaskForm):
    """A button that changes something (star, sign up, forget me): CSRF token and where to go back to."""

    next = HiddenField()
