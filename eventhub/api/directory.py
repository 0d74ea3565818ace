"""/api/v1: an event's participant directory, for organisers (#17).

The same people, search and filters as the organisers' directory page: confirmed participants who agreed
to be listed, with their organisation, country, region, kind, networks, topics and languages spoken.
"""
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from eventhub.api.auth import organiser_token_required
from eventhub.api.common import ApiBlueprint, paginate
from eventhub.api.members import region_id_from_name
from eventhub.api.schemas import ID, PageArgsSchema, PageSchema
from eventhub.directory import queries
from eventhub.directory.models import SPOKEN_LANGUAGES
from eventhub.events.access import get_event
from eventhub.members.models import KINDS as MEMBER_KINDS

blp = ApiBlueprint(
    "api_directory",
    __name__,
    url_prefix="/api/v1",
    description="The participant directory of an event: confirmed participants who agreed to be listed. "
                "Organisers only; never public.",
)


class DirectoryArgsSchema(PageArgsSchema):
    """Search and filters of the directory."""

    q = fields.String(validate=validate.Length(max=200),
                      metadata={"description": "Name or organisation (its name or local name), in any script, "
                                               "accents and case ignored."})
    region = fields.String(validate=validate.Length(max=100), metadata={"description": "Region name of the organisation."})
    country = fields.String(validate=validate.Length(equal=2), metadata={"description": "Of the organisation."})
    kind = fields.String(validate=validate.OneOf(MEMBER_KINDS), metadata={"description": "Of the organisation."})
    network_id = fields.Integer(validate=ID, metadata={"description": "Organisations in this network."})
    track_id = fields.Integer(validate=ID, metadata={"description": "People who want to discuss this track (topic)."})
    language = fields.String(validate=validate.OneOf(SPOKEN_LANGUAGES),
                             metadata={"description": "People who speak this language (a code such as fr)."})


class TopicSchema(Schema):
    id = fields.Integer(metadata={"description": "The track's id."})
    name = fields.String()


class DirectoryEntrySchema(Schema):
    """One participant as the directory shows them."""

    registration_id = fields.Integer()
    full_name = fields.String()
    position = fields.String(allow_none=True)
    organisation_id = fields.Integer(allow_none=True, metadata={"description": "The member record, if linked."})
    organisation = fields.String(metadata={"description": "The member record's name, else the name typed."})
    organisation_local_name = fields.String(allow_none=True, metadata={"description": "Its name in its own script."})
    country = fields.String(allow_none=True, metadata={"description": "ISO 3166-1 alpha-2 of the member record."})
    region = fields.String(allow_none=True, metadata={"description": "Region name of the member record."})
    kind = fields.String(allow_none=True, metadata={"enum": list(MEMBER_KINDS)})
    networks = fields.List(fields.String(), metadata={"description": "Networks of the member record, by name."})
    topics = fields.List(fields.Nested(TopicSchema), metadata={"description": "Tracks they want to discuss."})
    languages = fields.List(fields.String(), metadata={"description": "Codes of the languages they speak."})


class DirectoryPageSchema(PageSchema):
    items = fields.List(fields.Nested(DirectoryEntrySchema))


def _entry(entry: queries.Entry) -> dict:
    """The schema's fields of one participant."""
    person, organisation = entry.registration, entry.registration.organisation
    return {
        "registration_id": person.id, "full_name": person.full_name, "position": person.position,
        "organisation_id": person.organisation_id, "organisation": person.organisation_display,
        "organisation_local_name": organisation.local_name if organisation else None,
        "country": organisation.country if organisation else None,
        "region": organisation.region.name if organisation and organisation.region else None,
        "kind": organisation.kind if organisation else None,
        "networks": [network.name for network in organisation.networks] if organisation else [],
        "topics": [{"id": id_, "name": name} for id_, name in zip(entry.topic_ids, entry.topics)],
        "languages": entry.languages,
    }


@blp.route("/events/<slug>/directory", endpoint="directory")
class Directory(MethodView):
    @organiser_token_required
    @blp.arguments(DirectoryArgsSchema, location="query")
    @blp.response(200, DirectoryPageSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, slug):
        """List the event's directory by name; search and filters as on the organisers' directory page."""
        event = get_event(slug, manage=True)
        filters = {key: args.get(key) for key in ("q", "country", "kind", "network_id", "track_id", "language")}
        query = queries.directory_query(event, region_id=region_id_from_name(args.get("region")), **filters)
        page = paginate(query, args)
        return {"total": page.total, "page": page.page, "per_page": page.per_page, "pages": page.pages,
                "items": [_entry(entry) for entry in queries.entries(page.items)]}
