"""Read speed of what calendar apps, schedule apps and delegates poll (issue 15): the agenda feed (whole and
filtered), a personal feed of 50 sessions, schedule.xml/json and the programme PDF, on the demo congress
grown to 1,000 sessions; each unchanged (kept built), kept by another process (Redis, when it answers), and
just after one session changed; beside the floor: the same events built and serialised with the icalendar
library alone, no database and no app, in the same run.

Server time through the WSGI app in this process (the test client), the garbage collector settled as
wsgi.py does in every gunicorn worker. Runs on a throw-away SQLite database, or DATABASE_URL's when set.
"""
import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

SESSIONS = 1_000
PERSONAL = 50
RUNS = 15
REDIS_URL = "redis://127.0.0.1:6379/13"
SLUG = "world-congress-2027"
# (what, path template, target unchanged ms, target after one change ms)
TARGETS = [
    ("agenda.ics", "/events/{slug}/agenda.ics", 100, 150),
    ("agenda.ics, one track", "/events/{slug}/agenda.ics?track={track}", 100, 150),
    ("agenda.ics, one day", "/events/{slug}/agenda.ics?day={day}", 100, 150),
    ("personal feed, 50 sessions", "/calendar/{token}.ics", 100, 150),
    ("schedule.xml", "/events/{slug}/schedule.xml", 100, 250),
    ("schedule.json", "/events/{slug}/schedule.json", 100, 250),
    ("programme.pdf", "/events/{slug}/programme.pdf", 20, None),
]


def _median_ms(action, runs: int = RUNS, before=None) -> float:
    """Median milliseconds of action(), each run preceded by before() (untimed) when given."""
    from bench.app import median_ms

    return median_ms(action, runs, before)


def icalendar_only(plain: list[dict]) -> bytes:
    """The floor: the same VEVENTs (values already worked out) built and serialised by icalendar alone."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    for name, value in (("prodid", "-//bench//EN"), ("version", "2.0"), ("method", "PUBLISH")):
        calendar.add(name, value)
    for values in plain:
        calendar.add_component(Event.new(**values))
    return calendar.to_ical()


def _plain_events(event, sessions) -> list[dict]:
    """What the app's VEVENTs hold, as plain values, computed before the floor is timed."""
    from eventhub.calendars import feeds
    from eventhub.core.types import utcnow

    zone, stamp = ZoneInfo(event.timezone), utcnow()
    return [{"uid": feeds.session_uid(s), "stamp": stamp, "last_modified": s.updated_at, "sequence": s.sequence,
             "start": s.start_at.astimezone(zone), "end": s.end_at.astimezone(zone), "summary": s.title,
             "location": feeds.session_location(event, s), "description": feeds.session_description(s),
             "url": feeds.session_url(event, s), "categories": [c.name for c in (s.track, s.kind) if c is not None],
             "status": feeds.session_status(s)} for s in sessions]


def _prepare(app) -> dict:
    """The congress's values the paths need, a registration with 50 starred sessions and its feed token."""
    from sqlalchemy import select

    from eventhub.agenda import queries, signups
    from eventhub.core.transaction import atomic
    from eventhub.events.models import Event
    from eventhub.extensions import db
    from eventhub.registration.models import Registration

    with app.test_request_context(method="POST"):  # a request for the links; POST, as it writes the stars
        event = db.session.scalar(select(Event).where(Event.slug == SLUG))
        sessions = [s for s in queries.visible_sessions(event) if s.status == "scheduled"]
        person = db.session.scalar(select(Registration).where(Registration.event_id == event.id,
                                                              Registration.status == "confirmed"))
        with atomic():
            signups.forget_stars(person)
            for session in sessions[::len(sessions) // PERSONAL][:PERSONAL]:
                signups.star(person, session)
            token = person.issue_calendar_token()
        first = sessions[0]
        day = first.start_at.astimezone(ZoneInfo(event.timezone)).date().isoformat()
        plain = _plain_events(event, queries.visible_sessions(event))
        floor = _median_ms(lambda: icalendar_only(plain), 5)
        return {"slug": SLUG, "track": first.track_id, "day": day, "token": token, "session": first.id,
                "personal_session": sessions[0].id, "floor": floor, "events": len(plain)}


def _change(app, session_id: int):
    """One committed change to a session, as an organiser's edit elsewhere would make (untimed)."""
    from eventhub.agenda.models import AgendaSession
    from eventhub.core.transaction import atomic
    from eventhub.extensions import db

    def change():
        with app.app_context(), atomic():
            session = db.session.get(AgendaSession, session_id)
            session.title = session.title[:-1] if session.title.endswith("·") else session.title + " ·"
            session.end_at += timedelta(minutes=5) if session.sequence % 2 == 0 else timedelta(minutes=-5)
            session.sequence += 1
    return change


def _redis_answers() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).flushdb()
        return True
    except Exception:  # noqa: BLE001  (no Redis here: that figure is left out)
        return False


def run() -> None:
    """Seed the grown congress, then print each figure beside its target and the floor."""
    from bench.app import fresh_app
    from eventhub.core import cache, collector

    logging.getLogger("eventhub.requests").disabled = True
    with fresh_app() as app:
        app.config["BASE_URL"] = "https://events.example.org"
        result = app.test_cli_runner().invoke(args=["demo", "--attendees", "300", "--sessions", str(SESSIONS)])
        if result.exit_code != 0:
            raise SystemExit(f"flask demo failed:\n{result.output}")
        known = _prepare(app)
        collector.settle()
        client = app.test_client()
        redis = _redis_answers()
        print(f"Feeds and exports of {known['events']:,} sessions (server time, median of {RUNS}):")
        print(f"  floor: the same {known['events']:,} VEVENTs built and serialised by icalendar alone: "
              f"{known['floor']:.0f} ms (3x faster: {known['floor'] / 3:.0f} ms)")
        for what, template, unchanged_target, changed_target in TARGETS:
            path = template.format(**known)
            if client.get(path).status_code != 200:
                raise SystemExit(f"{path} did not answer 200")
            unchanged = _median_ms(lambda: client.get(path))
            line = f"  {what:28} unchanged {unchanged:6.1f} ms (target {unchanged_target})"
            if redis:
                app.config["REDIS_URL"] = REDIS_URL
                client.get(path)
                elsewhere = _median_ms(lambda: client.get(path), before=cache.clear_local)
                app.config["REDIS_URL"] = None
                line += f", kept by another process {elsewhere:5.1f} ms"
            if changed_target:
                session = known["personal_session"] if "{token}" in template else known["session"]
                changed = _median_ms(lambda: client.get(path), before=_change(app, session))
                verdict = "within" if changed <= changed_target else "OVER"
                line += f"; after one change {changed:5.0f} ms ({verdict} {changed_target}"
                # The 3x goal is the calendar feeds' (the floor is an iCalendar build).
                line += f", {known['floor'] / changed:.1f}x faster than the floor)" if ".ics" in template else ")"
            print(line)
        size = len(client.get(f"/events/{SLUG}/agenda.ics").data)
        print(f"  agenda.ics is {size / 1024:.0f} KB")


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    run()
