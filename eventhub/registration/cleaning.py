"""Registration, step one: clean the input. Every field of every person is checked and every problem
reported at once (ValidationError); nothing is decided or written here.

Then rules.py decides (open, eligible, not yet registered, within the quota, which status) and
services.py writes (the registration, its audit entry, its mail, the domain event).
"""
import re
from dataclasses import dataclass, field

import pycountry
from flask_babel import gettext as _

from eventhub.core import languages, translation_input
from eventhub.core.validation import Collector, as_id, text_value
from eventhub.events.models import CATEGORIES, Event
from eventhub.extensions import db
from eventhub.members.models import Organisation
from eventhub.registration.models import Question, Registration
from eventhub.registration.questions import event_questions

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
MAX_ANSWER = 2000
# Fields people may change on their own registration afterwards.
EDITABLE = ("full_name", "email", "position", "organisation_id", "organisation_name", "category", "answers", "listed",
            "locale")


@dataclass
class Applicants:
    """Clean input of one or more people of one organisation: one registration, or a delegation's delegates."""

    people: list[dict]
    organisation: Organisation | None = None
    organisation_name: str | None = None
    # A delegation's head (None for one person registering).
    head: dict = field(default_factory=dict)

    @property
    def emails(self) -> list[str]:
        """Every person's email, in order."""
        return [person["email"] for person in self.people]


def clean_registration(event: Event, data: dict, organiser: bool = False) -> Applicants:
    """One person's registration: details, answers, organisation and (on the public form) consent."""
    errors = Collector()
    person = clean_person(event, data, errors, organiser, language=default_language(event, organiser))
    organisation, organisation_name = clean_organisation_choice(data, errors)
    check_consent(data, errors, organiser)
    errors.raise_if_any()
    return Applicants([person], organisation, organisation_name)


def clean_delegation(event: Event, data: dict, organiser: bool = False) -> Applicants:
    """A head of delegation, the organisation and the delegates; field errors of a delegate are keyed
    "delegates-<n>-<field>", n counting the delegates sent (blank rows are left out)."""
    errors = Collector()
    head = {"name": text_value(data, "head_name", 200, errors, required=True),
            "email": (text_value(data, "head_email", 254, errors, required=True) or "").lower(),
            "locale": clean_language(data, errors, default_language(event, organiser))}
    organisation, organisation_name = clean_organisation_choice(data, errors)
    check_consent(data, errors, organiser)
    # A row with only a category or a language chosen (defaults) is a blank row.
    rows = [row for row in data.get("delegates") or []
            if any(str(v).strip() for k, v in row.items() if k not in ("category", "locale"))]
    if not rows:
        errors.add("delegates", _("Add at least one delegate."))
    # Each delegate is written to in the head's language, unless their row names their own.
    people = [clean_person(event, row, errors, organiser, prefix=f"delegates-{n}-", language=head["locale"])
              for n, row in enumerate(rows)]
    emails = [p["email"] for p in people if p["email"]]
    for n, person in enumerate(people):
        if person["email"] and emails.count(person["email"]) > 1:
            errors.add(f"delegates-{n}-email", _("This email appears twice in the delegation."))
    errors.raise_if_any()
    return Applicants(people, organisation, organisation_name, head)


def clean_delegate(event: Event, data: dict, organiser: bool = False) -> dict:
    """One more delegate of a delegation (whose organisation is already known)."""
    errors = Collector()
    person = clean_person(event, data, errors, organiser, language=default_language(event, organiser))
    errors.raise_if_any()
    return person


def clean_details(registration: Registration, data: dict, organiser: bool = False) -> Applicants:
    """A change of one's own details (partial: missing fields keep their values).

    Answers to questions deleted since are kept as they are (the CSV still shows them), not checked again.
    """
    current = {name: getattr(registration, name) for name in EDITABLE}
    merged = {**current, **{k: v for k, v in data.items() if k in EDITABLE}}
    if "organisation_id" in data and data["organisation_id"] not in (None, ""):
        merged["organisation_name"] = None
    asked = {q.key for q in event_questions(registration.event)}
    orphans = {k: v for k, v in (registration.answers or {}).items() if k not in asked}
    merged["answers"] = {k: v for k, v in (merged["answers"] or {}).items() if k in asked or k not in orphans}
    errors = Collector()
    # Keeping a category the public may not choose (set by an organiser) is not choosing it.
    person = clean_person(registration.event, merged, errors, organiser or merged["category"] == registration.category,
                          language=registration.locale)
    organisation, organisation_name = clean_organisation_choice(merged, errors)
    errors.raise_if_any()
    person["answers"] = {**orphans, **person["answers"]}
    return Applicants([person], organisation, organisation_name)


def clean_person(event: Event, data: dict, errors: Collector, organiser: bool = False, prefix: str = "",
                 language: str | None = None) -> dict:
    """Check one person's details and answers; field names are prefixed for delegation rows.

    language: the language of their e-mails when `data` names none (see default_language)."""
    own = Collector()
    cleaned = {
        "full_name": text_value(data, "full_name", 200, own, required=True),
        "position": text_value(data, "position", 200, own),
        "email": (text_value(data, "email", 254, own, required=True) or "").lower(),
    }
    if cleaned["email"] and not re.match(EMAIL_PATTERN, cleaned["email"]):
        own.add("email", _("'%(value)s' is not an email address.", value=cleaned["email"]))
    category = data.get("category") or "delegate"
    allowed = CATEGORIES if organiser else event.public_category_list
    if category not in allowed:
        own.add("category", _("Choose one of: %(choices)s.", choices=", ".join(allowed)))
    cleaned["category"] = category
    cleaned["listed"] = bool(data.get("listed"))
    cleaned["answers"] = clean_answers(event_questions(event), data.get("answers"), own)
    cleaned["locale"] = clean_language(data, own, language or languages.DEFAULT)
    for name, messages in own.errors.items():
        for message in messages:
            errors.add(prefix + name, message)
    return cleaned


def default_language(event: Event, organiser: bool) -> str:
    """The language of a new registrant's e-mails when the input names none: the language of the form
    being used (the one spoken now) on the public pages; the event's main language when organisers
    register someone, since their own interface language says nothing about the person's."""
    if organiser:
        return languages.normalise(event.language) or languages.DEFAULT
    return languages.current()


def clean_language(data: dict, errors: Collector, default: str) -> str:
    """A supported language code from data["locale"] ("pt-BR" and "pt" mean pt_BR), `default` when blank."""
    return translation_input.clean_language(data, errors, field="locale", default=default)


def clean_language_choice(value) -> str:
    """A language someone chose for their e-mails (the manage page): one of the supported codes, nothing else."""
    errors = Collector()
    code = clean_language({"locale": value}, errors, "")
    if not code:
        errors.add("locale", _("Choose one of: %(choices)s.", choices=", ".join(languages.SUPPORTED)))
    errors.raise_if_any()
    return code


def clean_organisation_choice(data: dict, errors: Collector) -> tuple[Organisation | None, str | None]:
    """A member record by id, or the free-text name of an unlisted organisation."""
    if data.get("organisation_id") not in (None, ""):
        organisation_id = as_id(data.get("organisation_id"))
        organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
        if organisation is None:
            errors.add("organisation_id", _("No such organisation in the member records."))
        return organisation, None
    name = text_value(data, "organisation_name", 200, errors)
    if not name:
        errors.add("organisation_id", _("Choose your organisation, or tick “not listed” and type its name."))
    return None, name


def check_consent(data: dict, errors: Collector, organiser: bool) -> None:
    """The public forms need the privacy notice accepted; organisers register people who agreed elsewhere."""
    if not organiser and not data.get("privacy_consent"):
        errors.add("privacy_consent", _("Please accept the privacy notice to register."))


def clean_answers(questions: list[Question], raw: dict | None, errors: Collector) -> dict:
    """Check every answer against its question; unknown keys are refused, so nothing is silently dropped."""
    if raw is not None and not isinstance(raw, dict):
        errors.add("answers", _("Answers are a mapping of question keys to answers."))
        raw = None
    raw = dict(raw or {})
    known = {q.key for q in questions}
    for key in sorted(set(raw) - known):
        errors.add(f"answers.{key}", _("There is no question '%(key)s' for this event.", key=key))
    return {q.key: _answer(q, raw.get(q.key), errors) for q in questions}


def _answer(question: Question, value, errors: Collector):
    """One answer checked against its question's kind, choices and length."""
    name = f"answers.{question.key}"
    if question.kind == "checkbox":
        checked = value in (True, "true", "on", "yes", "1", 1)
        if question.required and not checked:
            errors.add(name, _("Please tick this box."))
        return checked
    if question.kind == "multiple_choice":
        chosen = [value] if isinstance(value, str) else list(value or [])
        chosen = [c for c in chosen if c != ""]
        unknown = [c for c in chosen if c not in question.options]
        if unknown:
            errors.add(name, _("Not one of the choices: %(values)s.", values=", ".join(map(str, unknown))))
        if question.required and not chosen:
            errors.add(name, _("Choose at least one."))
        return [c for c in question.options if c in chosen]
    text = text_value({"value": value}, "value", MAX_ANSWER, errors, multiline=question.kind == "long_text",
                      required=question.required, error_field=name,
                      required_message=_("This question needs an answer."))
    if text and question.kind == "single_choice" and text not in question.options:
        errors.add(name, _("'%(value)s' is not one of the choices.", value=text))
    if text and question.kind == "country":
        if pycountry.countries.get(alpha_2=text.upper()) is None:
            errors.add(name, _("'%(value)s' is not a country code.", value=text))
        text = text.upper()
    return text
