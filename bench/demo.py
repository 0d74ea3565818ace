"""How long `flask demo --attendees 20000 --sessions 1000` takes on a fresh database (target: a minute).

Runs on a throw-away SQLite database, or on DATABASE_URL's when set (it must be empty).
"""
import time

ATTENDEES, SESSIONS = 20_000, 1_000
TARGET = 60.0


def run() -> float:
    """Migrate a fresh database, time the seeding, print the figure beside its target; returns the seconds."""
    from bench.app import fresh_app

    with fresh_app() as app:
        began = time.perf_counter()
        result = app.test_cli_runner().invoke(args=["demo", "--attendees", str(ATTENDEES), "--sessions", str(SESSIONS)])
        spent = time.perf_counter() - began
    if result.exit_code != 0:
        raise SystemExit(f"flask demo failed:\n{result.output}")
    verdict = "within" if spent <= TARGET else "OVER"
    print(f"flask demo --attendees {ATTENDEES:,} --sessions {SESSIONS:,} on a fresh database:")
    print(f"  {spent:.1f} s ({verdict} the {TARGET:.0f} s target)")
    return spent


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    run()
