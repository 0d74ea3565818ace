"""How long the printable programme takes: the demo congress (about 120 sessions), rendered cold,
rendered again (a changed agenda), and served from the per-process cache (an unchanged one).

Runs on a throw-away SQLite database, or on DATABASE_URL's when set.
"""
import statistics
import time


def _timed(action, times: int) -> list[float]:
    """Seconds each of `times` runs of action() took."""
    spent = []
    for _ in range(times):
        began = time.perf_counter()
        action()
        spent.append(time.perf_counter() - began)
    return spent


def run() -> None:
    """Seed the demo congress, then print the figures."""
    from bench.app import fresh_app

    with fresh_app() as app:
        app.test_cli_runner().invoke(args=["demo", "--if-empty"])
        with app.test_request_context():
            from eventhub.agenda import queries
            from eventhub.printing import programme

            from eventhub.events.access import get_event

            event = get_event("world-congress-2027", agenda=True)
            sessions = queries.visible_sessions(event)
            cold = _timed(lambda: programme.programme_pdf(event, sessions), 1)[0]
            warm = _timed(lambda: programme.programme_pdf(event, sessions), 5)
            size = len(programme.programme_pdf(event, sessions))
        client = app.test_client()
        client.get("/events/world-congress-2027/programme.pdf")
        served = _timed(lambda: client.get("/events/world-congress-2027/programme.pdf"), 50)
    print(f"programme.pdf, {len(sessions)} sessions, {size / 1024:.0f} KiB:")
    print(f"  first render in a process (loads fonts): {cold * 1000:.0f} ms")
    print(f"  render after an agenda change:            {statistics.median(warm) * 1000:.0f} ms (median of 5)")
    print(f"  unchanged agenda, from the cache:         {statistics.median(served) * 1000:.1f} ms per request "
          f"({1 / statistics.median(served):.0f} requests/s in one thread)")
