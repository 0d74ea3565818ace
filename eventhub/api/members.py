"""/api/v1/members: organisations, for organisers; the same rules as the pages and the CSV import."""
from flask import g, url_for
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import abort
from sqlalchemy.orm import selectinload

from eventhub.api.auth import organiser_token_required
from eventhub.api.common import ApiBlueprint, paginate, service_errors
from eventhub.api.schemas import (
    MemberInputSchema,
    MemberListArgsSchema,
    MemberPageSchema,
    MemberPatchSchema,
    MemberSchema,
)
from eventhub.audit.services import Actor
from eventhub.core.loading import get_or_404
from eventhub.members import services
from eventhub.members.models import Organisation

blp = ApiBlueprint(
    "api_members",
    __name__,
    url_prefix="/api/v1/members",
    description="Member cities and partner organisations. Organisers only.",
)


def get_member(member_id: int) -> Organisation:
    """The organisation with this id, or a JSON 404."""
    return get_or_404(Organisation, member_id, _("There is no member with id %(id)s.", id=member_id))


def region_id_from_name(name: str | None) -> int | None:
    """The id of the region filter given by name; an unknown name is a 422, not an empty list."""
    if not name:
        return None
    region = services.region_by_name(name)
    if region is None:
        message = _("No region called %(name)s.", name=name)
        abort(422, message=_("The input is not valid."), errors={"query": {"region": [message]}})
    return region.id


@blp.route("", endpoint="members")
class Members(MethodView):
    @organiser_token_required
    @blp.arguments(MemberListArgsSchema, location="query")
    @blp.response(200, MemberPageSchema)
    def get(self, args):
        """Search organisations by name (accents and case ignored) and filter them."""
        query = services.search_organisations(
            q=args.get("q"),
            kind=args.get("kind"),
            status=args.get("status"),
            region_id=region_id_from_name(args.get("region")),
            country=args.get("country"),
            network_id=args.get("network_id"),
        )
        # Network ids come in one extra query for the page, not one per row.
        return paginate(query.options(selectinload(Organisation.networks)), args)

    @organiser_token_required
    @blp.arguments(MemberInputSchema)
    @blp.response(201, MemberSchema)
    def post(self, data):
        """Add an organisation."""
        with service_errors():
            organisation = services.save_organisation(data, actor=Actor.for_user(g.api_user))
        return organisation, 201, {"Location": url_for(".member", member_id=organisation.id)}


@blp.route("/<int:member_id>", endpoint="member")
class Member(MethodView):
    @organiser_token_required
    @blp.response(200, MemberSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, member_id):
        """One organisation."""
        return get_member(member_id)

    @organiser_token_required
    @blp.arguments(MemberPatchSchema(partial=True))
    @blp.response(200, MemberSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def patch(self, data, member_id):
        """Change some fields of an organisation; network_ids, when given, replaces its networks."""
        organisation = get_member(member_id)
        with service_errors():
            organisation = services.save_organisation(data, organisation, actor=Actor.for_user(g.api_user))
        return organisation
