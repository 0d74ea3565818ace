"""The rules of bilateral meetings: request, accept one slot, propose another, decline, withdraw, cancel.

Acceptance books a free table under the capacity lock (eventhub.core.capacity): the request's row is
locked first, then the slot's, so every booking in one slot queues behind the one before it and
counts the tables and people it left; the database's unique constraints (models.py) stand behind it.
Each change is audited and mailed, in the caller's unit of work; services never commit.
"""
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select, update

from eventhub.audit.services import Actor, record
from eventhub.core import capacity
from eventhub.core.errors import Refused, ValidationError
from eventhub.core.types import utcnow
from eventhub.core.validation import as_id, clean_text
from eventhub.extensions import db
from eventhub.meetings import notifications
from eventhub.meetings.availability import busy_slot_ids
from eventhub.meetings.models import (
    OPEN_STATUSES,
    Meeting,
    MeetingArea,
    MeetingParticipant,
    MeetingRequest,
    MeetingSlot,
    ProposedSlot,
)
from eventhub.meetings.setup import max_open_requests
from eventhub.registration.models import Registration

MAX_PROPOSED = 3
MESSAGE_LIMIT = 1000


def _refuse_field(field: str, message: str):
    raise ValidationError({field: [message]})


def _slots(event_id: int, values, field: str = "slot_ids") -> list[MeetingSlot]:
    """One to three distinct future slots of the event, from raw ids."""
    raw = values if isinstance(values, (list, tuple)) else [values]
    ids = [as_id(value) for value in raw if value not in (None, "")]
    if not ids:
        _refuse_field(field, _("Propose at least one time."))
    if None in ids:
        _refuse_field(field, _("Choose times from the list."))
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_PROPOSED:
        _refuse_field(field, _("Propose at most %(count)d times.", count=MAX_PROPOSED))
    found = list(db.session.scalars(select(MeetingSlot).where(MeetingSlot.id.in_(ids),
                                                              MeetingSlot.event_id == event_id)))
    if len(found) != len(ids):
        _refuse_field(field, _("Choose times from the list."))
    if any(slot.start_at <= utcnow() for slot in found):
        _refuse_field(field, _("One of these times has passed."))
    return sorted(found, key=lambda slot: slot.start_at)


def _check_free(slots: list[MeetingSlot], people: list[Registration], field: str = "slot_ids") -> None:
    """Refuse slots in which either person is in a session they chose or in another meeting."""
    for person in people:
        busy = busy_slot_ids(person.id, slots)
        if busy:
            _refuse_field(field, _("%(name)s is not free at one of these times: choose others.", name=person.full_name))


def _participant(registration: Registration, event_id: int) -> None:
    if registration.event_id != event_id or registration.status != "confirmed":
        raise Refused("not_eligible", _("Only confirmed participants of this event can meet."))


def open_requests_sent(registration: Registration) -> int:
    """How many unanswered requests the person has sent."""
    return capacity.count(select(MeetingRequest.id).where(MeetingRequest.requester_id == registration.id,
                                                         MeetingRequest.status.in_(OPEN_STATUSES)))


def request_meeting(requester: Registration, recipient: Registration | None, data: dict,
                    actor: Actor) -> MeetingRequest:
    """Ask another confirmed, listed participant of the same event for a meeting in one of 1-3 slots
    where both are free. Anti-spam: at most the event's number of open requests, none to someone who declined."""
    capacity.lock(Registration, requester.id)  # one person's requests are counted one at a time
    event_id = requester.event_id
    _participant(requester, event_id)
    if recipient is None or recipient.event_id != event_id or recipient.status != "confirmed" or not recipient.listed:
        _refuse_field("recipient_id", _("Choose a participant from the list."))
    if recipient.id == requester.id:
        _refuse_field("recipient_id", _("Choose someone other than yourself."))
    message = clean_text(data.get("message"), multiline=True) or None
    if message and len(message) > MESSAGE_LIMIT:
        _refuse_field("message", _("At most %(limit)d characters.", limit=MESSAGE_LIMIT))
    pair = ((MeetingRequest.requester_id == requester.id) & (MeetingRequest.recipient_id == recipient.id))
    declined = db.session.scalar(select(MeetingRequest.id).where(pair, MeetingRequest.status == "declined").limit(1))
    if declined is not None:
        raise Refused("declined_before", _("%(name)s is not taking a meeting with you at this event.",
                                           name=recipient.full_name))
    either_way = pair | ((MeetingRequest.requester_id == recipient.id) & (MeetingRequest.recipient_id == requester.id))
    if db.session.scalar(select(MeetingRequest.id).where(either_way, MeetingRequest.status.in_(OPEN_STATUSES)).limit(1)):
        raise Refused("duplicate", _("There is already an open request between you and %(name)s.",
                                     name=recipient.full_name))
    limit = max_open_requests(requester.event)
    if open_requests_sent(requester) >= limit:
        raise Refused("too_many", ngettext(
            "You have %(num)d request waiting for an answer, the most this event allows. Wait for the answer, "
            "or withdraw it.",
            "You have %(num)d requests waiting for an answer, the most this event allows. Wait for answers, "
            "or withdraw one.", limit))
    slots = _slots(event_id, data.get("slot_ids"))
    _check_free(slots, [requester, recipient])
    meeting_request = MeetingRequest(event_id=event_id, requester=requester, recipient=recipient, message=message,
                                     status="requested", awaiting_id=recipient.id)
    meeting_request.proposals = [ProposedSlot(slot=slot, round=0) for slot in slots]
    db.session.add(meeting_request)
    db.session.flush()
    record(actor, "meeting_request.created", meeting_request, event_id,
           {"requester": requester.email, "recipient": recipient.email, "slots": [s.start_at.isoformat() for s in slots]})
    notifications.notify_request(meeting_request, "requested")
    return meeting_request


def _lock_request(meeting_request: MeetingRequest) -> MeetingRequest:
    """Lock the request's row and read it afresh (another answer may have come first)."""
    capacity.lock(MeetingRequest, meeting_request.id)
    db.session.refresh(meeting_request)
    return meeting_request


def _still_open(meeting_request: MeetingRequest) -> None:
    """Refuse an answer to a request that is no longer open (answered, withdrawn or cancelled meanwhile)."""
    if meeting_request.status not in OPEN_STATUSES:
        raise Refused("wrong_status", _("This request is %(status)s already.", status=meeting_request.status_label.lower()))


def _awaiting(meeting_request: MeetingRequest, by: Registration) -> None:
    _still_open(meeting_request)
    if meeting_request.awaiting_id != by.id:
        raise Refused("not_yours", _("This request waits for the other person's answer."))


def accept(meeting_request: MeetingRequest, slot_id, by: Registration, actor: Actor) -> Meeting:
    """Accept one of the proposed slots: the meeting is booked at the first free table of that slot."""
    _lock_request(meeting_request)
    _awaiting(meeting_request, by)
    slot = next((s for s in meeting_request.open_slots if s.id == as_id(slot_id)), None)
    if slot is None:
        _refuse_field("slot_id", _("Choose one of the proposed times."))
    capacity.lock(MeetingSlot, slot.id)
    people = [meeting_request.requester, meeting_request.recipient]
    for person in people:
        db.session.refresh(person)
        _participant(person, meeting_request.event_id)
    if slot.start_at <= utcnow():
        _refuse_field("slot_id", _("One of these times has passed."))
    _check_free([slot], people, field="slot_id")
    taken = select(Meeting.area_id).where(Meeting.active_slot_id == slot.id)
    area = db.session.scalars(select(MeetingArea).where(
        MeetingArea.event_id == meeting_request.event_id, MeetingArea.id.not_in(taken)
    ).order_by(MeetingArea.position, MeetingArea.id).limit(1)).first()
    if area is None:
        raise Refused("no_table", _("Every table is taken at that time: propose another time."), "slot_id")
    meeting = Meeting(event_id=meeting_request.event_id, request=meeting_request, slot=slot, active_slot_id=slot.id,
                      area=area, status="confirmed")
    meeting.participants = [MeetingParticipant(registration=person, active_slot_id=slot.id) for person in people]
    meeting_request.status, meeting_request.awaiting_id = "accepted", None
    db.session.add(meeting)
    db.session.flush()
    record(actor, "meeting_request.accepted", meeting_request, meeting_request.event_id,
           {"by": by.email, "slot": slot.start_at.isoformat()})
    record(actor, "meeting.created", meeting, meeting.event_id,
           {"table": area.name, "slot": slot.start_at.isoformat(), "people": [p.email for p in people]})
    notifications.notify_meeting(meeting, "confirmed")
    return meeting


def propose(meeting_request: MeetingRequest, data: dict, by: Registration, actor: Actor) -> MeetingRequest:
    """Answer with other times (1-3 slots where both are free); the other side then accepts one of them."""
    _lock_request(meeting_request)
    _awaiting(meeting_request, by)
    slots = _slots(meeting_request.event_id, data.get("slot_ids"))
    other = meeting_request.other(by.id)
    _check_free(slots, [by, other])
    next_round = max((p.round for p in meeting_request.proposals), default=0) + 1
    existing = {p.slot_id: p for p in meeting_request.proposals}
    for slot in slots:
        if slot.id in existing:
            existing[slot.id].round = next_round
        else:
            meeting_request.proposals.append(ProposedSlot(slot=slot, round=next_round))
    meeting_request.status, meeting_request.awaiting_id = "counter_proposed", other.id
    db.session.flush()
    record(actor, "meeting_request.counter_proposed", meeting_request, meeting_request.event_id,
           {"by": by.email, "slots": [s.start_at.isoformat() for s in slots]})
    notifications.notify_request(meeting_request, "counter_proposed", to=other)
    return meeting_request


def decline(meeting_request: MeetingRequest, by: Registration, actor: Actor) -> MeetingRequest:
    """The person asked says no (the requester then cannot ask them again at this event)."""
    _lock_request(meeting_request)
    if meeting_request.recipient_id != by.id:
        raise Refused("not_yours", _("Only the person asked can decline; you may withdraw your request."))
    _still_open(meeting_request)
    meeting_request.status, meeting_request.awaiting_id = "declined", None
    record(actor, "meeting_request.declined", meeting_request, meeting_request.event_id, {"by": by.email})
    notifications.notify_request(meeting_request, "declined", to=meeting_request.requester)
    return meeting_request


def withdraw(meeting_request: MeetingRequest, by: Registration, actor: Actor) -> MeetingRequest:
    """The requester takes back an unanswered request."""
    _lock_request(meeting_request)
    if meeting_request.requester_id != by.id:
        raise Refused("not_yours", _("Only the person who asked can withdraw a request; you may decline it."))
    _still_open(meeting_request)
    meeting_request.close()
    record(actor, "meeting_request.cancelled", meeting_request, meeting_request.event_id, {"by": by.email})
    notifications.notify_request(meeting_request, "withdrawn", to=meeting_request.recipient)
    return meeting_request


def cancel_meeting(meeting: Meeting, by: Registration | None, actor: Actor, notify: bool = True) -> Meeting:
    """Either person (or an organiser: by None) cancels; the table is free again and the calendars withdraw it."""
    if meeting.request_id is not None:  # the same order as accept(): the request first, then the slot
        capacity.lock(MeetingRequest, meeting.request_id)
    capacity.lock(MeetingSlot, meeting.slot_id)
    db.session.refresh(meeting)
    if by is not None and by.id not in {p.registration_id for p in meeting.participants}:
        raise Refused("not_yours", _("This is not your meeting."))
    if meeting.status != "confirmed":
        raise Refused("wrong_status", _("This meeting is cancelled already."))
    meeting.status, meeting.active_slot_id = "cancelled", None
    meeting.sequence += 1
    for participant in meeting.participants:
        participant.active_slot_id = None
    if meeting.request is not None:
        meeting.request.status = "cancelled"
    db.session.flush()
    record(actor, "meeting.cancelled", meeting, meeting.event_id, {"by": by.email if by else actor.label})
    if notify:
        notifications.notify_meeting(meeting, "cancelled", by=by)
    return meeting


def release(registration: Registration, actor: Actor) -> None:
    """Someone left the event: their meetings are cancelled (the other side is told), their open requests closed."""
    mine = select(MeetingParticipant.meeting_id).where(MeetingParticipant.registration_id == registration.id,
                                                       MeetingParticipant.active_slot_id.is_not(None))
    for meeting in db.session.scalars(select(Meeting).where(Meeting.id.in_(mine)).order_by(Meeting.slot_id)):
        cancel_meeting(meeting, None, actor)
    open_ones = select(MeetingRequest).where(
        (MeetingRequest.requester_id == registration.id) | (MeetingRequest.recipient_id == registration.id),
        MeetingRequest.status.in_(OPEN_STATUSES))
    for meeting_request in db.session.scalars(open_ones):
        meeting_request.close()
        record(actor, "meeting_request.cancelled", meeting_request, meeting_request.event_id,
               {"registration": registration.status})


def call_off(event, actor: Actor) -> None:
    """The event is cancelled: its meetings are cancelled (the event's own notice tells everyone, so no mail
    per meeting; the calendar feeds withdraw them) and its open requests closed."""
    booked = select(Meeting).where(Meeting.event_id == event.id, Meeting.status == "confirmed").order_by(Meeting.slot_id)
    for meeting in db.session.scalars(booked):
        cancel_meeting(meeting, None, actor, notify=False)
    open_ones = select(MeetingRequest).where(MeetingRequest.event_id == event.id,
                                             MeetingRequest.status.in_(OPEN_STATUSES))
    for meeting_request in db.session.scalars(open_ones):
        meeting_request.close()
        record(actor, "meeting_request.cancelled", meeting_request, event.id, {"reason": "event cancelled"})


def forget_messages(event_id: int) -> None:
    """Blank the messages of every meeting request of the event (its registrations were anonymised)."""
    db.session.execute(update(MeetingRequest).where(MeetingRequest.event_id == event_id,
                                                    MeetingRequest.message.is_not(None)).values(message=None)
                       .execution_options(synchronize_session=False))
