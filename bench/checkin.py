"""Congress morning at the door: the check-in API under 8 concurrent scanners, served by gunicorn
(2 workers) with 2,000 confirmed registrations, on SQLite and on PostgreSQL (when DATABASE_URL or the
local test server is there). Each badge is scanned once (first scans), then once more (duplicates).

Printed: scans per second, p50/p95/p99 latency, and server CPU per scan (the gunicorn processes' CPU
time from /proc). In the same run, the floor in ../shared/bench/checkin-floor/ (bare Flask and
sqlite3, one lookup, one insert, one commit) when that folder exists, and the targets: at least half
the floor's rate on SQLite, p95 no worse than max(50 ms, twice the floor's), at most 6 ms CPU a scan.
SQLite runs with the default durability (synchronous=NORMAL, as the floor does), then once more with
FULL to show what waiting for the disk at every commit costs.
"""
import http.client
import json
import os
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = ROOT.parent / "shared" / "bench" / "checkin-floor" / "run.sh"
BADGES, CLIENTS = 2_000, 8
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_checkin"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process and its children (the gunicorn master and its workers)."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(entry) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def load(port: int, token: str, slug: str, codes: list[str]) -> dict:
    """Post one scan per code from CLIENTS threads, each on its own kept-alive connection."""
    work, latencies, statuses = queue.Queue(), [], []
    for code in codes:
        work.put(code)
    lock = threading.Lock()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            try:
                code = work.get_nowait()
            except queue.Empty:
                return
            body = json.dumps({"code": code, "station": "Gate A"})
            began = time.perf_counter()
            connection.request("POST", f"/api/v1/events/{slug}/checkins", body=body, headers=headers)
            response = connection.getresponse()
            answer = json.loads(response.read())
            spent = time.perf_counter() - began
            with lock:
                latencies.append(spent)
                statuses.append(answer.get("status"))

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    latencies.sort()

    def percentile(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1000

    return {"rate": len(codes) / wall, "p50": percentile(50), "p95": percentile(95), "p99": percentile(99),
            "statuses": {s: statuses.count(s) for s in set(statuses)}, "wall": wall}


def prepare(url: str) -> tuple[str, str, list[str]]:
    """A fresh database at url with the demo members, 2,000 confirmed congress registrations with their
    badges, and a check-in account's API token; returns (slug, token, codes)."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from bench.badges import seed
    from eventhub import create_app
    from eventhub.auth.models import User
    from eventhub.auth.services import create_token
    from eventhub.badges.models import Badge
    from eventhub.core.transaction import atomic
    from eventhub.events.models import Event
    from eventhub.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "EVENTHUB_ENV": "production", "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
    slug = seed(app, {"congress": BADGES})["congress"]
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        codes = list(db.session.scalars(select(Badge.token).where(Badge.event_id == event.id)))
        with atomic():
            user = db.session.scalar(select(User).where(User.email == "checkin@eventhub.test"))
            _row, token = create_token(user, "bench")
        db.engine.dispose()
    return slug, token, codes


def serve_and_load(url: str, **settings: str) -> tuple[dict, dict, float, float]:
    """gunicorn (2 workers) on url, with these settings in its environment; first scans then duplicates;
    CPU ms per scan for each."""
    slug, token, codes = prepare(url)
    port = free_port()
    env = dict(os.environ, DATABASE_URL=url, EVENTHUB_ENV="production", SECRET_KEY="bench", **settings)
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        load(port, token, slug, codes[:50])  # warm both workers (their answers are checked in below)
        before = cpu_seconds(server.pid)
        first = load(port, token, slug, codes[50:])
        middle = cpu_seconds(server.pid)
        again = load(port, token, slug, codes[50:])
        after = cpu_seconds(server.pid)
    finally:
        server.terminate()
        server.wait()
    scans = len(codes) - 50
    return first, again, (middle - before) / scans * 1000, (after - middle) / scans * 1000


def floor() -> tuple[float, float, float] | None:
    """The floor's scans per second, p95 (ms) and CPU ms per scan, or None where ../shared is absent."""
    if not FLOOR.exists():
        return None
    venv = Path(sys.executable).parent.parent  # ours has Flask and gunicorn
    done = subprocess.run(["bash", str(FLOOR), str(BADGES), str(CLIENTS), str(venv)], capture_output=True,
                          text=True, check=False)
    try:
        rate, p95, cpu = (float(v) for v in done.stdout.split()[-3:])
    except ValueError:
        return None
    return rate, p95, cpu


def report(name: str, first: dict, again: dict, cpu_first: float, cpu_again: float) -> None:
    for label, figures, cpu in (("first scans", first, cpu_first), ("duplicates", again, cpu_again)):
        print(f"  {name}, {label}: {figures['rate']:.0f} scans/s, p50 {figures['p50']:.0f} ms, "
              f"p95 {figures['p95']:.0f} ms, p99 {figures['p99']:.0f} ms, {cpu:.1f} ms server CPU a scan "
              f"({figures['statuses']})")


def run() -> None:
    sys.path.insert(0, str(ROOT))
    print(f"Check-in API, gunicorn 2 workers, {CLIENTS} concurrent scanners, {BADGES:,} confirmed badges:")
    measured = floor()
    with tempfile.TemporaryDirectory() as folder:
        first, again, cpu_first, cpu_again = serve_and_load(f"sqlite:///{folder}/bench.db")
    report("SQLite (synchronous=NORMAL, the default)", first, again, cpu_first, cpu_again)
    if measured:
        rate, p95, cpu = measured
        print(f"  floor (bare Flask + sqlite3, ../shared/bench/checkin-floor): {rate:.0f} scans/s, p95 {p95:.0f} ms, "
              f"{cpu:.1f} ms server CPU a scan")
        verdicts = [("rate at least half the floor's", first["rate"] >= rate / 2),
                    ("p95 within max(50 ms, 2x floor)", first["p95"] <= max(50, 2 * p95)),
                    ("CPU at most 6 ms a scan", cpu_first <= 6)]
        print("  targets: " + "; ".join(f"{text}: {'yes' if ok else 'NO'}" for text, ok in verdicts))
    else:
        print("  floor not measured: ../shared/bench/checkin-floor is not here")
    # The price of waiting for the disk at every commit (config.py, SQLITE_SYNCHRONOUS).
    with tempfile.TemporaryDirectory() as folder:
        report("SQLite, synchronous=FULL", *serve_and_load(f"sqlite:///{folder}/bench.db", SQLITE_SYNCHRONOUS="FULL"))
    if _postgres_ready():
        first, again, cpu_first, cpu_again = serve_and_load(POSTGRES)
        report("PostgreSQL", first, again, cpu_first, cpu_again)


def _postgres_ready() -> bool:
    """Whether the local PostgreSQL answers; the bench database is made afresh."""
    drop = "DROP DATABASE IF EXISTS bench_checkin"
    made = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", drop],
                          capture_output=True, check=False).returncode == 0
    return made and subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",
                                    "CREATE DATABASE bench_checkin"], capture_output=True, check=False).returncode == 0


if __name__ == "__main__":
    run()
