"""Organiser pages for member records: list, edit, networks, regions, CSV import and export."""
from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from eventhub.audit.services import Actor, history
from eventhub.auth.access import organiser_required
from eventhub.core.forms import submit
from eventhub.core.loading import get_or_404
from eventhub.core.paging import paginate
from eventhub.core.security import body_limit
from eventhub.core.transaction import atomic
from eventhub.members import csvio, services
from eventhub.members.forms import FilterForm, ImportForm, NetworkForm, OrganisationForm, RegionForm
from eventhub.members.models import Network, Organisation

bp = Blueprint("members", __name__, url_prefix="/members")


def _actor() -> Actor:
    """The signed-in organiser, for the audit trail."""
    return Actor.for_user(current_user)


@bp.route("/")
@organiser_required
def index():
    """Search and filter the member records, a page at a time."""
    form = FilterForm(request.args)
    filters = form.filters()
    query = services.search_organisations(**filters).options(selectinload(Organisation.networks))
    page = paginate(query, current_app.config["MEMBERS_PER_PAGE"], key=Organisation.id)
    return render_template(
        "members/index.html", form=form, page=page, filters=filters
    )


@bp.route("/export.csv")
@organiser_required
def export_csv():
    """Download the records (those matching the list filters, if given) as CSV."""
    filters = FilterForm(request.args).filters()
    # Streamed as it is written (25,000 records never sit in memory at once); Flask adds "; charset=utf-8".
    chunks = csvio.export_chunks(services.search_organisations(**filters))
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="members.csv"'
    return response


@bp.route("/new", methods=["GET", "POST"])
@organiser_required
def new():
    """Add a member record."""
    return _edit(OrganisationForm(), None)


@bp.route("/<int:id>/edit", methods=["GET", "POST"])
@organiser_required
def edit(id: int):
    """Edit a member record."""
    organisation = get_or_404(Organisation, id)
    values = services.organisation_values(organisation) | {"network_ids": [n.id for n in organisation.networks]}
    return _edit(OrganisationForm(data=values), organisation)


def _edit(form: OrganisationForm, organisation: Organisation | None):
    """Shared by new and edit: save through the service, or show every problem next to its field."""
    saved = submit(form, lambda: services.save_organisation(form.organisation_data(), organisation, actor=_actor()))
    if saved:
        flash(_("%(name)s is saved.", name=saved.name), "success")
        return redirect(url_for("members.detail", id=saved.id))
    return render_template("members/form.html", form=form, organisation=organisation, history=history(organisation))


@bp.route("/<int:id>")
@organiser_required
def detail(id: int):
    """One record with its networks and what it took part in."""
    organisation = get_or_404(Organisation, id)
    return render_template(
        "members/detail.html",
        organisation=organisation,
        participation=services.participation(organisation),
    )


@bp.route("/networks")
@organiser_required
def networks():
    """Every network with its member count."""
    return render_template("members/networks.html", networks=services.network_member_counts())


@bp.route("/networks/new", methods=["GET", "POST"])
@organiser_required
def network_new():
    """Create a network."""
    return _edit_network(NetworkForm(), None)


@bp.route("/networks/<int:id>/edit", methods=["GET", "POST"])
@organiser_required
def network_edit(id: int):
    """Edit a network and its members."""
    network = get_or_404(Network, id)
    values = {"name": network.name, "description": network.description, "member_ids": [m.id for m in network.members]}
    return _edit_network(NetworkForm(data=values), network)


def _edit_network(form: NetworkForm, network: Network | None):
    """Shared by network_new and network_edit."""
    saved = submit(form, lambda: services.save_network(form.network_data(), network, _actor()))
    if saved:
        flash(_("The network %(name)s is saved.", name=saved.name), "success")
        return redirect(url_for("members.network_detail", id=saved.id))
    return render_template("members/network_form.html", form=form, network=network, history=history(network))


@bp.route("/networks/<int:id>")
@organiser_required
def network_detail(id: int):
    """A network and its members."""
    network = get_or_404(Network, id)
    return render_template("members/network_detail.html", network=network)


@bp.route("/regions", methods=["GET", "POST"])
@organiser_required
def regions():
    """The world regions, and a form to add one."""
    form = RegionForm()
    if region := submit(form, lambda: services.add_region(form.name.data or "", _actor())):
        flash(_("The region %(name)s is added.", name=region.name), "success")
        return redirect(url_for("members.regions"))
    return render_template("members/regions.html", form=form, regions=services.list_regions())


@bp.route("/import", methods=["GET", "POST"])
@body_limit("MEMBERS_IMPORT_MAX_BYTES")
@organiser_required
def import_csv():
    """Upload a CSV file: every row is applied, or none is and every bad row is listed."""
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        try:
            with atomic():
                report = csvio.import_csv(form.file.data.read(), actor=_actor())
        except csvio.ImportAborted as aborted:
            report = csvio.ImportReport(errors=aborted.errors)
    return render_template("members/import.html", form=form, report=report)
