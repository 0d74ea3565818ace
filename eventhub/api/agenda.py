"""/api/v1: an event's agenda (sessions, rooms, tracks) and sign-ups for sessions.

The public sees a published agenda of a public event, drafts left out; organisers see everything.
Writes go through agenda.services, so the API refuses a room double-booking like the editor does.
"""
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import g, url_for
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventhub.agenda import services, signups
from eventhub.agenda.models import AgendaSession, Room, SessionKind, Track
from eventhub.api.agenda_schemas import (
    AgendaRefusalSchema,
    RoomSchema,
    SessionInputSchema,
    SessionListArgsSchema,
    SessionPageSchema,
    SessionPatchSchema,
    SessionSchema,
    SignUpInputSchema,
    SignUpSchema,
    TrackSchema,
)
from eventhub.api.auth import is_organiser, organiser_token_required, token_optional
from eventhub.api.common import ApiBlueprint, paginate, refusal, service_errors
from eventhub.api.schemas import MAX_ID
from eventhub.audit.services import Actor
from eventhub.core.errors import Refused, ValidationError
from eventhub.core.loading import get_or_404
from eventhub.core.transaction import atomic
from eventhub.events.access import get_event
from eventhub.extensions import db
from eventhub.registration.models import Registration

# A refusal about the state of things is a conflict; one about who is asking is a 422.
CONFLICTS = ("closed", "overlap", "room_taken", "published")
SESSION_ID = f"<int(max={MAX_ID}):session_id>"

blp = ApiBlueprint(
    "api_agenda",
    __name__,
    url_prefix="/api/v1",
    description="Agenda sessions, rooms, tracks and session sign-ups. Public for a published agenda (drafts "
    "left out); organisers see everything and write. A refused write answers 409 (room_taken, published, "
    "closed, overlap) or 422 (not_eligible) with `reason` and `message`; room_taken names `clashing_session`.",
)


def _clashing(session: AgendaSession) -> dict:
    """The session already in the room, times with the event's offset."""
    zone = ZoneInfo(session.event.timezone)
    return {"id": session.id, "title": session.title, "start": session.start_at.astimezone(zone).isoformat(),
            "end": session.end_at.astimezone(zone).isoformat(), "room_id": session.room_id}


@contextmanager
def refusals():
    """Field errors as 422; a room double-booking or a sign-up refusal as 409/422 naming the reason."""
    try:
        with service_errors():
            yield
    except services.RoomTaken as taken:
        raise refusal(409, "room_taken", str(taken), "room_id", clashing_session=_clashing(taken.other)) from None
    except Refused as refused:
        code = 409 if refused.reason in CONFLICTS else 422
        raise refusal(code, refused.reason, refused.message, refused.field) from None


def agenda_event(slug: str):
    """The event whose agenda the caller may read: any for organisers, else public with a published agenda."""
    organiser = is_organiser(g.api_user)
    return get_event(slug, manage=organiser, agenda=not organiser)


def get_session(session_id: int, organiser: bool) -> AgendaSession:
    """A session the caller may see, or a JSON 404 (drafts and unpublished agendas hide from the public)."""
    missing = _("There is no session with id %(id)s.", id=session_id)
    session = get_or_404(AgendaSession, session_id, missing)
    event = session.event
    public = session.status != "draft" and event.status != "draft" and event.agenda_published_at is not None
    if not (organiser or public):
        abort(404, message=missing)
    return session


def sessions_query(event, args: dict, include_drafts: bool):
    """The event's sessions by time and room, filtered; people in one more query whatever the page size."""
    query = (
        select(AgendaSession)
        .where(AgendaSession.event_id == event.id)
        .options(selectinload(AgendaSession.people))
        .order_by(AgendaSession.start_at, AgendaSession.room_id, AgendaSession.id)
    )
    if not include_drafts:
        query = query.where(AgendaSession.status != "draft")
    if args.get("day"):
        # The day as the venue's clock shows it, whatever the offset (DST days are 23 or 25 hours).
        zone = ZoneInfo(event.timezone)
        start = datetime.combine(args["day"], time(), zone)
        end = datetime.combine(args["day"] + timedelta(days=1), time(), zone)
        query = query.where(AgendaSession.start_at >= start.astimezone(ZoneInfo("UTC")),
                            AgendaSession.start_at < end.astimezone(ZoneInfo("UTC")))
    if args.get("track"):
        query = query.where(AgendaSession.track_id == args["track"])
    if args.get("room"):
        query = query.where(AgendaSession.room_id == args["room"])
    return query


def _service_data(data: dict) -> dict:
    """Turn a kind name into kind_id (unknown names are a 422)."""
    if "kind" in data:
        name = data.pop("kind")
        kind = db.session.scalar(select(SessionKind).where(SessionKind.name == name)) if name else None
        if name and kind is None:
            raise ValidationError({"kind": [_("There is no session kind called “%(name)s”.", name=name)]})
        data["kind_id"] = kind.id if kind else None
    return data


def _write(event, data: dict, session: AgendaSession | None = None) -> AgendaSession:
    """Save the session and its people in one unit of work."""
    with refusals():
        session = services.save_session(event, _service_data(data), Actor.for_user(g.api_user), session)
    return session


@blp.route("/events/<slug>/sessions", endpoint="sessions")
class Sessions(MethodView):
    @token_optional
    @blp.arguments(SessionListArgsSchema, location="query")
    @blp.response(200, SessionPageSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, slug):
        """List the agenda by time: public once published (no drafts); organisers see every session."""
        event = agenda_event(slug)
        return paginate(sessions_query(event, args, include_drafts=is_organiser(g.api_user)), args)

    @organiser_token_required
    @blp.arguments(SessionInputSchema)
    @blp.response(201, SessionSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, schema=AgendaRefusalSchema, description="The room is taken (reason room_taken).")
    def post(self, data, slug):
        """Create a session (a draft unless `status` says otherwise); times without offset are the event's."""
        session = _write(get_event(slug, manage=True), data)
        return session, 201, {"Location": url_for(".session", session_id=session.id)}


@blp.route(f"/sessions/{SESSION_ID}", endpoint="session")
class SessionDetail(MethodView):
    @token_optional
    @blp.response(200, SessionSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, session_id):
        """One session; drafts and sessions of unpublished agendas only for organisers."""
        return get_session(session_id, organiser=is_organiser(g.api_user))

    @organiser_token_required
    @blp.arguments(SessionPatchSchema(partial=True))
    @blp.response(200, SessionSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, schema=AgendaRefusalSchema, description="The room is taken (reason room_taken).")
    def patch(self, data, session_id):
        """Change some fields; `people` replaces all people; cancel with {"status": "cancelled"}."""
        session = get_session(session_id, organiser=True)
        return _write(session.event, data, session)

    @organiser_token_required
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, schema=AgendaRefusalSchema, description="Published: cancel it instead (reason published).")
    def delete(self, session_id):
        """Delete a session; one of a published agenda is refused (PATCH its status to cancelled)."""
        session = get_session(session_id, organiser=True)
        try:
            with atomic():
                services.delete_session(session, Actor.for_user(g.api_user))
        except ValidationError as error:
            raise refusal(409, "published", error.errors["status"][0], "status") from None


@blp.route(f"/sessions/{SESSION_ID}/signups", endpoint="signups")
class SessionSignUps(MethodView):
    @organiser_token_required
    @blp.arguments(SignUpInputSchema)
    @blp.response(201, SignUpSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, schema=AgendaRefusalSchema, description="No sign-ups (closed) or an overlap.")
    @blp.alt_response(422, schema=AgendaRefusalSchema, description="Invalid input (field errors), or the person "
                                                                   "is not confirmed for this event (reason not_eligible).")
    def post(self, data, session_id):
        """Sign a registration up: confirmed, or waitlisted when full; 422 unless confirmed for this event."""
        session = get_session(session_id, organiser=True)
        registration = db.session.get(Registration, data["registration_id"])
        if registration is None:
            abort(422, message=_("The input is not valid."),
                  errors={"json": {"registration_id": [_("No such registration.")]}})
        with refusals():
            signup = signups.sign_up(session, registration, Actor.for_user(g.api_user))
        return {"status": signup.status, "waitlist_position": signups.signup_position(signup),
                "registration_id": registration.id, "session_id": session.id}, 201


def _event_items(model, slug: str, *order):
    """An event's rooms or tracks, for a caller who may read its agenda."""
    event = agenda_event(slug)
    return db.session.scalars(select(model).where(model.event_id == event.id).order_by(*order)).all()


@blp.route("/events/<slug>/rooms", endpoint="rooms")
class Rooms(MethodView):
    @token_optional
    @blp.response(200, RoomSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug):
        """The event's rooms in timetable order (all of them: an event has a handful)."""
        return _event_items(Room, slug, Room.position, Room.name)


@blp.route("/events/<slug>/tracks", endpoint="tracks")
class Tracks(MethodView):
    @token_optional
    @blp.response(200, TrackSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, slug):
        """The event's tracks by name."""
        return _event_items(Track, slug, Track.name)
