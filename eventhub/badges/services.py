"""A badge's life: issued when a registration holds a place, revoked when it leaves, reissued for a
lost badge; and the one question the door asks: what does this scanned code open?

Each confirmed registration has exactly one valid badge. Old codes stay as revoked rows, so a scan
of a lost or cancelled badge says why it is refused instead of "unknown".
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select, update

from eventhub.audit.services import Actor, record
from eventhub.badges import tokens
from eventhub.badges.models import Badge
from eventhub.core.errors import Refused
from eventhub.core.types import utcnow
from eventhub.events.models import CATEGORIES, Event
from eventhub.extensions import db
from eventhub.members.models import Organisation
from eventhub.registration.models import STATUSES, Registration

# What a scan can find (Scan.outcome). Only "valid" opens the door.
VALID, UNKNOWN, REVOKED, OTHER_EVENT, NOT_CONFIRMED = "valid", "unknown", "revoked", "other_event", "not_confirmed"
EVENT_CANCELLED = "event_cancelled"


@dataclass(frozen=True)
class Holder:
    """Whose badge was scanned, as the door shows it: plain values read in the scan's one row."""

    registration_id: int
    event_id: int
    status: str
    full_name: str
    position: str | None
    organisation: str
    category: str

    @property
    def category_label(self) -> str:
        return CATEGORIES.get(self.category, self.category)

    @classmethod
    def of(cls, registration: Registration) -> "Holder":
        return cls(registration.id, registration.event_id, registration.status, registration.full_name,
                   registration.position, registration.organisation_display, registration.category)


@dataclass(frozen=True)
class Scan:
    """The answer for one scanned code: the outcome, the reason in words, and whose badge it is when known."""

    outcome: str
    reason: str
    holder: Holder | None = None

    @property
    def valid(self) -> bool:
        return self.outcome == VALID


def valid_badge(registration: Registration) -> Badge | None:
    """The registration's badge that opens the door now, if any."""
    return db.session.scalar(
        select(Badge).where(Badge.registration_id == registration.id, Badge.revoked_at.is_(None))
    )


def issue(registration: Registration, actor: Actor) -> Badge:
    """Give a confirmed registration its badge; one that has a valid badge keeps it."""
    badge = valid_badge(registration)
    if badge is not None:
        return badge
    token = tokens.new_token()
    badge = Badge(event_id=registration.event_id, registration=registration, token=token,
                  token_digest=tokens.digest(token), issued_at=utcnow())
    db.session.add(badge)
    db.session.flush()
    return badge


def revoke(registration: Registration, reason: str) -> int:
    """Make the registration's valid badge dead (reason: cancelled, rejected, reissued); how many were."""
    result = db.session.execute(
        update(Badge)
        .where(Badge.registration_id == registration.id, Badge.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount


def reissue(registration: Registration, actor: Actor) -> Badge:
    """A lost badge: a new code for the same person, and the old one refused at the door from now on."""
    if registration.status != "confirmed":
        raise Refused("not_confirmed", _("Only a confirmed registration has a badge."))
    old = valid_badge(registration)
    revoke(registration, "reissued")
    # The old row must be revoked in the database before the new one is the registration's valid badge.
    db.session.flush()
    badge = issue(registration, actor)
    record(actor, "registration.badge_reissued", registration, registration.event_id,
           {"badge": [old.id if old else None, badge.id]})
    return badge


# The door's one read: a badge with what the answer shows of its holder and event, as a plain row. Built
# once and run on the session's connection: loading four mapped objects instead cost ~10 times as much
# CPU on every scan (bench/checkin.py).
_DOOR_ROW = (
    select(Badge.event_id, Badge.revoked_at, Badge.revoked_reason, Registration.id, Registration.event_id,
           Registration.status, Registration.full_name, Registration.position,
           func.coalesce(Organisation.name, Registration.organisation_name, ""), Registration.category,
           Event.status, Event.title)
    .join(Registration, Registration.id == Badge.registration_id)
    .join(Event, Event.id == Registration.event_id)
    .outerjoin(Organisation, Organisation.id == Registration.organisation_id)
    .where(Badge.token_digest == bindparam("digest"))
)


def resolve(scanned: str | None, event_id: int) -> Scan:
    """What a code scanned at this event's door opens: valid, unknown, revoked, another event's, or a
    registration that holds no place (pending, waiting list), or an event called off. Writes nothing."""
    code = tokens.normalise(scanned)
    if not tokens.well_formed(code):
        reason = (_("This is not a badge format this system reads.") if tokens.looks_like_ours(code)
                  else _("This is not an EventHub badge."))
        return Scan(UNKNOWN, reason)
    row = db.session.connection().execute(_DOOR_ROW, {"digest": tokens.digest(code)}).first()
    if row is None:
        return Scan(UNKNOWN, _("Unknown badge."))
    badge_event_id, revoked_at, revoked_reason, *person, event_status, event_title = row
    holder = Holder(*person)
    if badge_event_id != event_id:
        return Scan(OTHER_EVENT, _("This badge is for another event: %(event)s.", event=event_title), holder)
    if revoked_at is not None:
        why = {"reissued": _("This badge was replaced by a newer one."),
               "cancelled": _("This registration was cancelled."),
               "rejected": _("This registration was rejected.")}
        return Scan(REVOKED, why.get(revoked_reason, _("This badge was revoked.")), holder)
    if event_status == "cancelled":
        return Scan(EVENT_CANCELLED, _("This event was cancelled."), holder)
    if holder.status != "confirmed":
        return Scan(NOT_CONFIRMED, _("This registration is %(status)s.",
                                     status=_(STATUSES.get(holder.status, holder.status)).lower()), holder)
    return Scan(VALID, _("Welcome."), holder)


def valid_digests(event_id: int) -> list[str]:
    """The digests of every badge that opens this event's doors: what an offline scanner downloads.

    Digests, never codes: the list lets a device check a badge, not print one (see tokens).
    """
    query = (
        select(Badge.token_digest)
        .join(Badge.registration)
        .where(Badge.event_id == event_id, Badge.revoked_at.is_(None), Registration.status == "confirmed")
        .order_by(Badge.token_digest)
    )
    return list(db.session.scalars(query))


def badges_of(registration_ids) -> dict[int, Badge]:
    """The valid badge of each of these registrations, in one query: {registration_id: badge}."""
    ids = list(registration_ids)
    if not ids:
        return {}
    query = select(Badge).where(Badge.registration_id.in_(ids), Badge.revoked_at.is_(None))
    return {badge.registration_id: badge for badge in db.session.scalars(query)}


def mark_printed(event, badges, actor: Actor) -> int:
    """Note that these badges were printed (now): the lists then show them as done. One audit entry on
    the event for the whole batch, not 2,000 on the registrations. How many were marked."""
    now, count = utcnow(), 0
    for badge in badges:
        if badge.valid and badge.event_id == event.id:
            badge.printed_at, badge.print_count, count = now, badge.print_count + 1, count + 1
    if count:
        record(actor, "event.badges_printed", event, event.id, {"badges": count})
    return count
