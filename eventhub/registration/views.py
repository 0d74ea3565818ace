"""Public registration pages: the form, the organisation type-ahead and the personal manage links.

There are no id-based public URLs: a registration is reached only through its secret token.
The delegation pages are in registration/delegations.
"""
from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_babel import gettext as _

from eventhub.core import languages
from eventhub.core.errors import Refused, ValidationError
from eventhub.core.loading import found_or_404
from eventhub.core.tokens import keep_tokens_private
from eventhub.core.transaction import atomic
from eventhub.events.access import get_event
from eventhub.extensions import db, limiter
from eventhub.members.services import search_organisations
from eventhub.registration import cleaning, forms, rules, services, throttle
from eventhub.registration.models import ACTIVE_STATUSES
from eventhub.registration.questions import event_questions

bp = Blueprint("registration", __name__)

# The type-ahead endpoint answers with at most this many records.
SEARCH_RESULTS = 10


def _resend_limit() -> str:
    """Each resend e-mails someone: stricter than the form."""
    return current_app.config.get("RESEND_RATE_LIMIT", "10 per hour")


def _search_limit() -> str:
    """The type-ahead asks once per pause in typing."""
    return current_app.config.get("ORGANISATION_SEARCH_RATE_LIMIT", "120 per minute")




def submit(form, action, *args):
    """Call one service in one unit of work; when it refuses, put its reasons on the form (nothing typed
    is lost) and return None."""
    try:
        with atomic():
            return action(*args)
    except ValidationError as error:
        form.add_service_errors(error.errors)
    except Refused as refused:
        form.refuse(refused)
    return None


def form_page(form, template: str, **context):
    """Render a form page; 429 with Retry-After when a budget refused it (throttle.py): the form comes back
    as it was typed, and both people and scripts learn when to send it again."""
    refusal = getattr(form, "refusal", None)
    if not isinstance(refusal, throttle.TooMany):
        return render_template(template, form=form, **context)
    form.refusal = refusal.on_form()
    return render_template(template, form=form, **context), 429, {"Retry-After": str(refusal.retry_after)}


def check_meanwhile(form, clean, *args) -> None:
    """The form goes back for the organisation to be chosen: name every other problem now, not next round.

    `clean` is one of registration.cleaning's functions: they only check, they write nothing.
    """
    try:
        clean(*args)
    except ValidationError as error:
        form.add_service_errors(error.errors, only_new=True)


# What the cleaning hears while the organisation is still being chosen (its own message is on the form).
UNCHOSEN = {"organisation_id": None, "organisation_name": None}


def status_message(registration) -> str:
    """What a registration's status means for the person, with the waiting-list position."""
    title = registration.event.localized("title")
    if registration.status == "waitlisted":
        return _("%(event)s is full: you are number %(position)d on the waiting list. We will e-mail you as soon as "
                 "a place is free.", event=title, position=rules.waitlist_position(registration))
    if registration.status == "pending":
        return _("Your registration for %(event)s awaits approval by the organisers; we will e-mail you their "
                 "decision.", event=title)
    if registration.status == "confirmed":
        return _("You are registered for %(event)s: your place is confirmed.", event=title)
    return _("This registration is %(status)s.", status=_(registration.status_label).lower())


@bp.app_template_global()
def registration_closed_reason(event) -> str | None:
    """For the public event page: why the registration form is closed, None when it is open."""
    return rules.why_closed(event)


@bp.app_template_global()
def confirm_hours() -> int:
    """How long a public registration waits for its address to be confirmed, for the pages that say so."""
    return rules.confirm_hours()


@bp.app_template_global()
def position_suggestions() -> list[str]:
    """Typical positions offered under the position field (people may type any other)."""
    return [str(suggestion) for suggestion in forms.POSITION_SUGGESTIONS]


keep_tokens_private(bp)


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
def register(slug: str):
    """Register one person; typed organisation names are resolved on the server when no script picked one.

    Not rate-limited per request: throttle.charge counts the registrations that succeed, so mistakes cost
    a visitor nothing and a refused form comes back as typed."""
    event = get_event(slug)
    closed, questions = rules.why_closed(event), event_questions(event)
    form = forms.registration_form(event, questions)
    if not closed and form.validate_on_submit():
        organisation = form.organisation_data()
        # The language of the form is the one the person reads: their e-mails are written in it.
        data = {**form.person_data(questions), **(organisation or UNCHOSEN),
                "privacy_consent": form.privacy_consent.data, "locale": languages.current()}
        if organisation is None:
            check_meanwhile(form, cleaning.clean_registration, event, data)
        elif signed_in_organiser():
            if registration := submit(form, services.register, event, data):
                flash(status_message(registration) + " " + _("This page is the personal link to the registration; "
                                                             "we have e-mailed it to the address given."), "success")
                return redirect(url_for(".manage", token=registration.manage_token))
        elif submit(form, request_registration, event, data):
            return sent(slug, form.email.data)
    return form_page(form, "registration/register.html", event=event, questions=questions, closed=closed,
                     resend_form=forms.ResendForm(formdata=None, email=form.email.data))


def signed_in_organiser() -> bool:
    """Organisers' own addresses are proven by their accounts: they keep the fast path."""
    return current_user.is_authenticated and current_user.has_role("organiser")


def request_registration(event, data) -> bool:
    """A public registration that waits for its address to be confirmed, charged to this visitor's budgets."""
    services.request_registration(event, data)
    throttle.charge(people=1, recipients=1, organisation_id=data.get("organisation_id"))
    return True


def sent(slug: str, email: str):
    """The same answer for a new registration and an address registered already (no one learns who is)."""
    flash(_("We have sent a message to %(email)s. Open the link in it and confirm within %(hours)d hours to take "
            "your place: until then no place is held.", email=email, hours=rules.confirm_hours()), "info")
    return redirect(url_for("registration.check_your_email", slug=slug))


@bp.route("/events/<slug>/register/check-your-email")
def check_your_email(slug: str):
    """Where a public form goes after sending: what to do next, without the private link."""
    return render_template("registration/check_your_email.html", event=get_event(slug))


@bp.route("/events/<slug>/organisations")
@limiter.limit(_search_limit)
def organisations(slug: str):
    """Type-ahead: member records whose name or local name contains ?q=, ignoring accents and case."""
    get_event(slug)
    term = request.args.get("q", "").strip()[:100]
    found = db.session.scalars(search_organisations(term).limit(SEARCH_RESULTS)) if term else []
    return jsonify([{"id": o.id, "name": o.name, "local_name": o.local_name, "country": o.country} for o in found])


@bp.route("/events/<slug>/resend", methods=["POST"])
@limiter.limit(_resend_limit)
def resend(slug: str):
    """E-mail the manage link again; the answer is the same whether or not the address is registered."""
    event = get_event(slug)
    form = forms.ResendForm()
    if form.validate_on_submit():
        with atomic():
            services.resend_manage_link(event, form.email.data)
        flash(_("If %(email)s is registered for %(event)s, its manage link is on its way to that address.",
                email=form.email.data, event=event.localized("title")), "info")
    else:
        flash(_("Please give the e-mail address you registered with."), "error")
    return redirect(url_for(".register", slug=slug))


def registration_or_404(token: str):
    """The registration behind a manage link: the token is the proof of whose it is."""
    return found_or_404(services.by_token(token))


@bp.route("/registrations/<token>", methods=["GET", "POST"])
def manage(token: str):
    """See one's status and waiting-list position; change one's details and answers."""
    registration = registration_or_404(token)
    questions = event_questions(registration.event)
    form = forms.manage_form(registration, questions)
    editable = registration.status in ACTIVE_STATUSES
    # A delegate's organisation is the delegation's: it is shown, not edited here.
    fixed = registration.delegation_id is not None
    submitted = editable and form.validate_on_submit()
    organisation = ({} if fixed else form.organisation_data()) if submitted else None
    if submitted and organisation is None:
        check_meanwhile(form, cleaning.clean_details, registration, {**form.person_data(questions), **UNCHOSEN})
    elif submitted:
        if submit(form, services.update_details, registration, {**form.person_data(questions), **organisation}):
            flash(_("Your changes are saved."), "success")
            return redirect(url_for(".manage", token=token))
    return render_template("registration/manage.html", registration=registration, event=registration.event, form=form,
                           questions=questions, editable=editable, fixed_organisation=fixed,
                           position=rules.waitlist_position(registration),
                           confirm_form=forms.ConfirmAddressForm() if registration.status == rules.UNCONFIRMED
                           else None,
                           language_form=forms.LanguageForm(formdata=None, locale=registration.locale))


@bp.route("/registrations/<token>/language", methods=["POST"])
def language(token: str):
    """Choose the language of one's e-mails; the page itself keeps following the visitor's language."""
    registration = registration_or_404(token)
    form = forms.LanguageForm()
    if form.validate_on_submit():
        if submit(form, services.change_language, registration, form.locale.data):
            flash(_("From now on, e-mails about this registration are written in %(language)s.",
                    language=languages.NAMES[registration.locale]), "success")
        else:
            flash(form.refusal.message if form.refusal else " ".join(form.locale.errors + form.form_errors), "error")
    else:
        flash(_("Nothing was changed: the form has expired. Please choose the language again."), "error")
    return redirect(url_for(".manage", token=token))


@bp.route("/registrations/<token>/confirm", methods=["POST"])
def confirm(token: str):
    """The mailed link's button: the address is proven, the registration now takes its place (or queues)."""
    registration = registration_or_404(token)
    form = forms.ConfirmAddressForm()
    if form.validate_on_submit():
        if submit(form, services.confirm_address, registration):
            flash(status_message(registration), "success")
        elif form.refusal:
            flash(form.refusal.message, "error")
    return redirect(url_for(".manage", token=token))


@bp.route("/registrations/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str):
    """Cancel one's registration after ticking a confirmation box; a freed place goes to the waiting list."""
    registration = registration_or_404(token)
    form = forms.ConfirmForm()
    if form.validate_on_submit() and submit(form, services.cancel, registration):
        flash(_("Your registration for %(event)s is cancelled.", event=registration.event.localized("title")),
              "success")
        return redirect(url_for(".manage", token=token))
    return render_template("registration/confirm.html", form=form, registration=registration,
                           event=registration.event, back=url_for(".manage", token=token))

