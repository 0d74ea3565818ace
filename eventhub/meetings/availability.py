"""When a participant is free for a meeting: not in a session they signed up for or starred, not in another meeting."""
from sqlalchemy import select

from eventhub.agenda.models import AgendaSession, SignUp, Star
from eventhub.extensions import db
from eventhub.meetings.models import MeetingParticipant, MeetingSlot

LIVE_SIGNUPS = ("confirmed", "waitlisted")


def busy_slot_ids(registration_id: int, slots: list[MeetingSlot], exclude_meeting_id: int | None = None) -> set[int]:
    """The ids of those slots in which the person is busy (two queries, whatever the number of slots)."""
    if not slots:
        return set()
    first, last = min(s.start_at for s in slots), max(s.end_at for s in slots)
    starred = select(Star.session_id).where(Star.registration_id == registration_id)
    signed = select(SignUp.session_id).where(SignUp.registration_id == registration_id,
                                             SignUp.status.in_(LIVE_SIGNUPS))
    sessions = db.session.execute(select(AgendaSession.start_at, AgendaSession.end_at).where(
        AgendaSession.id.in_(starred.union(signed)), AgendaSession.status == "scheduled",
        AgendaSession.start_at < last, AgendaSession.end_at > first)).all()
    meetings = select(MeetingSlot.start_at, MeetingSlot.end_at).join(
        MeetingParticipant, MeetingParticipant.active_slot_id == MeetingSlot.id).where(
        MeetingParticipant.registration_id == registration_id, MeetingSlot.start_at < last, MeetingSlot.end_at > first)
    if exclude_meeting_id is not None:
        meetings = meetings.where(MeetingParticipant.meeting_id != exclude_meeting_id)
    taken = sessions + db.session.execute(meetings).all()
    return {slot.id for slot in slots if any(start < slot.end_at and end > slot.start_at for start, end in taken)}


def free_slots(registration_ids: list[int], slots: list[MeetingSlot]) -> list[MeetingSlot]:
    """The slots in which every one of these people is free."""
    busy = set()
    for registration_id in registration_ids:
        busy |= busy_slot_ids(registration_id, slots)
    return [slot for slot in slots if slot.id not in busy]
