"""How long `flask badges render <congress> --layout a4` takes for 2,000 badges, start-up included
(target: under 10 s on a 2-core machine), and whether its memory grows with the number of badges.

The floor is measured in the same run: the same badges drawn the plain way (reportlab canvas, one
QR code made by qrcode with its best mask and drawn module by module, no caching), as the issue
describes a first implementation (about 110 badges a second before any caching).

Runs on a throw-away SQLite database, or on DATABASE_URL's when set (it must be empty).
"""
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BADGES, SMALL = 2_000, 500
TARGET = 10.0
ROOT = Path(__file__).resolve().parent.parent
# Runs a command and prints its wall time and its peak resident memory (KB), as one line.
MEASURE = ("import resource, subprocess, sys, time; began = time.perf_counter(); "
           "code = subprocess.run(sys.argv[1:]).returncode; spent = time.perf_counter() - began; "
           "print(code, spent, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def seed(app, counts: dict[str, int]) -> dict[str, str]:
    """Member records and events from the demo, then confirmed registrations in many scripts with their
    badges: counts gives how many for the congress and for the network meeting; returns their slugs."""
    from sqlalchemy import select

    from eventhub.badges.models import Badge
    from eventhub.badges.tokens import digest, new_token
    from eventhub.core.text import fold
    from eventhub.core.transaction import atomic
    from eventhub.core.types import utcnow
    from eventhub.demo.bulk import insert_only, insert_rows
    from eventhub.demo.names import person_name
    from eventhub.events.models import Event
    from eventhub.extensions import db
    from eventhub.members.models import Organisation
    from eventhub.registration.models import Registration

    result = app.test_cli_runner().invoke(args=["demo", "--members", "600", "--attendees", "0", "--sessions", "0"])
    if result.exit_code != 0:
        raise SystemExit(f"flask demo failed:\n{result.output}")
    rng, now = random.Random(2027), utcnow()
    with app.app_context(), atomic():
        events = {kind: db.session.scalar(select(Event).where(Event.kind == kind, Event.status == "published"))
                  for kind in counts}
        organisations = db.session.execute(select(Organisation.id, Organisation.country)).all()
        rows = []
        for n, event in enumerate(e for kind, count in counts.items() for e in [events[kind]] * count):
            organisation = rng.choice(organisations)
            name, _email = person_name(rng, organisation.country)
            category = rng.choices(("delegate", "speaker", "partner", "press", "staff"), (80, 8, 6, 3, 3))[0]
            rows.append({
                "event_id": event.id, "full_name": name, "email": f"badge{n}@bench.example",
                "position": rng.choice(("Mayor", "Deputy Mayor for Climate and Environment", "City Councillor",
                                        "Head of International Relations", "Sustainability Officer")),
                "category": category, "status": "confirmed", "listed": False, "created_at": now, "updated_at": now,
                "waitlisted_at": None, "organisation_id": organisation.id, "organisation_name": None, "answers": {},
                "privacy_consent_at": now, "invitation_sequence": 0, **Registration.new_link_columns("manage", "calendar"),
                "delegation_id": None, "search_text": fold(name),
            })
        ids = insert_rows(Registration, rows, key=("event_id", "email"))
        badges = []
        for row, registration_id in zip(rows, ids):
            token = new_token()
            badges.append({"event_id": row["event_id"], "registration_id": registration_id, "token": token,
                           "token_digest": digest(token), "issued_at": now, "revoked_at": None,
                           "revoked_reason": None, "printed_at": None, "print_count": 0})
        insert_only(Badge, badges)
        return {kind: event.slug for kind, event in events.items()}


def render_command(url: str, slug: str, output: Path) -> tuple[float, int]:
    """Wall seconds and peak memory (MB) of the whole `flask badges render` command in a new process."""
    env = dict(os.environ, DATABASE_URL=url, EVENTHUB_ENV="production", SECRET_KEY="bench", FLASK_APP="wsgi")
    command = [sys.executable, "-c", MEASURE, sys.executable, "-m", "flask", "badges", "render", slug,
               "--output", str(output), "--layout", "a4"]
    finished = subprocess.run(command, check=False, cwd=ROOT, env=env, capture_output=True, text=True)
    code, spent, peak_kb = finished.stdout.split()[-3:]
    if code != "0":
        raise SystemExit(f"flask badges render failed:\n{finished.stderr}")
    return float(spent), int(peak_kb) // 1024


def floor(count: int, output: Path) -> float:
    """Badges a second the plain way: a reportlab canvas, four A6 badges a page, a qrcode QR code with
    its best mask drawn as one rectangle per dark module, text in the embedded font, nothing cached."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from eventhub.badges.tokens import new_token
    from eventhub.printing.typesetting import coverage

    coverage()
    width, height = A4[0] / 2, A4[1] / 2
    began = time.perf_counter()
    canvas = Canvas(str(output), pagesize=A4)
    for n in range(count):
        x, y = (n % 2) * width, (1 - (n % 4) // 2) * height
        canvas.setFont("EH-Sans-Bold", 22)
        canvas.drawString(x + 10 * mm, y + height - 40 * mm, f"Delegate {n}")
        canvas.setFont("EH-Sans", 11)
        canvas.drawString(x + 10 * mm, y + height - 50 * mm, "Deputy Mayor · Malmö stad · Sweden")
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
        code.add_data(new_token())
        code.make(fit=True)
        module = 32 * mm / code.modules_count
        for row, line in enumerate(code.modules):
            for column, dark in enumerate(line):
                if dark:
                    canvas.rect(x + 10 * mm + column * module, y + 15 * mm + (code.modules_count - row) * module,
                                module, module, stroke=0, fill=1)
        if n % 4 == 3:
            canvas.showPage()
    canvas.save()
    return count / (time.perf_counter() - began)


def run() -> float:
    """Seed, then time the command for 2,000 and 500 badges and the plain floor; print the figures."""
    from bench.app import fresh_app

    with fresh_app() as app, tempfile.TemporaryDirectory() as folder:
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        slugs = seed(app, {"congress": BADGES, "network_meeting": SMALL})
        spent, peak = render_command(url, slugs["congress"], Path(folder) / "all.pdf")
        size = (Path(folder) / "all.pdf").stat().st_size
        small_spent, small_peak = render_command(url, slugs["network_meeting"], Path(folder) / "some.pdf")
        with app.app_context():
            plain = floor(300, Path(folder) / "floor.pdf")
    verdict = "within" if spent <= TARGET else "OVER"
    print("flask badges render, A4 four-up, whole command (start-up, database, PDF) on a fresh database:")
    print(f"  {BADGES:,} badges: {spent:.1f} s, {BADGES / spent:.0f} badges/s ({verdict} the {TARGET:.0f} s target), "
          f"peak memory {peak} MB, {size / 1024 / 1024:.1f} MB file")
    print(f"  {SMALL:,} badges: {small_spent:.1f} s, peak memory {small_peak} MB "
          f"(memory for {BADGES:,} is {peak - small_peak:+d} MB)")
    print(f"  floor, the plain way (qrcode best mask, a rectangle per module, no caching): {plain:.0f} badges/s; "
          f"EventHub's rendering is {BADGES / spent / plain:.1f}x that, start-up included")
    return spent


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    run()
