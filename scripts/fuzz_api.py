"""`make fuzz`: schemathesis against the API of a fresh demo instance, as an organiser.

A throwaway SQLite database gets the migrations and the demo data, the organiser gets an API token
(`flask tokens create`), gunicorn serves the app with the production configuration, and schemathesis
sends a bounded number of generated requests to every operation of /api/v1/openapi.json. It fails on
any 5xx and on any answer the document does not describe (status code, content type, headers, body).

FUZZ_EXAMPLES (default 50) bounds the examples per operation; FUZZ_SEED makes a run repeatable (the
default seed is fixed, so CI is too; set another to explore).
"""
import json
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess  # noqa: S404 - runs our own flask, gunicorn and schemathesis with fixed arguments
import sys
import tempfile
import time
import urllib.request
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHECKS = ",".join([
    "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_headers_conformance",
    "response_schema_conformance",
])
ORGANISER = "organiser@eventhub.test"


def free_port() -> int:
    """A port nobody listens on now, for this run's server."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def flask(env: dict, *args: str) -> str:
    """Run a flask command of the app against the throwaway database; its output, or exit on failure."""
    done = subprocess.run([BIN / "flask", *args], env=env, cwd=ROOT, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def known_ids(database: Path) -> dict:
    """Real path parameters of the demo (the congress, a workshop, a registration, a member), so that most
    requests reach the rules instead of a 404; the fuzzer still varies everything else. `badge` is the code
    of someone else's valid badge, scanned before the run so that undoing its check-in has something to undo."""
    with closing(sqlite3.connect(database)) as db:
        slug, event_id = db.execute("SELECT slug, id FROM events WHERE kind = 'congress' ORDER BY id").fetchone()
        registration_id = db.execute("SELECT id FROM registrations WHERE event_id = ? AND status = 'confirmed'"
                                     " ORDER BY id", (event_id,)).fetchone()[0]
        return {
            "slug": slug,
            "session_id": db.execute("SELECT id FROM agenda_sessions WHERE event_id = ? ORDER BY signup_required DESC,"
                                     " id", (event_id,)).fetchone()[0],
            "registration_id": registration_id,
            "member_id": db.execute("SELECT id FROM organisations ORDER BY id").fetchone()[0],
            "badge": db.execute("SELECT token FROM badges WHERE event_id = ? AND registration_id != ? AND revoked_at"
                                " IS NULL ORDER BY id", (event_id, registration_id)).fetchone()[0],
        }


def check_in(base: str, token: str, slug: str, code: str) -> int:
    """Scan a badge through the API; the check-in's id."""
    request = urllib.request.Request(  # noqa: S310 - our own http://127.0.0.1 server
        f"{base}/api/v1/events/{slug}/checkins", method="POST",
        data=json.dumps({"code": code, "station": "Fuzz"}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own http://127.0.0.1 server
        return json.load(response)["checkin_id"]


def wait_until_serving(url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    """Poll the document until the server answers (or give up if it died)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped before serving the API.")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own http://127.0.0.1 server
                return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"No answer from {url} within {seconds:.0f} s.")


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="eventhub-fuzz-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "FLASK_APP": "wsgi", "EVENTHUB_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
           "DATABASE_URL": f"sqlite:///{workdir / 'fuzz.db'}", "BASE_URL": base}
    env.pop("REDIS_URL", None)
    server = None
    try:
        print("Fresh database with the demo data ...", flush=True)
        flask(env, "db", "upgrade")
        flask(env, "demo")
        token = flask(env, "tokens", "create", ORGANISER, "--name", "fuzz").strip().splitlines()[-1]
        # gunicorn's largest request line (8 KB, not 4): a longer URL is refused by gunicorn itself, in HTML,
        # before the app runs; the fuzzer's long invalid query strings should reach the app.
        server = subprocess.Popen(  # noqa: S603
            [BIN / "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--limit-request-line", "8190",
             "--log-level", "warning", "wsgi:app"],
            env=env, cwd=ROOT)
        wait_until_serving(f"{base}/api/v1/openapi.json", server)
        parameters = known_ids(workdir / "fuzz.db")
        parameters["checkin_id"] = check_in(base, token, parameters["slug"], parameters.pop("badge"))
        config = workdir / "schemathesis.toml"
        config.write_text("[parameters]\n" + "".join(f"{name} = {json.dumps(value)}\n"
                                                     for name, value in parameters.items()))
        command = [
            BIN / "schemathesis", "--config-file", str(config), "run", f"{base}/api/v1/openapi.json",
            "--header", f"Authorization: Bearer {token}",
            "--checks", CHECKS,
            "--max-examples", os.environ.get("FUZZ_EXAMPLES", "50"),
            "--seed", os.environ.get("FUZZ_SEED", "12"),
            "--phases", "examples,coverage,fuzzing",
            "--request-timeout", "30",
            "--report", "junit", "--report-dir", str(workdir / "report"),
        ]
        print(f"schemathesis against {base}/api/v1/openapi.json as {ORGANISER} ...", flush=True)
        return subprocess.run(command, cwd=workdir).returncode  # noqa: S603
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
