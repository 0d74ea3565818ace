"""What organisers learn from the meetings of an event: requests and their answers, meetings per slot and per
table, and who met whom by world region (the network's own measure of connecting leaders), also as CSV."""
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.meetings.models import Meeting, MeetingParticipant, MeetingRequest
from eventhub.members.models import Organisation
from eventhub.registration.models import Registration


@dataclass
class Overview:
    requests: dict[str, int]
    total: int
    acceptance: int | None  # percent of the answered requests (accepted or declined) that were accepted
    per_slot: dict[int, int]
    per_area: dict[int, int]
    meetings: int
    regions: list[str] = field(default_factory=list)  # the matrix's rows and columns, "" for none known
    matrix: dict[tuple[str, str], int] = field(default_factory=dict)


def _standing(event: Event):
    return (Meeting.event_id == event.id) & (Meeting.status == "confirmed")


def standing_meetings(event: Event) -> list[Meeting]:
    """The booked meetings with their two people and their organisations' regions, by time and table."""
    query = (select(Meeting).where(_standing(event))
             .options(selectinload(Meeting.participants).selectinload(MeetingParticipant.registration)
                      .selectinload(Registration.organisation).selectinload(Organisation.region))
             .order_by(Meeting.slot_id, Meeting.area_id))
    return list(db.session.scalars(query))


def region_of(registration: Registration) -> str:
    """The world region of the person's member organisation, in the reader's language; "" when unknown."""
    organisation = registration.organisation
    return organisation.region.display_name if organisation and organisation.region else ""


def overview(event: Event) -> Overview:
    """Every figure of the organisers' overview, in a handful of queries."""
    by_status = dict(db.session.execute(select(MeetingRequest.status, func.count()).where(
        MeetingRequest.event_id == event.id).group_by(MeetingRequest.status)).all())
    answered = by_status.get("accepted", 0) + by_status.get("declined", 0)
    standing = _standing(event)
    per_slot = dict(db.session.execute(select(Meeting.slot_id, func.count()).where(standing)
                                       .group_by(Meeting.slot_id)).all())
    per_area = dict(db.session.execute(select(Meeting.area_id, func.count()).where(standing)
                                       .group_by(Meeting.area_id)).all())
    matrix = Counter()
    for meeting in standing_meetings(event):
        first, second = sorted(region_of(p.registration) for p in meeting.participants)
        matrix[(first, second)] += 1
        if first != second:
            matrix[(second, first)] += 1
    regions = sorted({region for pair in matrix for region in pair}, key=lambda name: (name == "", name))
    return Overview(requests=by_status, total=sum(by_status.values()),
                    acceptance=round(100 * by_status.get("accepted", 0) / answered) if answered else None,
                    per_slot=per_slot, per_area=per_area, meetings=sum(per_slot.values()),
                    regions=regions, matrix=dict(matrix))


def csv_rows(event: Event):
    """The header and rows of the meetings export: one row per booked meeting, times in the event's timezone."""
    zone = ZoneInfo(event.timezone)
    header = [_("Date"), _("Starts"), _("Ends"), _("Table"),
              _("Participant"), _("Organisation"), _("Country"), _("Region"),
              _("Participant"), _("Organisation"), _("Country"), _("Region")]

    def person(registration: Registration) -> list[str]:
        organisation = registration.organisation
        return [registration.full_name, registration.organisation_display,
                organisation.country if organisation and organisation.country else "", region_of(registration)]

    def rows():
        for meeting in standing_meetings(event):
            start, end = meeting.slot.start_at.astimezone(zone), meeting.slot.end_at.astimezone(zone)
            people = [p.registration for p in meeting.participants]
            yield [start.date().isoformat(), start.strftime("%H:%M"), end.strftime("%H:%M"), meeting.area.name,
                   *person(people[0]), *person(people[1])]

    return header, rows()
