"""What a scanner downloads to keep working when the venue's network drops.

For each valid badge: the SHA-256 digest of its code (never the code: the list lets a device check a
badge, not print one; see eventhub.badges.tokens) and what the door shows (name, position,
organisation, category). For today's event day: who is checked in already, when and where, so a
second scan says "already checked in" offline too. Two queries, whatever the number of badges.
"""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventhub.badges.models import Badge
from eventhub.checkin.models import CheckIn
from eventhub.checkin.services import event_day
from eventhub.core.types import utcnow
from eventhub.extensions import db
from eventhub.registration.models import Registration


def offline_data(event) -> dict:
    day = event_day(event, utcnow())
    rows = db.session.execute(
        select(Badge.token_digest, Registration)
        .join(Badge.registration)
        .options(selectinload(Registration.organisation))
        .where(Badge.event_id == event.id, Badge.revoked_at.is_(None), Registration.status == "confirmed")
    ).all()
    arrived = {registration_id: (scanned_at, station) for registration_id, scanned_at, station in db.session.execute(
        select(CheckIn.registration_id, CheckIn.scanned_at, CheckIn.station).where(
            CheckIn.event_id == event.id, CheckIn.day == day, CheckIn.outcome == "ok", CheckIn.undone_at.is_(None)))}
    badges = {}
    for digest, registration in rows:
        entry = {"n": registration.full_name, "p": registration.position or "",
                 "o": registration.organisation_display, "c": str(registration.category_label)}
        if registration.id in arrived:
            scanned_at, station = arrived[registration.id]
            entry["in"] = {"at": scanned_at.isoformat(), "station": station}
        badges[digest] = entry
    return {"event": event.slug, "day": day.isoformat(), "generated_at": utcnow().isoformat(), "badges": badges}
