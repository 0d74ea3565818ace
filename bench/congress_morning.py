"""A congress morning replayed against gunicorn (2 workers) on PostgreSQL, loopback only.

CLIENTS threads, each on its own kept-alive connection, send a mix of what a congress morning brings, for at
most SECONDS or REQUESTS, whichever comes first: the public agenda and its iCal feed, registrations (the
organisers' API: the desk registering walk-ins), edits through the mailed manage links, workshop sign-ups
(the personal link opened on a phone, then "Sign up" on a session page) and check-ins at four stations (each
badge scanned once, some twice).

Printed per kind: requests, requests/s, p50/p95/p99 and errors. A manage edit counts as one though it is two
requests (the page, then the form); a sign-up as one though it is four (the personal link, the session page,
"Sign up", and the page it returns to with its outcome). Then the database is checked: every registration
made once, with its one e-mail; every badge checked in once, its second scan a duplicate; every edit saved;
every sign-up stored once as its person was told (a place, or a place on the waiting list), and no workshop
over its capacity.

Run alone (`python bench/congress_morning.py`) or through `make bench`. Needs PostgreSQL on 127.0.0.1:5432
(database servers_morning, made afresh); Redis is not needed (no rate-limited path is replayed).
"""
import http.client
import json
import os
import random
import re
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.checkin import cpu_seconds  # noqa: E402  (after the path is set, as a script)
from scripts import two_servers  # noqa: E402

CLIENTS, SECONDS, REQUESTS = 8, 30, 6_000
DATABASE = "servers_morning"
# Of every 100 requests: mostly people looking at the programme, then the doors, then the desk.
MIX = {"agenda": 30, "ical": 15, "checkin": 30, "register": 10, "manage_edit": 8, "signup": 7}
STATIONS = ("Gate A", "Gate B", "Gate C", "Gate D")
# The demo congress asks every registrant these two questions.
ANSWERS = {"dietary_needs": "Vegetarian", "interpretation_language": "Español"}
EDITED = "Deputy Mayor (edited this morning)"  # what each manage-link edit writes, found again afterwards
LINK = re.compile(r"https?://\S+?/registrations/([^\s/]+)")
CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
# What the session page's flash says after "Sign up" (the demo speaks English).
TOLD = {b"You have a place": "confirmed", b"waiting list": "waitlisted"}
FLASH = re.compile(rb'class="flash[^>]*>([^<]*)')
WORKSHOPS = 4  # the sign-ups go to this many small workshops, so that waiting lists form


class Morning:
    """The shared state of one replay: what is left to scan and edit, and what each request got."""

    def __init__(self, port: int, prepared: dict, links: list[str], signers: list[str], workshops: list[int]):
        self.port, self.prepared = port, prepared
        self.signers, self.workshops, self.told, self.tried = signers, workshops, {}, []
        self.codes = list(prepared["codes"])
        random.Random(7).shuffle(self.codes)
        self.scanned: list[str] = []
        self.links, self.edited = links, set()
        self.registered: list[str] = []
        self.numbers = iter(range(10**6))
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.lock = threading.Lock()

    def request(self, connection, kind: str) -> None:
        """One request of this kind on the client's connection; its time, or its error, recorded."""
        began = time.perf_counter()
        try:
            problem = getattr(self, kind)(connection)
        except (OSError, http.client.HTTPException, ValueError) as error:
            problem = repr(error)
            connection.close()
        spent = time.perf_counter() - began
        with self.lock:
            self.timings[kind].append(spent)
            if problem:
                self.errors[kind].append(problem)

    def send(self, connection, method, path, body=None, headers=None):
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()

    def agenda(self, connection):
        status, _headers, _body = self.send(connection, "GET", f"/events/{self.prepared['congress']}/agenda")
        return None if status == 200 else f"agenda {status}"

    def ical(self, connection):
        status, _headers, _body = self.send(connection, "GET", f"/events/{self.prepared['congress']}/agenda.ics")
        return None if status == 200 else f"ical {status}"

    def checkin(self, connection):
        with self.lock:  # a new badge mostly; now and then one scanned before (a second scan: a duplicate)
            again = self.scanned and len(self.scanned) % 5 == 4
            code = random.choice(self.scanned) if again else (self.codes.pop() if self.codes else None)
            if code and not again:
                self.scanned.append(code)
        if code is None:
            return None
        status, _headers, body = self.send(
            connection, "POST", f"/api/v1/events/{self.prepared['congress']}/checkins",
            json.dumps({"code": code, "station": random.choice(STATIONS)}),
            {"Content-Type": "application/json", "Authorization": f"Bearer {self.prepared['checkin']}"})
        outcome = json.loads(body).get("status") if status == 200 else None
        return None if outcome in ("ok", "duplicate") else f"checkin {status} {outcome}"

    def register(self, connection):
        email = f"morning{next(self.numbers)}@example.org"
        status, _headers, _body = self.send(
            connection, "POST", f"/api/v1/events/{self.prepared['congress']}/registrations",
            json.dumps({"full_name": f"Walk-in {email[7:-12]} Ñúñez", "email": email, "organisation_name": "Quito",
                        "answers": ANSWERS}),
            {"Content-Type": "application/json", "Authorization": f"Bearer {self.prepared['organiser']}"})
        if status == 201:
            with self.lock:
                self.registered.append(email)
            return None
        return f"register {status}"

    def manage_edit(self, connection):
        with self.lock:
            token = self.links.pop() if self.links else None
        if token is None:
            return None
        status, headers, page = self.send(connection, "GET", f"/registrations/{token}")
        csrf = CSRF.search(page)
        if status != 200 or csrf is None:
            return f"manage page {status}"
        form = {"csrf_token": csrf.group(1).decode(), "full_name": "Ana María Quispe", "position": EDITED,
                "not_listed": "y", "organisation_name": "Cusco", "category": "delegate",
                **{f"answer_{key}": value for key, value in ANSWERS.items()}}
        status, _headers, _body = self.send(connection, "POST", f"/registrations/{token}", urlencode(form), {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": headers.get("Set-Cookie", "").split(";")[0]})
        if status == 302:
            with self.lock:
                self.edited.add(token)
            return None
        return f"manage edit {status}"

    def signup(self, connection):
        """A person opens their personal agenda link (the device now knows them), then signs up for a workshop."""
        with self.lock:
            token = self.signers.pop() if self.signers else None
        if token is None:
            return None
        with self.lock:
            self.tried.append(token)
        status, headers, _page = self.send(connection, "GET", f"/registrations/{token}/agenda")
        cookie = headers.get("Set-Cookie", "").split(";")[0]
        if status != 200 or not cookie:
            return f"personal agenda {status}, cookie {bool(cookie)}"
        workshop = random.choice(self.workshops)
        path = f"/events/{self.prepared['congress']}/sessions/{workshop}"
        status, headers, page = self.send(connection, "GET", path, headers={"Cookie": cookie})
        cookie, csrf = headers.get("Set-Cookie", cookie).split(";")[0], CSRF.search(page)
        if status != 200 or csrf is None:
            return f"session page {status}"
        status, headers, _body = self.send(connection, "POST", f"{path}/signup",
                                           urlencode({"csrf_token": csrf.group(1).decode(), "next": path}),
                                           {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        if status != 302:
            return f"signup {status}"
        cookie = headers.get("Set-Cookie", cookie).split(";")[0]  # the flash message rides in the session
        status, _headers, page = self.send(connection, "GET", path, headers={"Cookie": cookie})
        told = next((outcome for words, outcome in TOLD.items() if words in page), None)
        if status != 200 or told is None:
            shown = FLASH.search(page)
            return f"signup outcome {status}: {shown.group(1).decode().strip() if shown else 'no message'}"
        with self.lock:
            self.told[token] = (workshop, told)
        return None


def replay(morning: Morning) -> float:
    """CLIENTS threads until SECONDS or REQUESTS; the wall time."""
    kinds, weights = list(MIX), list(MIX.values())
    deadline, sent = time.monotonic() + SECONDS, iter(range(REQUESTS))

    def client(seed):
        rng, connection = random.Random(seed), http.client.HTTPConnection("127.0.0.1", morning.port, timeout=60)
        while time.monotonic() < deadline and next(sent, None) is not None:
            morning.request(connection, rng.choices(kinds, weights)[0])
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


def manage_links(url: str, port: int, prepared: dict, count: int) -> list[str]:
    """Registrations made before the morning, confirmed (from a member city: the congress asks approval for
    others), and the manage links their e-mails carry."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        member = connection.execute(text("SELECT id FROM organisations WHERE status = 'member' ORDER BY id")).first()[0]
    for n in range(count):
        status, _headers, body = two_servers.call(port, "POST", f"/api/v1/events/{prepared['congress']}/registrations", {
            "full_name": f"Early {n}", "email": f"early{n}@example.org", "organisation_id": member,
            "answers": ANSWERS},
            {"Authorization": f"Bearer {prepared['organiser']}"})
        assert status == 201 and json.loads(body)["status"] == "confirmed", (status, body)  # noqa: S101  (a precondition)
    with engine.connect() as connection:
        bodies = connection.execute(text("SELECT text_body FROM outbox_messages WHERE recipient LIKE 'early%'")).scalars()
        links = [urlsplit(match.group(0)).path.rsplit("/", 1)[1] for body in bodies if (match := LINK.search(body))]
    engine.dispose()
    return links


def small_workshops(url: str, prepared: dict) -> list[int]:
    """The congress's WORKSHOPS smallest sessions that take sign-ups."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        ids = connection.execute(text(
            "SELECT s.id FROM agenda_sessions s JOIN events e ON e.id = s.event_id WHERE e.slug = :slug "
            "AND s.signup_required AND s.status = 'scheduled' AND s.capacity IS NOT NULL "
            "ORDER BY s.capacity, s.id LIMIT :n"), {"slug": prepared["congress"], "n": WORKSHOPS}).scalars().all()
    engine.dispose()
    return list(ids)


def verify(url: str, morning: Morning) -> list[str]:
    """What the database holds against what the clients were told; each line a problem."""
    from sqlalchemy import create_engine, text

    problems, engine = [], create_engine(url)
    with engine.connect() as connection:
        def one(statement, **values):
            return connection.execute(text(statement), values).scalar()

        made = one("SELECT count(*) FROM registrations WHERE email LIKE 'morning%'")
        distinct = one("SELECT count(DISTINCT email) FROM registrations WHERE email LIKE 'morning%'")
        mails = one("SELECT count(*) FROM outbox_messages WHERE recipient LIKE 'morning%'")
        if not made == distinct == mails == len(morning.registered):
            problems.append(f"registrations: {len(morning.registered)} told, {made} stored, {distinct} people, {mails} e-mails")
        first = sorted(set(morning.scanned))
        checked = one("SELECT count(*) FROM checkins c JOIN badges b ON b.registration_id = c.registration_id "
                      "WHERE c.outcome = 'ok' AND b.token = ANY(:codes)", codes=first)
        if checked != len(first):
            problems.append(f"check-ins: {len(first)} badges scanned, {checked} checked in")
        saved = one("SELECT count(*) FROM registrations WHERE position = :edited", edited=EDITED)
        if saved != len(morning.edited):
            problems.append(f"manage edits: {len(morning.edited)} saved, {saved} stored")
        problems += verify_signups(connection, morning)
    engine.dispose()
    return problems


def verify_signups(connection, morning: Morning) -> list[str]:
    """Each person who tried has one sign-up row, as they were told; no workshop holds more than it seats.

    The demo signed some of its own people up before the morning: they count in the places, not in the told."""
    from sqlalchemy import text

    from eventhub.core.tokens import digest

    problems, rows = [], connection.execute(text(
        "SELECT r.manage_token_digest, s.session_id, s.status FROM signups s "
        "JOIN registrations r ON r.id = s.registration_id WHERE r.manage_token_digest = ANY(:tried)"),
        {"tried": [digest(token) for token in morning.tried]}).all()
    stored = {}
    for token_digest, session_id, status in rows:
        stored.setdefault(token_digest, []).append((session_id, status))
    told = {digest(token): [place] for token, place in morning.told.items()}
    if stored != told:
        wrong = sum(1 for key in told.keys() | stored.keys() if told.get(key) != stored.get(key))
        problems.append(f"sign-ups: {len(told)} people told, {len(rows)} rows stored, {wrong} differ")
    for session_id, seats, confirmed in connection.execute(text(
            "SELECT a.id, a.capacity, count(s.id) FILTER (WHERE s.status = 'confirmed') FROM agenda_sessions a "
            "LEFT JOIN signups s ON s.session_id = a.id WHERE a.id = ANY(:ids) GROUP BY a.id, a.capacity"),
            {"ids": morning.workshops}):
        waiting = sum(1 for workshop, outcome in morning.told.values() if workshop == session_id and outcome != "confirmed")
        if confirmed > seats or (waiting and confirmed < seats):
            problems.append(f"workshop {session_id}: {confirmed} places taken of {seats}, {waiting} waiting")
    return problems


def run() -> None:
    """Print the figures of one congress morning; exit non-zero when anything was lost or doubled."""
    if not two_servers.postgres_answers():
        print("congress morning: skipped (no PostgreSQL on 127.0.0.1:5432)")
        return
    url = two_servers.fresh_database(DATABASE)
    prepared = two_servers.prepare(url, attendees=2_000, sessions=118)
    env = two_servers.server_env(url, redis_url=None)
    with two_servers.gunicorn(env, workers=2) as (port, server):
        links = manage_links(url, port, prepared, 600)
        morning = Morning(port, prepared, links[:300], links[300:], small_workshops(url, prepared))
        before, load = cpu_seconds(server.pid), os.getloadavg()[0]
        wall = replay(morning)
        cpu = cpu_seconds(server.pid) - before
    total = sum(len(t) for t in morning.timings.values())
    print(f"\nCongress morning: gunicorn, 2 workers, PostgreSQL, {CLIENTS} clients, {total} requests in {wall:.1f} s "
          f"({total / wall:.0f}/s), {cpu / total * 1000:.0f} ms of app CPU a request; load average before the run: "
          f"{load:.1f} on {os.cpu_count()} cores (other work on the machine slows every figure)")
    print(f"{'kind':<12} {'requests':>8} {'per s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}")
    for kind in MIX:
        times = sorted(morning.timings[kind])
        if not times:
            continue

        def pct(p, times=times):
            return times[min(len(times) - 1, int(len(times) * p / 100))] * 1000

        print(f"{kind:<12} {len(times):>8} {len(times) / wall:>7.1f} {pct(50):>7.0f} {pct(95):>7.0f} {pct(99):>7.0f} "
              f"{len(morning.errors[kind]):>6}")
    for kind, errors in morning.errors.items():
        if errors:
            print(f"  {kind} errors, first: {errors[0]}")
    places = sum(1 for _workshop, outcome in morning.told.values() if outcome == "confirmed")
    print(f"Sign-ups: {places} places taken, {len(morning.told) - places} on waiting lists, in {WORKSHOPS} workshops")
    problems = verify(url, morning)
    print("Nothing lost or doubled: registrations, e-mails, check-ins, edits and sign-ups match what the clients "
          "were told; no workshop over its capacity."
          if not problems else "LOST OR DOUBLED:\n  " + "\n  ".join(problems))
    two_servers.drop_database(DATABASE)
    if problems or any(morning.errors.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    run()
