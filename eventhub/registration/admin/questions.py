"""Organiser pages for an event's custom questions: list, add, edit, delete, reorder.

Every change goes through registration/questions.py.
"""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.audit.services import Actor, history
from eventhub.auth.access import organiser_required
from eventhub.core.forms import submit
from eventhub.core.loading import get_or_404
from eventhub.core.transaction import atomic
from eventhub.events.access import get_event
from eventhub.registration import questions as custom_questions
from eventhub.registration.admin import bp
from eventhub.registration.admin.forms import (
    DeleteQuestionForm,
    MoveQuestionForm,
    QuestionForm,
    question_initial,
)
from eventhub.registration.models import QUESTION_KINDS, Question


def question_or_404(event, question_id: int) -> Question:
    """A question of this event; another event's question id is 404."""
    return get_or_404(Question, question_id, event_id=event.id)


def _save(form: QuestionForm, event, question=None) -> Question | None:
    """Save through questions.save_question, or show every problem next to its field and return None."""
    return submit(form, lambda: custom_questions.save_question(event, form.question_data(), question, _actor()))


def _actor() -> Actor:
    """The signed-in organiser, for the audit trail."""
    return Actor.for_user(current_user)


@bp.route("/questions", methods=["GET", "POST"])
@organiser_required
def questions(slug: str):
    """The event's questions in form order, and a form to add one."""
    event = get_event(slug, manage=True)
    form = QuestionForm()
    if question := _save(form, event):
        flash(_("The question “%(label)s” is added.", label=question.label), "success")
        return redirect(url_for(".questions", slug=slug))
    return render_template(
        "registration/admin/questions.html", event=event, form=form, questions=custom_questions.event_questions(event),
        kinds=QUESTION_KINDS, move_form=MoveQuestionForm(),
    )


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
@organiser_required
def edit_question(slug: str, question_id: int):
    """Edit one question; the delete form is on the same page."""
    event = get_event(slug, manage=True)
    question = question_or_404(event, question_id)
    form = QuestionForm(data=question_initial(question))
    if _save(form, event, question):
        flash(_("The question “%(label)s” is saved.", label=question.label), "success")
        return redirect(url_for(".questions", slug=slug))
    return render_template(
        "registration/admin/question_form.html", event=event, question=question, form=form,
        delete_form=DeleteQuestionForm(), history=history(question),
    )


@bp.post("/questions/<int:question_id>/delete")
@organiser_required
def delete_question(slug: str, question_id: int):
    """Delete a question, only with the confirmation box ticked."""
    event = get_event(slug, manage=True)
    question = question_or_404(event, question_id)
    if not DeleteQuestionForm().validate_on_submit():
        flash(_("Nothing was deleted: tick “Yes, delete this question” to confirm."), "error")
        return redirect(url_for(".edit_question", slug=slug, question_id=question.id, _anchor="delete"))
    label = question.label
    with atomic():
        custom_questions.delete_question(question, _actor())
    flash(_("The question “%(label)s” is deleted. Answers already given stay in the CSV export.", label=label),
          "success")
    return redirect(url_for(".questions", slug=slug))


@bp.post("/questions/<int:question_id>/move")
@organiser_required
def move_question(slug: str, question_id: int):
    """Move a question one place up or down in the form."""
    event = get_event(slug, manage=True)
    question = question_or_404(event, question_id)
    form = MoveQuestionForm()
    if form.validate_on_submit():
        with atomic():
            custom_questions.move_question(question, -1 if form.direction.data == "up" else 1, _actor())
    else:
        flash(_("Nothing was moved: choose up or down."), "error")
    return redirect(url_for(".questions", slug=slug, _anchor=f"question-{question.id}"))
