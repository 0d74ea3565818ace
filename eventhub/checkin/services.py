"""The door's one write: a scanned code becomes a stored scan whose outcome is ok, duplicate or invalid.

Exactly once: the first valid scan of a registration on an event day is its check-in, the later
ones are duplicates that name the first one's time and station. Two stations scanning the same
badge at the same instant queue on the registration's row lock (eventhub.core.capacity.lock), so
one of them is the check-in, on SQLite and PostgreSQL alike; the partial unique index on
(registration, day) backs that up. An invalid scan takes no lock: the same scan id sent twice at
the same instant may then hit the scan id's unique index, and the caller retries once (the retry
finds the stored scan). Offline devices replay their scans later with the time they were
made: the earliest scan wins, so a replayed scan made before the online one becomes the check-in.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import make_transient_to_detached

from eventhub.audit.services import Actor, record
from eventhub.badges import services as badges
from eventhub.checkin.models import CheckIn
from eventhub.core import capacity
from eventhub.core.errors import Refused, ValidationError
from eventhub.core.types import utcnow
from eventhub.core.validation import clean_text
from eventhub.extensions import db
from eventhub.registration.models import Registration

# A device clock this far ahead of the server's is wrong: its scan counts as made when received.
CLOCK_SKEW = timedelta(minutes=5)
MAX_STATION, MAX_SCAN_ID = 60, 64


# The door's statements, built once and run on the session's connection (no autoflush: nothing is pending
# when they run). Building a statement and its cache key on every scan cost more than running it.
_INSERT = insert(CheckIn.__table__)
_COLUMNS = tuple(column.key for column in CheckIn.__table__.columns if not column.primary_key)
_STANDING = (CheckIn.outcome == "ok") & CheckIn.undone_at.is_(None)
_CHECK_IN_OF = select(CheckIn.id, CheckIn.scanned_at, CheckIn.station).where(
    CheckIn.registration_id == bindparam("registration_id"), CheckIn.day == bindparam("day"), _STANDING)
_STATION_COUNT = select(func.count()).select_from(CheckIn).where(
    CheckIn.event_id == bindparam("event_id"), CheckIn.day == bindparam("day"), CheckIn.station == bindparam("station"),
    _STANDING)


@dataclass(frozen=True)
class Earlier:
    """The check-in a duplicate repeats: when and where it was made."""

    id: int
    scanned_at: datetime
    station: str


@dataclass(frozen=True)
class Answer:
    """What the scanner shows: the stored scan, the badge lookup behind it, and for a duplicate the first check-in."""

    checkin: CheckIn
    scan: badges.Scan
    first: Earlier | None = None

    @property
    def outcome(self) -> str:
        return self.checkin.outcome


def event_day(event, instant: datetime) -> date:
    """The event day a scan counts for, on the venue's calendar; before the first day (badge pick-up the
    evening before) it counts for the first day, after the last for the last."""
    zone = ZoneInfo(event.timezone)
    first, last = event.start_at.astimezone(zone).date(), event.end_at.astimezone(zone).date()
    return min(max(instant.astimezone(zone).date(), first), last)


def _clean(station, scan_id, scanned_at) -> tuple[str, str | None, datetime | None]:
    """The scan's own fields, checked together; ValidationError names every bad one."""
    problems = {}
    station = clean_text(station) if isinstance(station, str) else ""
    if not station:
        problems["station"] = [_("Name the station (e.g. Gate A).")]
    elif len(station) > MAX_STATION:
        problems["station"] = [_("At most %(n)d characters.", n=MAX_STATION)]
    if scan_id is not None and (not isinstance(scan_id, str) or not 1 <= len(scan_id) <= MAX_SCAN_ID
                                or not scan_id.isascii() or not scan_id.isprintable()):
        problems["scan_id"] = [_("A scan id is 1 to %(n)d plain characters.", n=MAX_SCAN_ID)]
    now = utcnow()
    if scanned_at is not None and (not isinstance(scanned_at, datetime) or scanned_at.tzinfo is None):
        problems["scanned_at"] = [_("A date and time with its UTC offset, e.g. 2027-05-12T08:31:05Z.")]
    if problems:
        raise ValidationError(problems)
    # No device time (an online scan): it is stamped once the scan is decided, so two stations at the
    # same instant are ordered by who got the lock first, never swapped by a microsecond.
    return station, scan_id, None if scanned_at is None or scanned_at > now + CLOCK_SKEW else scanned_at


def record_scan(event, code: str | None, station, actor: Actor, scanned_at: datetime | None = None,
                scan_id: str | None = None) -> Answer:
    """Store one scan at this event's door and say what it means. Sending a scan_id again returns the
    scan stored the first time, unchanged. Raises ValidationError for a bad station, time or id."""
    station, scan_id, scanned_at = _clean(station, scan_id, scanned_at)
    if scan_id is not None and (earlier := _by_scan_id(scan_id)) is not None:
        return _replayed(earlier)
    scan = badges.resolve(code, event.id)
    day = event_day(event, scanned_at or utcnow())
    # Every column given: see _stored.
    checkin = CheckIn(event_id=event.id, registration_id=None, day=day, station=station, user_id=actor.user_id,
                      scanned_at=scanned_at, outcome=None, reason=None, scan_id=scan_id, undone_at=None)
    holder = scan.holder
    if not scan.valid:
        mine = holder is not None and holder.event_id == event.id
        checkin.registration_id = holder.registration_id if mine else None
        checkin.outcome, checkin.reason = "invalid", scan.outcome
        return _stored(Answer(checkin, scan))
    # Two stations at once: the second waits here until the first commits, then sees its check-in.
    capacity.lock(Registration, holder.registration_id)
    if scan_id is not None and (earlier := _by_scan_id(scan_id)) is not None:
        return _replayed(earlier)  # the same scan sent twice at once: the other request stored it
    checkin.scanned_at = scanned_at = scanned_at or utcnow()
    first = _check_in_of(holder.registration_id, day)
    checkin.registration_id = holder.registration_id
    if first is None:
        checkin.outcome = "ok"
    elif scanned_at < first.scanned_at:
        # An offline scan made before the online one arrives late: the earliest scan is the check-in.
        db.session.execute(update(CheckIn).where(CheckIn.id == first.id).values(outcome="duplicate"))
        checkin.outcome, first = "ok", None
    else:
        checkin.outcome = "duplicate"
    return _stored(Answer(checkin, scan, first))


def _stored(answer: Answer) -> Answer:
    """Write the scan with one prebuilt INSERT (a unit-of-work flush cost ~8 times as much CPU on every
    scan), then hand the object to the session as the persistent row it now is. record_scan gives it
    every column, so none is left to load back."""
    checkin = answer.checkin
    checkin.received_at = utcnow()
    checkin.scanned_at = checkin.scanned_at or checkin.received_at
    values = {column: getattr(checkin, column) for column in _COLUMNS}
    checkin.id = db.session.connection().execute(_INSERT, values).inserted_primary_key[0]
    make_transient_to_detached(checkin)
    db.session.add(checkin)
    return answer


def _replayed(earlier: CheckIn) -> Answer:
    """The answer for a scan id already stored: the same outcome, as stored the first time."""
    first = _check_in_of(earlier.registration_id, earlier.day) if earlier.outcome == "duplicate" else None
    outcome = badges.VALID if earlier.outcome != "invalid" else earlier.reason or badges.UNKNOWN
    holder = badges.Holder.of(earlier.registration) if earlier.registration else None
    return Answer(earlier, badges.Scan(outcome, "", holder), first)


def refusal_text(reason: str | None) -> str:
    """A stored refusal in words, for a scan answered again from its row (a replayed scan id)."""
    return {badges.UNKNOWN: _("Unknown badge."), badges.REVOKED: _("This badge no longer admits anyone."),
            badges.OTHER_EVENT: _("This badge is for another event."),
            badges.NOT_CONFIRMED: _("This registration holds no place."),
            badges.EVENT_CANCELLED: _("This event was cancelled.")}.get(reason, _("Not valid."))


def _by_scan_id(scan_id: str) -> CheckIn | None:
    return db.session.scalar(select(CheckIn).where(CheckIn.scan_id == scan_id))


def _check_in_of(registration_id: int | None, day: date) -> Earlier | None:
    """The check-in (the first valid scan, not undone) of a registration on a day."""
    if registration_id is None:
        return None
    row = db.session.connection().execute(_CHECK_IN_OF, {"registration_id": registration_id, "day": day}).first()
    return Earlier(*row) if row else None


def undo(checkin: CheckIn, actor: Actor) -> CheckIn:
    """Take back a check-in made by mistake: the person counts as not arrived that day; audited."""
    if checkin.outcome != "ok" or checkin.undone_at is not None:
        raise Refused("not_a_checkin", _("Only a check-in that stands can be undone."))
    checkin.undone_at = utcnow()
    record(actor, "checkin.undone", checkin, checkin.event_id,
           {"registration_id": checkin.registration_id, "day": checkin.day.isoformat(), "station": checkin.station})
    return checkin


def check_in_registration(event, registration: Registration, station, actor: Actor) -> Answer:
    """The manual fallback (a badge left at the hotel): check a person in found by name, as if their badge
    were scanned; a registration without a valid badge is refused the same way its badge would be."""
    badge = badges.valid_badge(registration) if registration.event_id == event.id else None
    return record_scan(event, badge.token if badge else None, station, actor)


def station_count(event, station: str, day: date) -> int:
    """Check-ins standing at one station on one event day."""
    db.session.flush()  # the statement runs on the connection, past the session's autoflush
    return db.session.connection().execute(
        _STATION_COUNT, {"event_id": event.id, "day": day, "station": station}).scalar_one()
