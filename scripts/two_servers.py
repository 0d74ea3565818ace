"""Two app servers, one system: two gunicorn instances (2 workers each) on two ports, standing in for two
machines, against one PostgreSQL database and one Redis. `make servers` runs it; tests/test_two_servers.py
runs it too when PostgreSQL and Redis answer.

It shows what must hold when the requests of one congress are spread over several processes:
- 40 registrations at once for 10 places, alternating between the servers, through the organisers' API
  (the path with no e-mail step, so every request competes for a place at the same instant): exactly 10
  confirmed and 30 waitlisted, positions 1 to 30 in the order the database queued them;
- the login rate limit (LOGIN_RATE_LIMIT, 10 a minute) counts attempts made on either server (Redis);
- the same badge scanned at both servers at once: one check-in and one duplicate, ten badges over;
- the agenda feed one server built is served by the other from Redis, byte for byte; a session renamed
  through one server shows at once in the feed, schedule.json and programme.pdf every worker of the
  other had kept.

Loopback only. The database (servers_check) is dropped and made again; the Redis database is flushed.
"""
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/"
DATABASE = os.environ.get("SERVERS_DATABASE", "servers_check")
REDIS_URL = os.environ.get("SERVERS_REDIS_URL", "redis://127.0.0.1:6379/11")
SECRET = "two-servers-check"  # noqa: S105  (signs the cookies of a throwaway run; both servers must share it)
PLACES, REGISTRANTS, BADGES = 10, 40, 10


class Failed(Exception):
    """A check found the servers disagreeing."""


def expect(holds: bool, what) -> None:
    """Fail the check with what was seen (plain asserts would vanish under python -O)."""
    if not holds:
        raise Failed(repr(what))


def postgres_answers() -> bool:
    """True when the local PostgreSQL accepts a connection."""
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
        return True
    except OSError:
        return False


def redis_answers(url: str = REDIS_URL) -> bool:
    """True when Redis answers PING."""
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def fresh_database(name: str) -> str:
    """Drop and create a PostgreSQL database on the local server; its SQLAlchemy URL."""
    from sqlalchemy import create_engine, text

    engine = create_engine(POSTGRES + "postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return POSTGRES + name


def drop_database(name: str) -> None:
    """Drop a database made by fresh_database once its run passed (a failed run leaves it to look into)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(POSTGRES + "postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(url: str, redis_url: str | None = REDIS_URL, **settings: str) -> dict:
    """What every app server and mail worker of one system shares: database, Redis, secret, public URL."""
    env = dict(os.environ, DATABASE_URL=url, EVENTHUB_ENV="production", SECRET_KEY=SECRET,
               BASE_URL="https://eventhub.example.org", **settings)
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


# The servers' request logs (one JSON line a request in production) go here, not over the checks' output.
LOG = Path(tempfile.gettempdir()) / "eventhub-two-servers.log"


@contextmanager
def gunicorn(env: dict, workers: int = 2, port: int | None = None):
    """gunicorn serving wsgi:app on a free loopback port, until the block ends; yields (port, process)."""
    port = port or free_port()
    command = [str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
               "--log-level", "warning", "--graceful-timeout", "5", "wsgi:app"]
    with LOG.open("a") as log:  # the child keeps its own copy of the file
        server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=log)  # noqa: S603  (our gunicorn, fixed arguments)
    try:
        wait_for(port)
        yield port, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_for(port: int, seconds: float = 30) -> None:
    """Until the port answers an HTTP request (gunicorn's workers are up)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            call(port, "GET", "/auth/login")
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered on port {port} within {seconds} s")


def call(port: int, method: str, path: str, body=None, headers: dict | None = None, timeout: float = 60):
    """One HTTP request on its own connection; (status, headers, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = dict(headers or {})
        if isinstance(body, dict):
            body = json.dumps(body)
            headers.setdefault("Content-Type", "application/json")
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def together(jobs: list) -> list:
    """Run the jobs in threads released at the same instant; their results in order."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        barrier.wait(timeout=30)
        try:
            results[index] = job()
        except Exception as error:  # noqa: BLE001  (reported as the job's result, checked by the caller)
            results[index] = error

    threads = [threading.Thread(target=run, args=(n, job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return results


def prepare(url: str, places: int = PLACES, attendees: int = 60, sessions: int = 20) -> dict:
    """Migrate, seed the demo (its accounts and its congress's confirmed badges), and add an open event with
    `places` places; API tokens for the organiser and the check-in account."""
    from datetime import datetime, timedelta, timezone

    from flask_migrate import upgrade
    from sqlalchemy import select

    from eventhub import create_app
    from eventhub.auth.models import User
    from eventhub.auth.services import create_token
    from eventhub.badges.models import Badge
    from eventhub.core.transaction import atomic
    from eventhub.events.models import Event
    from eventhub.events.services import save_event, set_status
    from eventhub.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "EVENTHUB_ENV": "production", "SECRET_KEY": SECRET})
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["demo", "--members", "200", "--attendees", str(attendees),
                                                 "--sessions", str(sessions)])
    if result.exit_code != 0:
        raise RuntimeError(f"flask demo failed:\n{result.output}")
    with app.app_context():
        now = datetime.now(timezone.utc).replace(microsecond=0)
        congress = db.session.scalar(select(Event).where(Event.kind == "congress", Event.status == "published"))
        codes = list(db.session.scalars(select(Badge.token).where(Badge.event_id == congress.id).order_by(Badge.id)))
        with atomic():
            small = save_event({"kind": "congress", "title": "Two servers, ten places", "timezone": "UTC",
                                "start": now + timedelta(days=20), "end": now + timedelta(days=21),
                                "registration_opens": now - timedelta(days=1), "capacity": places})
            set_status(small, "published")
            tokens = {}
            for email in ("organiser@eventhub.test", "checkin@eventhub.test"):
                user = db.session.scalar(select(User).where(User.email == email))
                tokens[email.split("@")[0]] = create_token(user, "two servers")[1]
        prepared = {"slug": small.slug, "congress": congress.slug, "codes": codes, **tokens}
        db.engine.dispose()
    return prepared


def register_at_once(ports: list[int], prepared: dict, count: int = REGISTRANTS) -> list[dict]:
    """count registrations released together, request n going to ports[n % 2]; the answers' bodies."""
    path = f"/api/v1/events/{prepared['slug']}/registrations"
    auth = {"Authorization": f"Bearer {prepared['organiser']}"}

    def job(n):
        return lambda: call(ports[n % len(ports)], "POST", path, {
            "full_name": f"Délégué·e {n} 김", "email": f"rush{n}@example.org", "organisation_name": "Villa Nueva"},
            auth)

    answers = together([job(n) for n in range(count)])
    for answer in answers:
        if isinstance(answer, Exception) or answer[0] != 201:
            raise Failed(f"a registration was not made: {answer!r}")
    return [json.loads(body) for _status, _headers, body in answers]


def check_capacity(url: str, ports: list[int], prepared: dict) -> str:
    """10 confirmed and 30 waitlisted, what each was told agreeing with the database and its queue order."""
    from sqlalchemy import create_engine, text

    answers = register_at_once(ports, prepared)
    statuses = [a["status"] for a in answers]
    expect(statuses.count("confirmed") == PLACES, statuses)
    expect(statuses.count("waitlisted") == REGISTRANTS - PLACES, statuses)
    told = {a["id"]: a.get("waitlist_position") for a in answers if a["status"] == "waitlisted"}
    engine = create_engine(url)
    with engine.connect() as connection:
        queued = connection.execute(text(
            "SELECT r.id FROM registrations r JOIN events e ON e.id = r.event_id WHERE e.slug = :slug "
            "AND r.status = 'waitlisted' ORDER BY r.waitlisted_at, r.id"), {"slug": prepared["slug"]}).scalars().all()
        stored = connection.execute(text(
            "SELECT r.status, count(*) FROM registrations r JOIN events e ON e.id = r.event_id "
            "WHERE e.slug = :slug GROUP BY r.status"), {"slug": prepared["slug"]}).all()
    engine.dispose()
    expect(dict(stored) == {"confirmed": PLACES, "waitlisted": REGISTRANTS - PLACES}, stored)
    expect([told[rid] for rid in queued] == list(range(1, REGISTRANTS - PLACES + 1)), (queued, told))
    return f"{REGISTRANTS} registrations at once on both servers: {PLACES} confirmed, {len(queued)} waitlisted in order"


def login_attempt(get_port: int, post_port: int) -> int:
    """A wrong password: the form loaded from one server, sent to the other (they share the secret)."""
    _status, headers, page = call(get_port, "GET", "/auth/login")
    cookie = headers.get("Set-Cookie", "").split(";")[0]
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
    body = f"csrf_token={token}&email=organiser%40eventhub.test&password=wrong-{time.monotonic_ns()}"
    status, _headers, _body = call(post_port, "POST", "/auth/login", body,
                                   {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    return status


def check_login_limit(ports: list[int], limit: int = 10) -> str:
    """The limit's attempts spread over both servers; the next one is refused on either."""
    statuses = [login_attempt(ports[n % 2], ports[(n + 1) % 2]) for n in range(limit)]
    expect(statuses == [200] * limit, statuses)  # the form again, saying the password is wrong
    refused = [login_attempt(ports[1 - n], ports[n]) for n in (0, 1)]
    expect(refused == [429, 429], refused)
    return f"login limit: {limit} wrong passwords over both servers, then 429 on each"


def check_same_badge(url: str, ports: list[int], prepared: dict) -> str:
    """Each badge scanned at both servers at the same instant: one ok and one duplicate, one row."""
    from sqlalchemy import create_engine, text

    path = f"/api/v1/events/{prepared['congress']}/checkins"
    auth = {"Authorization": f"Bearer {prepared['checkin']}"}
    codes = prepared["codes"][:BADGES]
    expect(len(codes) == BADGES, "the demo congress has too few badges")
    for code in codes:
        answers = together([lambda port=port: call(port, "POST", path, {"code": code, "station": f"Door {port}"}, auth)
                            for port in ports])
        outcomes = sorted(json.loads(body)["status"] for _status, _headers, body in answers)
        expect(outcomes == ["duplicate", "ok"], outcomes)
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT count(*) FROM checkins c JOIN badges b ON b.registration_id = c.registration_id "
            "WHERE c.outcome = 'ok' AND b.token = ANY(:codes)"), {"codes": codes}).scalar()
    engine.dispose()
    expect(rows == BADGES, rows)
    return f"{BADGES} badges each scanned at both servers at once: {BADGES} check-ins, {BADGES} duplicates"


def check_agenda_caches(ports: list[int], prepared: dict) -> str:
    """Built answers are shared through Redis, and a change made through one server is seen by the next
    request to any worker of the other."""
    base = f"/events/{prepared['congress']}"
    feed, schedule, booklet = f"{base}/agenda.ics", f"{base}/schedule.json", f"{base}/programme.pdf"
    _status, _headers, built = call(ports[0], "GET", feed)
    time.sleep(1.1)  # the feed built again would carry a later DTSTAMP
    for _ in range(4):  # enough for both workers of the other server, in all likelihood
        expect(call(ports[1], "GET", feed)[2] == built, "the other server built the feed again")
    etags = {call(port, "GET", booklet)[1]["ETag"] for port in ports for _ in range(4)}
    expect(len(etags) == 1, etags)
    for port in ports:
        for _ in range(4):
            call(port, "GET", schedule)
    auth = {"Authorization": f"Bearer {prepared['organiser']}"}
    _status, _headers, page = call(ports[0], "GET", f"/api/v1/events/{prepared['congress']}/sessions?per_page=1")
    session = json.loads(page)["items"][0]
    title = f"Renamed on server {ports[0]}"
    status, _headers, answer = call(ports[0], "PATCH", f"/api/v1/sessions/{session['id']}", {"title": title}, auth)
    expect(status == 200, answer)
    for _ in range(4):
        expect(title.encode() in call(ports[1], "GET", feed)[2], "a worker served the feed from before the change")
        expect(title in call(ports[1], "GET", schedule)[2].decode(), "a worker served the schedule from before")
        expect(call(ports[1], "GET", booklet)[1]["ETag"] not in etags, "a worker served the programme from before")
    return "the agenda feed built by one server served by the other from Redis; a renamed session seen at once by both"


def main() -> int:
    """Make the database, start both servers, run the checks; non-zero on the first that fails."""
    import redis

    if not postgres_answers() or not redis_answers():
        print("PostgreSQL (127.0.0.1:5432) and Redis (REDIS_URL) must both answer.", file=sys.stderr)
        return 2
    redis.Redis.from_url(REDIS_URL).flushdb()
    url = fresh_database(DATABASE)
    prepared = prepare(url)
    env = server_env(url)
    with ExitStack() as stack:
        ports = [stack.enter_context(gunicorn(env))[0] for _ in range(2)]
        print(f"two servers on ports {ports[0]} and {ports[1]}, database {DATABASE}, {REDIS_URL}, logs in {LOG}")
        for check in (lambda: check_capacity(url, ports, prepared), lambda: check_login_limit(ports),
                      lambda: check_same_badge(url, ports, prepared), lambda: check_agenda_caches(ports, prepared)):
            try:
                print("ok:", check())
            except Failed as failure:
                print(f"FAILED: {failure}", file=sys.stderr)
                return 1
    drop_database(DATABASE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
