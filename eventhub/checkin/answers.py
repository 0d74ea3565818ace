"""A scan's answer as the scanner shows it: one shape for the API, the scanner page and its offline data."""
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from eventhub.badges import services as badges
from eventhub.checkin import services
from eventhub.core.formatting import format_time_in_zone
from eventhub.core.transaction import atomic


def attendee(holder) -> dict | None:
    """Who the badge belongs to, as the door shows it (a badges.Holder)."""
    if holder is None:
        return None
    # The category's label in the language being spoken (the scanner's), as text for the JSON.
    return {"registration_id": holder.registration_id, "full_name": holder.full_name,
            "position": holder.position, "organisation": holder.organisation,
            "category": holder.category, "category_label": str(holder.category_label)}


def answer_body(answer: services.Answer, event) -> dict:
    """The JSON of a scan: what the scanner page shows."""
    checkin = answer.checkin
    # Another event's attendee is not this door's business: no name for a scan not stored against them.
    holder = None
    if checkin.registration_id is not None:
        holder = answer.scan.holder if answer.scan else badges.Holder.of(checkin.registration)
    first = answer.first
    if checkin.undone_at is not None:
        message = _("Check-in undone.")
    elif checkin.outcome == "ok":
        message = _("Welcome!")
    elif checkin.outcome == "duplicate" and first is not None:
        message = _("Already checked in at %(time)s at %(station)s.",
                    time=format_time_in_zone(first.scanned_at, event.timezone), station=first.station)
    elif checkin.outcome == "duplicate":
        message = _("Already checked in.")
    else:
        message = (answer.scan.reason if answer.scan else "") or services.refusal_text(checkin.reason)
    return {
        "checkin_id": checkin.id, "status": checkin.outcome, "reason": checkin.reason, "message": message,
        "day": checkin.day, "station": checkin.station, "scanned_at": checkin.scanned_at,
        "attendee": attendee(holder),
        "first": {"scanned_at": first.scanned_at, "station": first.station} if first else None,
        "undone": checkin.undone_at is not None,
    }


def as_json(value):
    """An answer with its dates and times in ISO 8601, for the scanner page's fetch (the API's schema does
    the same for the API)."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    return value.isoformat() if hasattr(value, "isoformat") else value


def scan_and_answer(event, record) -> dict:
    """Run `record` (a call of services.record_scan or check_in_registration) in its own unit of work and
    answer it, with the station's count today. The same scan id sent twice at the same instant can hit
    its unique index (services explains when): the second try then finds the stored scan.
    ValidationError goes to the caller, nothing stored."""
    for attempt in range(2):
        try:
            with atomic():
                answer = record()
                body = answer_body(answer, event)
                body["station_count"] = services.station_count(event, answer.checkin.station, answer.checkin.day)
                return body
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable: the second attempt returns or raises")
