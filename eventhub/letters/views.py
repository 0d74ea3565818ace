"""Letter pages: the registrant's request and download (by manage link), the organisers' list, decisions and
settings, and the public check an embassy opens from the QR code."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.audit.services import Actor
from eventhub.auth.access import organiser_required
from eventhub.core.errors import Refused, ValidationError
from eventhub.core.loading import found_or_404
from eventhub.core.tokens import keep_tokens_private
from eventhub.core.transaction import atomic
from eventhub.events.access import get_event
from eventhub.extensions import db
from eventhub.letters import crypto, forms, services
from eventhub.letters.models import VisaLetter
from eventhub.letters.pdf import letter_pdf
from eventhub.registration.services import by_token

bp = Blueprint("letters", __name__)
keep_tokens_private(bp)


@bp.after_request
def _nothing_kept(response):
    """Passport details never stay in a browser's or a proxy's cache, nor leak through a Referer."""
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _save(form, action, *args):
    """One service call in one unit of work; its refusals go onto the form. The result, or None."""
    try:
        with atomic():
            return action(*args)
    except ValidationError as error:
        form.add_service_errors(error.errors)
    except Refused as refused:
        form.form_errors.append(refused.message)
    return None


@bp.route("/registrations/<token>/visa-letter", methods=["GET", "POST"])
def ask(token: str):
    """Ask for an invitation letter, see how the request stands, download the approved letter."""
    registration = found_or_404(by_token(token))
    letter = services.current_letter(registration)
    form = forms.RequestForm()
    if form.validate_on_submit():
        if _save(form, services.request_letter, registration, form.details()):
            flash(_("Your request is sent. You will get an e-mail when the organisers have decided."), "success")
            return redirect(url_for(".ask", token=token))
    elif form.is_submitted():
        # Every problem at once: the service judges what the form could read.
        try:
            services.clean_details(form.details())
        except ValidationError as error:
            form.add_service_errors(error.errors, only_new=True)
    return render_template("letters/request.html", registration=registration, event=registration.event,
                           letter=letter, form=form, available=crypto.available(), token=token)


@bp.route("/registrations/<token>/visa-letter.pdf")
def download(token: str):
    """The approved letter of the registration behind the link."""
    registration = found_or_404(by_token(token))
    letter = services.current_letter(registration)
    if letter is None or letter.status != "approved":
        abort(404, description=_("There is no approved letter for this registration."))
    return _pdf(letter)


def _pdf(letter: VisaLetter) -> Response:
    details, settings = services.details_of(letter), services.settings_of(letter.event)
    if details is None or settings is None:
        abort(404, description=_("This letter can no longer be printed."))
    response = Response(letter_pdf(letter, details, settings), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="invitation-letter-{letter.code}.pdf"'
    return response


def _letter_of(event, letter_id: int) -> VisaLetter:
    letter = db.session.get(VisaLetter, letter_id)
    if letter is None or letter.event_id != event.id:
        abort(404)
    return letter


@bp.route("/manage/events/<slug>/visa-letters")
@organiser_required
def admin_list(slug: str):
    """The event's requests with what people typed (decrypted for the organisers only)."""
    event = get_event(slug, manage=True)
    letters = services.for_event(event)
    return render_template("letters/admin.html", event=event, letters=letters,
                           details={letter.id: services.details_of(letter) for letter in letters},
                           settings=services.settings_of(event), form=forms.DecisionForm(),
                           available=crypto.available())


@bp.route("/manage/events/<slug>/visa-letters/<int:letter_id>.pdf")
@organiser_required
def admin_pdf(slug: str, letter_id: int):
    """An approved letter, as the registrant gets it."""
    letter = _letter_of(get_event(slug, manage=True), letter_id)
    if letter.status != "approved":
        abort(404)
    return _pdf(letter)


@bp.route("/manage/events/<slug>/visa-letters/<int:letter_id>/<any(approve, refuse):decision>", methods=["POST"])
@organiser_required
def decide(slug: str, letter_id: int, decision: str):
    """Approve a request, or refuse it with a reason."""
    event = get_event(slug, manage=True)
    letter = _letter_of(event, letter_id)
    form = forms.DecisionForm()
    if not form.validate_on_submit():
        flash(_("Nothing was changed: the form has expired. Please try again."), "error")
        return redirect(url_for(".admin_list", slug=slug))
    actor = Actor.for_user(current_user)
    try:
        with atomic():
            if decision == "approve":
                services.approve(letter, actor)
            else:
                services.refuse(letter, form.reason.data, actor)
    except ValidationError as error:
        flash(" ".join(error.messages), "error")
    except Refused as refused:
        flash(refused.message, "error")
    else:
        flash(_("The letter is approved and the participant is told.") if decision == "approve"
              else _("The request is refused and the participant is told."), "success")
    return redirect(url_for(".admin_list", slug=slug))


@bp.route("/manage/events/<slug>/visa-letters/settings", methods=["GET", "POST"])
@organiser_required
def settings(slug: str):
    """Who signs the event's letters, and the letterhead text."""
    event = get_event(slug, manage=True)
    current = services.settings_of(event)
    form = forms.SettingsForm(obj=current)
    if form.validate_on_submit():
        data = {name: form[name].data for name in services.SETTINGS}
        if _save(form, services.save_settings, event, data, Actor.for_user(current_user)):
            flash(_("The letter settings are saved."), "success")
            return redirect(url_for(".admin_list", slug=slug))
    return render_template("letters/settings.html", event=event, form=form)


@bp.route("/letters/<code>")
def verify(code: str):
    """The public check: only the holder's name, the event and whether the letter is valid."""
    letter = found_or_404(services.by_code(code), _("No letter has this verification code."))
    return render_template("letters/verify.html", letter=letter, event=letter.event,
                           validity=services.validity(letter))
