"""Organiser pages for member records."""
from flask import Blueprint

bp = Blueprint("members", __name__, url_prefix="/members")

from eventhub.auth.access import organiser_required  # noqa: E402


@bp.route("/")
@organiser_required
def index():
    """Placeholder until the member list lands."""
    return "members"
