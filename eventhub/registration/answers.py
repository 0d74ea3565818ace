"""Custom questions: checking answers and managing an event's questions."""
import re

import pycountry
from flask_babel import gettext as _
from sqlalchemy import func, select

from eventhub.core.validation import Collector, text_value
from eventhub.extensions import db
from eventhub.registration.models import QUESTION_KINDS, Question

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
MAX_ANSWER = 2000


def event_questions(event) -> list[Question]:
    """The event's questions in form order."""
    query = select(Question).where(Question.event_id == event.id).order_by(Question.position, Question.id)
    return list(db.session.scalars(query))


def _answer(question: Question, value, errors: Collector):
    field = f"answers.{question.key}"
    if question.kind == "checkbox":
        checked = value in (True, "true", "on", "yes", "1", 1)
        if question.required and not checked:
            errors.add(field, _("Please tick this box."))
        return checked
    if question.kind == "multiple_choice":
        chosen = [value] if isinstance(value, str) else list(value or [])
        chosen = [c for c in chosen if c != ""]
        unknown = [c for c in chosen if c not in question.options]
        if unknown:
            errors.add(field, _("Not one of the choices: %(values)s.", values=", ".join(map(str, unknown))))
        if question.required and not chosen:
            errors.add(field, _("Choose at least one."))
        return [c for c in question.options if c in chosen]
    text = str(value if value is not None else "").strip()
    if question.required and not text:
        errors.add(field, _("This question needs an answer."))
    elif len(text) > MAX_ANSWER:
        errors.add(field, _("At most %(limit)d characters.", limit=MAX_ANSWER))
    if text and question.kind == "single_choice" and text not in question.options:
        errors.add(field, _("'%(value)s' is not one of the choices.", value=text))
    if text and question.kind == "country":
        if pycountry.countries.get(alpha_2=text.upper()) is None:
            errors.add(field, _("'%(value)s' is not a country code.", value=text))
        text = text.upper()
    return text or None


def clean_answers(questions: list[Question], raw: dict | None, errors: Collector) -> dict:
    """Check every answer against its question; unknown keys are refused, so nothing is silently dropped."""
    raw = dict(raw or {})
    known = {q.key for q in questions}
    for key in sorted(set(raw) - known):
        errors.add(f"answers.{key}", _("There is no question '%(key)s' for this event.", key=key))
    return {q.key: _answer(q, raw.get(q.key), errors) for q in questions}


def save_question(event, data: dict, question: Question | None = None) -> Question:
    """Create or update a question: key, label, help_text, kind, required, options, position."""
    errors = Collector()
    label = text_value(data, "label", 300, errors, required=True)
    key = str(data.get("key") or "").strip().lower() or re.sub(r"[^a-z0-9]+", "_", (label or "").lower()).strip("_")[:60]
    if not KEY_PATTERN.match(key or ""):
        errors.add("key", _("Use lower-case letters, digits and underscores, starting with a letter."))
    else:
        clash = db.session.scalar(select(Question).where(Question.event_id == event.id, Question.key == key))
        if clash is not None and clash is not question:
            errors.add("key", _("Another question already uses the key '%(key)s'.", key=key))
    kind = data.get("kind")
    if kind not in QUESTION_KINDS:
        errors.add("kind", _("Choose one of: %(choices)s.", choices=", ".join(QUESTION_KINDS)))
    options = data.get("options") or []
    if isinstance(options, str):
        options = options.splitlines()
    options = list(dict.fromkeys(o.strip() for o in options if o.strip()))
    if kind in ("single_choice", "multiple_choice") and len(options) < 2:
        errors.add("options", _("Give at least two choices, one per line."))
    errors.raise_if_any()
    if question is None:
        last = db.session.scalar(select(func.max(Question.position)).where(Question.event_id == event.id))
        question = Question(event_id=event.id, position=(last or 0) + 1)
        db.session.add(question)
    question.key, question.label, question.kind = key, label, kind
    question.help_text = text_value(data, "help_text", 500, errors)
    question.required = bool(data.get("required"))
    question.options = options if kind in ("single_choice", "multiple_choice") else []
    if data.get("position") not in (None, ""):
        question.position = int(data["position"])
    db.session.commit()
    return question


def delete_question(question: Question) -> None:
    """Remove a question; answers already given stay in the registrations (and their CSV)."""
    db.session.delete(question)
    db.session.commit()


def move_question(question: Question, offset: int) -> None:
    """Move a question up (-1) or down (+1) in the form."""
    questions = event_questions(question.event)
    index = questions.index(question)
    target = index + offset
    if 0 <= target < len(questions):
        questions[index], questions[target] = questions[target], questions[index]
        for position, item in enumerate(questions, start=1):
            item.position = position
        db.session.commit()


