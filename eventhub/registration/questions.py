"""An event's custom questions on its registration form: listing, adding, editing, removing, reordering.

Every change is audited (question.created / updated / deleted / moved) in the caller's unit of work.
Answers are checked in cleaning.py.
"""
import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from eventhub.audit.services import SYSTEM, Actor, record, record_created, record_deleted, record_update, snapshot
from eventhub.core.validation import Collector, as_id, text_value
from eventhub.extensions import db
from eventhub.registration.models import QUESTION_KINDS, Question

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
AUDITED = ("key", "label", "help_text", "kind", "required", "options", "position")


def event_questions(event) -> list[Question]:
    """The event's questions in form order."""
    query = select(Question).where(Question.event_id == event.id).order_by(Question.position, Question.id)
    return list(db.session.scalars(query))


def save_question(event, data: dict, question: Question | None = None, actor: Actor = SYSTEM) -> Question:
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
    options = _options(data.get("options"), errors)
    if kind in ("single_choice", "multiple_choice") and len(options) < 2:
        errors.add("options", _("Give at least two choices, one per line."))
    help_text = text_value(data, "help_text", 500, errors)
    position = None
    if data.get("position") not in (None, ""):
        position = as_id(data["position"])
        if position is None:
            errors.add("position", _("'%(value)s' is not a position.", value=data["position"]))
    errors.raise_if_any()
    created = question is None
    before = None if created else snapshot(question, AUDITED)
    if created:
        last = db.session.scalar(select(func.max(Question.position)).where(Question.event_id == event.id))
        question = Question(event_id=event.id, position=(last or 0) + 1)
        db.session.add(question)
    question.key, question.label, question.kind, question.help_text = key, label, kind, help_text
    question.required = bool(data.get("required"))
    question.options = options if kind in ("single_choice", "multiple_choice") else []
    if position is not None:
        question.position = position
    if created:
        record_created(actor, question, AUDITED, event.id)
    else:
        record_update(actor, question, before, event.id)
    return question


def _options(value, errors: Collector) -> list[str]:
    """The choices, one per line (or a list), cleaned, without blanks or repeats."""
    lines = value.splitlines() if isinstance(value, str) else list(value or [])
    options = []
    for line in lines:
        option = text_value({"option": line}, "option", 300, errors, error_field="options")
        if option and option not in options:
            options.append(option)
    return options


def delete_question(question: Question, actor: Actor = SYSTEM) -> None:
    """Remove a question; answers already given stay in the registrations (and their CSV)."""
    record_deleted(actor, question, ("key", "label", "kind"), question.event_id)
    db.session.delete(question)


def move_question(question: Question, offset: int, actor: Actor = SYSTEM) -> None:
    """Move a question up (-1) or down (+1) in the form."""
    questions = event_questions(question.event)
    index = questions.index(question)
    target = index + offset
    if 0 <= target < len(questions):
        questions[index], questions[target] = questions[target], questions[index]
        for position, item in enumerate(questions, start=1):
            item.position = position
        record(actor, "question.moved", question, question.event_id, {"position": [index + 1, target + 1]})
