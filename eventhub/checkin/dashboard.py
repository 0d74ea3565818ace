"""Arrivals as the organisers watch them on congress morning: who is in, by category, region and
station, arrivals per quarter hour, and who has not come. A handful of grouped queries, whatever the
number of people."""
from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from eventhub.checkin.models import CheckIn
from eventhub.core.csv_export import csv_bytes
from eventhub.events.models import CATEGORIES
from eventhub.extensions import db
from eventhub.members.models import Organisation, Region
from eventhub.registration.models import Registration

QUARTER = timedelta(minutes=15)


def _standing(event, day: date):
    """The check-ins standing on a day (first valid scans, not undone)."""
    return (CheckIn.event_id == event.id, CheckIn.day == day, CheckIn.outcome == "ok", CheckIn.undone_at.is_(None))


def figures(event, day: date) -> dict:
    """Checked in / confirmed overall and by category and region; check-ins by station."""
    arrived = select(CheckIn.registration_id).where(*_standing(event, day))
    confirmed = (Registration.event_id == event.id, Registration.status == "confirmed")

    def by(column, *joins):
        query = select(column, func.count(Registration.id), func.count(Registration.id).filter(
            Registration.id.in_(arrived))).select_from(Registration)
        for target, on in joins:
            query = query.outerjoin(target, on)
        rows = db.session.execute(query.where(*confirmed).group_by(column)).all()
        return sorted(({"label": label, "confirmed": total, "in": present} for label, total, present in rows),
                      key=lambda r: (-r["confirmed"], str(r["label"] or "")))

    categories = by(Registration.category)
    for row in categories:
        row["label"] = str(CATEGORIES.get(row["label"], row["label"]))  # in the language being spoken
    regions = by(Region.name, (Organisation, Registration.organisation_id == Organisation.id),
                 (Region, Organisation.region_id == Region.id))
    stations = db.session.execute(select(CheckIn.station, func.count(CheckIn.id)).where(*_standing(event, day))
                                  .group_by(CheckIn.station).order_by(func.count(CheckIn.id).desc())).all()
    return {"confirmed": sum(r["confirmed"] for r in categories), "in": sum(r["in"] for r in categories),
            "categories": categories, "regions": regions, "stations": [tuple(s) for s in stations]}


def arrivals(event, day: date) -> list[tuple[datetime, int]]:
    """Check-ins per quarter hour of the day, on the venue's clock, from the first to the last one."""
    zone = ZoneInfo(event.timezone)
    times = db.session.scalars(select(CheckIn.scanned_at).where(*_standing(event, day))).all()
    if not times:
        return []
    midnight = datetime.combine(day, time(0), zone)
    counts = Counter(int((t.astimezone(zone) - midnight) / QUARTER) for t in times)
    first, last = min(counts), max(counts)
    return [(midnight + n * QUARTER, counts.get(n, 0)) for n in range(first, last + 1)]


def _missing(event):
    """Where-clause: confirmed people of the event never checked in on any day."""
    ever = select(CheckIn.registration_id).where(CheckIn.event_id == event.id, CheckIn.outcome == "ok",
                                                 CheckIn.undone_at.is_(None))
    return (Registration.event_id == event.id, Registration.status == "confirmed", Registration.id.not_in(ever))


def no_shows(event, limit: int) -> tuple[list[Registration], int]:
    """The first `limit` people (by name) who have not come on any day, and how many there are."""
    query = select(Registration).where(*_missing(event)).order_by(Registration.full_name, Registration.id)
    total = db.session.scalar(select(func.count(Registration.id)).where(*_missing(event)))
    return list(db.session.scalars(query.limit(limit))), total


def bars(series: list[tuple[datetime, int]], width: int = 720, height: int = 180) -> dict:
    """The arrivals chart's geometry for the template's SVG: one bar per quarter hour, scaled to the busiest."""
    if not series:
        return {"bars": [], "width": width, "height": height, "top": 0}
    top = max(count for _start, count in series) or 1
    step = width / len(series)
    return {"width": width, "height": height, "top": top, "bars": [
        {"x": round(n * step, 1), "w": round(max(step - 2, 1), 1), "h": round(count / top * (height - 20), 1),
         "count": count, "start": start} for n, (start, count) in enumerate(series)]}


def event_days(event) -> list[date]:
    """The event's days on the venue's calendar."""
    zone = ZoneInfo(event.timezone)
    first, last = event.start_at.astimezone(zone).date(), event.end_at.astimezone(zone).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def scans_csv(event) -> bytes:
    """Every scan: day, local time, station, outcome, reason, who, undone; UTF-8 with a BOM for Excel."""
    zone = ZoneInfo(event.timezone)
    query = (select(CheckIn).where(CheckIn.event_id == event.id)
             .options(selectinload(CheckIn.registration).selectinload(Registration.organisation))
             .order_by(CheckIn.scanned_at, CheckIn.id))
    rows = []
    for scan in db.session.scalars(query):
        person = scan.registration
        who = [person.full_name, person.email, person.organisation_display, person.category] if person else [""] * 4
        rows.append([scan.day.isoformat(), scan.scanned_at.astimezone(zone).strftime("%H:%M:%S"), scan.station,
                     scan.outcome, scan.reason or "", *who, "yes" if scan.undone_at else ""])
    return csv_bytes(["day", "time", "station", "outcome", "reason", "name", "email", "organisation", "category",
                      "undone"], rows)
