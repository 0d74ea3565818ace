"""Reading a participant's meetings: their requests and meetings, whom they may ask, one of theirs by id."""
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from eventhub.core.validation import as_id
from eventhub.extensions import db
from eventhub.meetings.models import Meeting, MeetingParticipant, MeetingRequest, MeetingSlot
from eventhub.registration.models import Registration


def requests_of(registration: Registration) -> list[MeetingRequest]:
    """The person's requests, sent and received, newest first."""
    query = (select(MeetingRequest)
             .where((MeetingRequest.requester_id == registration.id) | (MeetingRequest.recipient_id == registration.id))
             .options(selectinload(MeetingRequest.proposals), selectinload(MeetingRequest.requester),
                      selectinload(MeetingRequest.recipient))
             .order_by(MeetingRequest.created_at.desc(), MeetingRequest.id.desc()))
    return list(db.session.scalars(query))


def meetings_of(registration: Registration, include_cancelled: bool = False) -> list[Meeting]:
    """The person's meetings by time (standing ones, or every one for the calendar feed)."""
    mine = select(MeetingParticipant.meeting_id).where(MeetingParticipant.registration_id == registration.id)
    query = (select(Meeting).join(MeetingSlot, Meeting.slot_id == MeetingSlot.id).where(Meeting.id.in_(mine))
             .options(selectinload(Meeting.participants).selectinload(MeetingParticipant.registration))
             .order_by(MeetingSlot.start_at, Meeting.id))
    if not include_cancelled:
        query = query.where(Meeting.status == "confirmed")
    return list(db.session.scalars(query))


def partners(registration: Registration) -> list[Registration]:
    """Whom the person may ask: the event's other confirmed participants who agreed to be listed, by name."""
    query = select(Registration).where(
        Registration.event_id == registration.event_id, Registration.status == "confirmed", Registration.listed,
        Registration.id != registration.id).order_by(func.lower(Registration.full_name), Registration.id)
    return list(db.session.scalars(query))


def request_of(registration: Registration, request_id) -> MeetingRequest | None:
    """One of the person's requests by id, None for anyone else's."""
    found = db.session.get(MeetingRequest, as_id(request_id) or 0)
    if found is None or registration.id not in (found.requester_id, found.recipient_id):
        return None
    return found


def meeting_of(registration: Registration, meeting_id) -> Meeting | None:
    """One of the person's meetings by id, None for anyone else's."""
    found = db.session.get(Meeting, as_id(meeting_id) or 0)
    if found is None or registration.id not in {p.registration_id for p in found.participants}:
        return None
    return found
