"""What the trail pages say about an entry: its kind of object, the object's name and page, and
the action in words.

Entries name their object only by audit_type and id; here each kind gets a label, the columns that
name one of its objects and the organisers' page that shows it. Names are looked up once per kind
on a page (never once per entry), and an object that is gone keeps its kind and number, without a
link.
"""
from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eventhub.agenda.models import AgendaSession, Room, SessionKind, SignUp, Track
from eventhub.auth.models import ApiToken, User
from eventhub.checkin.models import CheckIn
from eventhub.core.text import fold
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.letters.models import VisaLetter
from eventhub.meetings.models import Meeting, MeetingArea, MeetingRequest, MeetingSettings, MeetingWindow
from eventhub.members.models import Network, Organisation, Region
from eventhub.registration.models import Delegation, Question, Registration


@dataclass(frozen=True)
class Kind:
    """One kind of object in the trail."""

    label: object  # lazy text, e.g. "Session"
    model: type
    # Columns that name one object, joined by " · " (the first non-empty ones).
    names: tuple
    # Relationships to join for those columns (outer joins: a missing one leaves its name blank).
    joins: tuple = ()
    # The organisers' page of one object, and the argument it takes; None when there is no such page.
    endpoint: str | None = None
    argument: str | None = None
    # The column holding that argument, when it is not the object's own id (a sign-up opens its session).
    target: object = None
    # Kinds that belong to an event: their pages sit under the event's address.
    in_event: bool = True


KINDS = {
    Event.audit_type: Kind(_l("Event"), Event, (Event.title,), endpoint="events.edit"),
    Registration.audit_type: Kind(_l("Registration"), Registration, (Registration.full_name, Registration.email),
                                  endpoint="registration_admin.detail", argument="registration_id"),
    Delegation.audit_type: Kind(_l("Delegation"), Delegation, (Delegation.head_name, Delegation.organisation_name)),
    Question.audit_type: Kind(_l("Question"), Question, (Question.label,),
                              endpoint="registration_admin.edit_question", argument="question_id"),
    AgendaSession.audit_type: Kind(_l("Session"), AgendaSession, (AgendaSession.title,),
                                   endpoint="agenda_admin.edit_session", argument="session_id"),
    Room.audit_type: Kind(_l("Room"), Room, (Room.name,), endpoint="agenda_admin.edit_room", argument="room_id"),
    Track.audit_type: Kind(_l("Track"), Track, (Track.name,), endpoint="agenda_admin.edit_track", argument="track_id"),
    SessionKind.audit_type: Kind(_l("Session kind"), SessionKind, (SessionKind.name,),
                                 endpoint="agenda_admin.edit_kind", argument="kind_id"),
    SignUp.audit_type: Kind(_l("Sign-up"), SignUp, (Registration.full_name, AgendaSession.title),
                            joins=(SignUp.registration, SignUp.session), endpoint="agenda_admin.edit_session",
                            argument="session_id", target=SignUp.session_id),
    CheckIn.audit_type: Kind(_l("Check-in"), CheckIn, (Registration.full_name, CheckIn.station),
                             joins=(CheckIn.registration,), endpoint="registration_admin.detail",
                             argument="registration_id", target=CheckIn.registration_id),
    Organisation.audit_type: Kind(_l("Member record"), Organisation, (Organisation.name, Organisation.country),
                                  endpoint="members.detail", argument="id", in_event=False),
    Network.audit_type: Kind(_l("Network"), Network, (Network.name,), endpoint="members.network_detail",
                             argument="id", in_event=False),
    Region.audit_type: Kind(_l("World region"), Region, (Region.name,), endpoint="members.regions", in_event=False),
    User.audit_type: Kind(_l("Account"), User, (User.full_name, User.email), in_event=False),
    ApiToken.audit_type: Kind(_l("API token"), ApiToken, (ApiToken.name, User.email), joins=(ApiToken.user,),
                              in_event=False),
    # Connecting leaders: meetings open on the organisers' meetings page, letters on the letters page.
    MeetingSettings.audit_type: Kind(_l("Meeting settings"), MeetingSettings, (), endpoint="meetings_admin.index"),
    MeetingArea.audit_type: Kind(_l("Meeting table"), MeetingArea, (MeetingArea.name,),
                                 endpoint="meetings_admin.index"),
    MeetingWindow.audit_type: Kind(_l("Meeting window"), MeetingWindow, (), endpoint="meetings_admin.index"),
    MeetingRequest.audit_type: Kind(_l("Meeting request"), MeetingRequest, (Registration.full_name,),
                                    joins=(MeetingRequest.requester,), endpoint="meetings_admin.index"),
    Meeting.audit_type: Kind(_l("Meeting"), Meeting, (MeetingArea.name,), joins=(Meeting.area,),
                             endpoint="meetings_admin.index"),
    VisaLetter.audit_type: Kind(_l("Visa letter"), VisaLetter, (Registration.full_name,),
                                joins=(VisaLetter.registration,), endpoint="letters.admin_list"),
}

# Actions in words; an action not listed here reads as its kind and verb ("Session: people").
ACTIONS = {
    "event.created": _l("Event created"),
    "event.updated": _l("Event details changed"),
    "event.published": _l("Event published"),
    "event.unpublished": _l("Event returned to draft"),
    "event.cancelled": _l("Event cancelled"),
    "event.badges_printed": _l("Badges marked printed"),
    "event.anonymised": _l("Registrations anonymised"),
    "event.image_saved": _l("Event image uploaded or described"),
    "event.image_removed": _l("Event image removed"),
    "agenda.published": _l("Agenda published"),
    "agenda.unpublished": _l("Agenda withdrawn from the public"),
    "registration.unconfirmed": _l("Registered, address not confirmed yet"),
    "registration.pending": _l("Registered, waiting for approval"),
    "registration.confirmed": _l("Registration confirmed"),
    "registration.waitlisted": _l("Put on the waiting list"),
    "registration.cancelled": _l("Registration cancelled"),
    "registration.rejected": _l("Registration rejected"),
    "registration.promoted": _l("Promoted from the waiting list"),
    "registration.reactivated": _l("Registered again"),
    "registration.updated": _l("Registration details changed"),
    "registration.address_confirmed": _l("E-mail address confirmed"),
    "registration.linked": _l("Linked to a member record"),
    "registration.badge_reissued": _l("New badge code issued"),
    "registration.calendar_rotated": _l("Calendar link renewed"),
    "delegation.created": _l("Delegation registered"),
    "delegation.confirmed": _l("Delegation address confirmed"),
    "question.created": _l("Question added"),
    "question.updated": _l("Question changed"),
    "question.moved": _l("Question moved"),
    "question.deleted": _l("Question deleted"),
    "session.created": _l("Session created"),
    "session.updated": _l("Session changed"),
    "session.deleted": _l("Session deleted"),
    "session.people": _l("Speakers set"),
    "room.created": _l("Room added"),
    "room.updated": _l("Room changed"),
    "room.moved": _l("Room moved in the timetable"),
    "room.deleted": _l("Room deleted"),
    "track.created": _l("Track added"),
    "track.updated": _l("Track changed"),
    "track.deleted": _l("Track deleted"),
    "session_kind.created": _l("Session kind added"),
    "session_kind.updated": _l("Session kind changed"),
    "signup.confirmed": _l("Signed up for a session"),
    "signup.waitlisted": _l("On a session's waiting list"),
    "signup.promoted": _l("Given a place in a session"),
    "signup.cancelled": _l("Session sign-up cancelled"),
    "checkin.undone": _l("Check-in undone"),
    "organisation.created": _l("Member record created"),
    "organisation.updated": _l("Member record changed"),
    "network.created": _l("Network created"),
    "network.updated": _l("Network changed"),
    "region.created": _l("World region added"),
    "user.created": _l("Account created"),
    "user.updated": _l("Account changed"),
    "user.password_changed": _l("Password changed"),
    "api_token.created": _l("API token created"),
    "api_token.revoked": _l("API token revoked"),
}

# The actors that are no account, as people read them.
ACTORS = {
    "registrant": _l("The participant (personal link)"),
    "system": _l("EventHub (automatic)"),
    "cli": _l("Command line"),
}


@dataclass(frozen=True)
class Subject:
    """The object of an entry as a page shows it."""

    kind: object
    name: str
    url: str | None = None


def kind_label(subject_type: str):
    """The kind of object in words; an unknown kind (a newer or an older one) as it is stored."""
    kind = KINDS.get(subject_type)
    return kind.label if kind else subject_type


def kind_choices(in_event: bool) -> list[tuple[str, object]]:
    """(subject_type, label) of the kinds a trail can show: an event's, or every one."""
    return sorted(((name, kind.label) for name, kind in KINDS.items() if kind.in_event or not in_event),
                  key=lambda pair: fold(str(pair[1])))  # in the language being spoken, accents ignored


def action_words(action: str) -> str:
    """An action as a sentence for people, e.g. "session.updated" -> "Session changed"."""
    if action in ACTIONS:
        return ACTIONS[action]
    subject_type, _dot, verb = action.partition(".")
    return _("%(kind)s: %(action)s", kind=kind_label(subject_type), action=verb.replace("_", " "))


def actor_words(actor: str) -> str:
    """Who acted, for people: an account's address as it is, the others in words."""
    return ACTORS.get(actor, actor)


def _names(subject_type: str, ids: set[int]) -> dict[int, tuple[str, int | None]]:
    """{id: (name, link argument)} of the objects of one kind that still exist; one query."""
    kind = KINDS[subject_type]
    query = select(kind.model.id, kind.target if kind.target is not None else kind.model.id, *kind.names)
    for relationship in kind.joins:
        query = query.outerjoin(relationship)
    rows = db.session.execute(query.where(kind.model.id.in_(ids)))
    return {row[0]: (" · ".join(str(part) for part in row[2:] if part) or f"#{row[0]}", row[1]) for row in rows}


def _url(kind: Kind, argument, slug: str | None) -> str | None:
    """The organisers' page of an object, when there is one and its address is complete."""
    if kind.endpoint is None or (kind.in_event and slug is None):
        return None
    values = {"slug": slug} if kind.in_event else {}
    if kind.argument:
        if argument is None:
            return None
        values[kind.argument] = argument
    return url_for(kind.endpoint, **values)


def subjects(entries, slugs: dict[int, str]) -> dict[int, Subject]:
    """{entry id: Subject} for a page of entries; `slugs` gives each event's address by its id.

    One query per kind of object on the page, whatever the number of entries.
    """
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.subject_type in KINDS:
            wanted.setdefault(entry.subject_type, set()).add(entry.subject_id)
    found = {subject_type: _names(subject_type, ids) for subject_type, ids in wanted.items()}
    result = {}
    for entry in entries:
        kind = KINDS.get(entry.subject_type)
        name, argument = found.get(entry.subject_type, {}).get(entry.subject_id, (None, None))
        if kind is None or name is None:
            # Gone (or of a kind this page does not know): its number still tells entries about it apart.
            result[entry.id] = Subject(kind_label(entry.subject_type), f"#{entry.subject_id}")
        else:
            result[entry.id] = Subject(kind.label, name, _url(kind, argument, slugs.get(entry.event_id)))
    return result


def account_names(entries) -> dict[int, str]:
    """{user id: full name} of the accounts that acted in these entries; one query."""
    ids = {entry.user_id for entry in entries if entry.user_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())
