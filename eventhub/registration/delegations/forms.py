"""Forms of the delegation pages: a head of delegation registers named delegates of one organisation.

Each row carries the event's custom questions too: the service checks every delegate's answers
(required ones included) like an individual registration's, and each delegate can change them
later on their own manage page.
"""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, FieldList, Form, FormField, StringField, SubmitField

from eventhub.registration.forms import OrganisationPicker, ServiceErrors, field_in, with_questions
from eventhub.registration.question_fields import Needed, answers_of, has_answers

# Rows shown at first and added per "Add more rows"; the most one submission takes.
ROWS_STEP = 5
MAX_ROWS = 50
ROW_ERROR = re.compile(r"^delegates-(\d+)-(.+)$")


class DelegateFields:
    """One delegate: name, email, position, category (set per event) and answers."""

    full_name = StringField(_l("Full name"), render_kw={"maxlength": 200, "autocomplete": "off"})
    email = EmailField(_l("Email"), render_kw={"maxlength": 254, "autocomplete": "off"})
    position = StringField(_l("Position or title"), render_kw={
        "maxlength": 200, "list": "position-suggestions", "autocomplete": "off"})

    def person_data(self, questions) -> dict:
        """The person dict the services take; the organisation is the delegation's."""
        return {
            "full_name": self.full_name.data, "email": self.email.data, "position": self.position.data,
            "category": self.category.data, "answers": answers_of(self, questions),
        }

    def is_blank(self, questions) -> bool:
        """A row left empty is skipped, not an error (five rows are offered; some send three)."""
        typed = (self.full_name.data, self.email.data, self.position.data)
        return not any((value or "").strip() for value in typed) and not has_answers(answers_of(self, questions))


class DelegateRowForm(DelegateFields, Form):
    """A row of the delegation form (the delegation form holds the CSRF token)."""


class AddDelegateForm(ServiceErrors, DelegateFields, FlaskForm):
    """Add one more delegate from the delegation page."""

    full_name = StringField(_l("Full name"), [Needed()], render_kw={"maxlength": 200, "autocomplete": "off"})
    email = EmailField(_l("Email"), [Needed()], render_kw={"maxlength": 254, "autocomplete": "off"})


class DelegationForm(ServiceErrors, OrganisationPicker, FlaskForm):
    """The head of delegation, the organisation, and one row per delegate (`delegates`, set per event)."""

    head_name = StringField(_l("Your full name"), [Needed()], render_kw={"maxlength": 200, "autocomplete": "name"})
    head_email = EmailField(_l("Your email"), [Needed()], render_kw={"maxlength": 254, "autocomplete": "email"})
    privacy_consent = BooleanField(_l("I have read the privacy notice, and the delegates agree that their details "
                                      "are used to organise this event."), [Needed()])
    add_rows = SubmitField(_l("Add more rows"))
    # Form row of each delegate sent to the service, whose errors count only the rows sent.
    row_indexes: list[int] = []

    def field_for(self, key: str):
        """Row errors ("delegates-<n>-email") go to the row they came from."""
        match = ROW_ERROR.match(key)
        if match and int(match[1]) < len(self.row_indexes):
            return field_in(self.delegates.entries[self.row_indexes[int(match[1])]].form, match[2])
        # "delegates" (none given) concerns the whole list: it is said above the form.
        return None if key == "delegates" else super().field_for(key)

    def delegates_data(self, questions) -> list[dict]:
        """The filled-in rows as person dicts, remembering which form row each came from."""
        people, self.row_indexes = [], []
        for index, entry in enumerate(self.delegates.entries):
            if not entry.form.is_blank(questions):
                people.append(entry.form.person_data(questions))
                self.row_indexes.append(index)
        return people

    def add_more_rows(self) -> None:
        """Five more empty rows (what was typed stays), up to the limit."""
        for _ in range(ROWS_STEP):
            if len(self.delegates.entries) >= self.delegates.max_entries:
                break
            self.delegates.append_entry()


def delegation_form(event, questions) -> DelegationForm:
    """The delegation form of this event; no more rows than the event's per-organisation quota."""
    row = with_questions(DelegateRowForm, event, questions)
    limit = min(event.delegate_quota or MAX_ROWS, MAX_ROWS)
    delegates = FieldList(FormField(row), min_entries=min(ROWS_STEP, limit), max_entries=limit)
    return type("DelegationForm", (DelegationForm,), {"delegates": delegates})()


def add_delegate_form(event, questions) -> AddDelegateForm:
    """The form to add one delegate to a delegation of this event."""
    return with_questions(AddDelegateForm, event, questions)()
