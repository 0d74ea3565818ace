"""The directory pages: a confirmed participant's (through the manage link) and the organisers'.

Never public: anyone else gets a 404, and no page of this blueprint is indexed or kept in a shared cache.
"""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from eventhub.auth.access import organiser_required
from eventhub.core.errors import Refused, ValidationError
from eventhub.core.loading import found_or_404
from eventhub.core.paging import paginate
from eventhub.core.transaction import atomic
from eventhub.directory import queries, services
from eventhub.directory.forms import FilterForm, ProfileForm, language_name
from eventhub.events.access import get_event
from eventhub.members.services import list_networks
from eventhub.members.validation import list_regions
from eventhub.registration.models import Registration
from eventhub.registration.services import by_token

bp = Blueprint("directory", __name__)

PER_PAGE = 50


@bp.after_request
def _private(response):
    """Out of search engines and shared caches; a token in the URL is not passed on in a Referer."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "private, no-store"
    if "token" in (request.view_args or {}):
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.app_template_global()
def spoken_language_name(code: str) -> str:
    """A language code's name in the reader's language, for the directory's pages."""
    return language_name(code)


def participant_or_404(token: str):
    """The confirmed registration behind a manage link; anyone else (pending, cancelled, unknown) gets a 404."""
    registration = by_token(token)
    return found_or_404(registration if services.may_see_directory(registration) else None,
                        _("The directory is open to confirmed participants of the event only."))


def _directory(event, template: str, endpoint: str, **context):
    """One page of the event's directory under the query string's filters."""
    tracks = services.event_tracks(event)
    form = FilterForm(request.args, list_regions(), list_networks(), tracks)
    filters = form.filters()
    page = paginate(queries.directory_query(event, **filters), PER_PAGE, key=Registration.id)
    return render_template(template, event=event, form=form, filters=filters, page=page,
                           entries=queries.entries(page.items), endpoint=endpoint, **context)


@bp.route("/registrations/<token>/directory")
def participant_directory(token: str):
    """The directory as a confirmed participant sees it."""
    registration = participant_or_404(token)
    return _directory(registration.event, "directory/index.html", "directory.participant_directory",
                      registration=registration, link_args={"token": token})


@bp.route("/registrations/<token>/directory/profile", methods=["GET", "POST"])
def profile(token: str):
    """A confirmed participant's entry: listed or not, topics they want to discuss, languages they speak."""
    registration = participant_or_404(token)
    tracks = services.event_tracks(registration.event)
    form = ProfileForm(tracks, data={"listed": registration.listed, "topics": services.topic_ids(registration),
                                     "languages": services.language_codes(registration)})
    if form.validate_on_submit():
        try:
            with atomic():
                services.save_profile(registration, form.listed.data, form.topics.data, form.languages.data)
        except ValidationError as error:
            form.add_service_errors(error.errors)
        except Refused as refused:
            form.form_errors.append(refused.message)
        else:
            flash(_("Your directory entry is saved.") if registration.listed
                  else _("You are not shown in the directory."), "success")
            return redirect(url_for(".profile", token=token))
    return render_template("directory/profile.html", registration=registration, event=registration.event,
                           form=form, tracks=tracks)


@bp.route("/manage/events/<slug>/directory")
@organiser_required
def organiser_directory(slug: str):
    """The directory as the organisers see it: the same people as the participants see."""
    event = get_event(slug, manage=True)
    return _directory(event, "directory/index.html", "directory.organiser_directory", registration=None,
                      link_args={"slug": slug})
