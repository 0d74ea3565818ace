"""Forms of the public registration pages.

Only parsing happens here. The rules (required fields and answers, e-mail format, eligibility,
quotas) live in registration.services, which reports every problem at once; its errors are
copied back onto these fields, so nothing the person typed is lost.
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired

from eventhub.core import languages
from eventhub.core.countries import country_name
from eventhub.core.forms import ServiceErrors as FormServiceErrors
from eventhub.core.validation import as_id
from eventhub.core.text import fold
from eventhub.extensions import db
from eventhub.members.models import Organisation
from eventhub.members.services import search_organisations
from eventhub.registration.models import CATEGORIES
from eventhub.registration.question_fields import Needed, answers_of, question_fields

# How many member records the no-script fallback offers as choices.
MAX_CHOICES = 10
POSITION_SUGGESTIONS = (
    _l("Mayor"), _l("Deputy Mayor"), _l("Governor"), _l("Councillor"), _l("City manager"), _l("City officer"),
    _l("Head of international relations"), _l("Advisor"), _l("Researcher"), _l("Journalist"),
)


def category_choices(event, current: str | None = None) -> list[SelectChoice]:
    """The categories the public may choose, plus one already held (an organiser may have set it)."""
    keys = list(event.public_category_list)
    if current and current not in keys:
        keys.append(current)
    return [SelectChoice(key, _(CATEGORIES.get(key, key))) for key in keys]


def organisation_label(organisation: Organisation) -> str:
    """'Seoul · 서울특별시 — Korea, Republic of': both spellings, so people recognise their own."""
    names = organisation.name
    if organisation.local_name and organisation.local_name != organisation.name:
        names = f"{names} · {organisation.local_name}"
    return f"{names} — {country_name(organisation.country)}"


def find_organisations(text: str) -> list[Organisation]:
    """Member records matching typed text; a single exact name (or local name) wins over partial matches."""
    matches = list(db.session.scalars(search_organisations(text).limit(MAX_CHOICES + 1)))
    wanted = fold(text)
    exact = [o for o in matches if wanted in (fold(o.name), fold(o.local_name))]
    return exact if len(exact) == 1 else matches


def _organisation(value) -> Organisation | None:
    """The record behind a submitted id, None for blanks and junk."""
    organisation_id = as_id(value)
    return db.session.get(Organisation, organisation_id) if organisation_id else None


def field_in(form, key: str, renamed: dict | None = None):
    """The field of `form` that a service error key names ("answers.diet" is the field answer_diet)."""
    if key.startswith("answers."):
        key = "answer_" + key.removeprefix("answers.")
    return form._fields.get((renamed or {}).get(key, key))


class ServiceErrors(FormServiceErrors):
    """Puts a service's ValidationError or Refused on the form: next to the fields, the rest on top."""

    # Service error keys that name a different form field.
    FIELD_FOR_ERROR = {"organisation_id": "organisation"}
    refusal = None
    reported = False

    @property
    def has_problems(self) -> bool:
        """Whether the page must say that nothing was saved."""
        return bool(self.refusal or self.reported or self.errors)

    def field_for(self, key: str):
        """The form field a service error key belongs to ("answers.diet" is answer_diet), or None."""
        return field_in(self, key, self.FIELD_FOR_ERROR) if key != "csrf_token" else None

    def add_service_errors(self, errors: dict[str, list[str]], only_new: bool = False) -> None:
        """Show each message next to its field; those without a field go above the form."""
        self.reported = True
        super().add_service_errors(errors, only_new)

    def refuse(self, refused) -> None:
        """A refusal is explained on top, and also next to the field it concerns."""
        self.refusal = refused
        if refused.field != "_form":
            field = self.field_for(refused.field)
            if field is not None:
                field.errors = [*field.errors, refused.message]


class OrganisationPicker:
    """The organisation: a member record found by typing (a script offers matches), or a free-text name."""

    # Not marked required itself: "not listed" with a name is the other way to answer.
    organisation = StringField(_l("Your city, local government or organisation"),
                               render_kw={"maxlength": 200, "autocomplete": "off"})
    # Set by the type-ahead script, or by the server once the typed text resolved to one record.
    organisation_id = HiddenField()
    # Offered by the server when typed text matched several records and there was no script to pick.
    organisation_choice = RadioField(_l("Which one is yours?"), choices=[], validate_choice=False)
    not_listed = BooleanField(_l("My organisation is not listed"))
    organisation_name = StringField(_l("Name of your organisation"), render_kw={"maxlength": 200})

    def organisation_data(self) -> dict | None:
        """organisation_id / organisation_name as the service takes them.

        Returns None when the typed text did not resolve to one record: the form then carries the
        choices (several matches) or the "not listed" offer (no match) and must be shown again.
        """
        if self.not_listed.data:
            return {"organisation_id": None, "organisation_name": self.organisation_name.data}
        typed = (self.organisation.data or "").strip()
        if not typed:
            return {"organisation_id": None, "organisation_name": None}
        # A picked id counts only while the text still names it: the text may have been retyped.
        for candidate in (self.organisation_choice.data, self.organisation_id.data):
            organisation = _organisation(candidate)
            if organisation is not None and fold(typed) in organisation.search_text:
                return self._picked(organisation)
        matches = find_organisations(typed)
        if len(matches) == 1:
            return self._picked(matches[0])
        self.organisation_id.data = ""
        if not matches:
            self.organisation.errors = [_("No member record matches “%(text)s”. Check the spelling, or tick “My "
                                          "organisation is not listed” and give its name.", text=typed)]
            self.organisation_name.data = self.organisation_name.data or typed
            return None
        choices = [SelectChoice(str(o.id), organisation_label(o)) for o in matches[:MAX_CHOICES]]
        self.organisation_choice.choices = choices
        self.organisation.errors = [_("Several organisations match “%(text)s”: choose yours below, or type more "
                                      "of its name.", text=typed)]
        return None

    def show_organisation(self, organisation: Organisation | None, name: str | None) -> None:
        """Fill the picker with a registration's current organisation."""
        if organisation is not None:
            self._picked(organisation)
        elif name:
            self.not_listed.data, self.organisation_name.data = True, name

    def _picked(self, organisation: Organisation) -> dict:
        """Show the record as chosen (so a re-shown form keeps it) and return it for the service."""
        self.organisation.data, self.organisation_id.data = organisation.name, str(organisation.id)
        return {"organisation_id": organisation.id, "organisation_name": None}


class PersonForm(ServiceErrors, OrganisationPicker, FlaskForm):
    """One person's details, answers and participant-list consent: the manage page."""

    full_name = StringField(_l("Full name"), [Needed()], render_kw={"maxlength": 200, "autocomplete": "name"})
    email = EmailField(_l("Email"), [Needed()], render_kw={"maxlength": 254, "autocomplete": "email"})
    position = StringField(_l("Position or title"), render_kw={
        "maxlength": 200, "list": "position-suggestions", "autocomplete": "organization-title"})
    listed = BooleanField(_l("Show my name and organisation in the participant list"))

    def person_data(self, questions) -> dict:
        """The person dict the services take (the organisation comes from organisation_data)."""
        return {
            "full_name": self.full_name.data, "email": self.email.data, "position": self.position.data,
            "category": self.category.data, "listed": self.listed.data, "answers": answers_of(self, questions),
        }


class RegistrationForm(PersonForm):
    """The public registration form."""

    privacy_consent = BooleanField(_l("I have read the privacy notice and agree that my details are used to "
                                      "organise this event."), [Needed()])


def with_questions(base, event, questions, current_category=None) -> type:
    """A subclass of `base` carrying the event's categories and one field per custom question."""
    fields = question_fields(questions)
    fields["category"] = SelectField(_l("I take part as"), choices=category_choices(event, current_category),
                                     validate_choice=False)
    return type(base.__name__, (base,), fields)


def registration_form(event, questions) -> RegistrationForm:
    """The registration form for this event."""
    return with_questions(RegistrationForm, event, questions)()


def manage_form(registration, questions) -> PersonForm:
    """The manage page's form, filled with the registration as it is."""
    cls = with_questions(PersonForm, registration.event, questions, registration.category)
    data = {field: getattr(registration, field) for field in ("full_name", "email", "position", "category", "listed")}
    data.update({f"answer_{key}": value for key, value in (registration.answers or {}).items()})
    form = cls(data=data)
    if not form.is_submitted():
        form.show_organisation(registration.organisation, registration.organisation_name)
    return form


class ResendForm(FlaskForm):
    """Ask for one's manage link again."""

    email = EmailField(_l("Email"), [DataRequired()], render_kw={"maxlength": 254, "autocomplete": "email"})


class LanguageForm(ServiceErrors, FlaskForm):
    """The language of one's e-mails, on the manage page: a form of its own, so that choosing it changes
    nothing else (and needs no details to be valid). The service refuses a language not offered."""

    locale = SelectField(_l("Language of your e-mails"), choices=[], validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = languages.choices()


class ConfirmAddressForm(ServiceErrors, FlaskForm):
    """The button behind a mailed link: a POST, so a mail scanner opening the link confirms nothing."""


class ConfirmForm(ServiceErrors, FlaskForm):
    """A ticked box before something that cannot be undone from the public pages."""

    confirm = BooleanField(_l("Yes, cancel this registration"),
                           [DataRequired(message=_l("Tick the box to confirm."))])


class WithdrawForm(ConfirmForm):
    """Withdraw one delegate of a delegation."""

    delegate = HiddenField()
    confirm = BooleanField(_l("Yes, withdraw this delegate"), [DataRequired(message=_l("Tick the box to confirm."))])

