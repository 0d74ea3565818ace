"""How long an organiser waits when cancelling a congress: every registrant's e-mail, with the
calendar withdrawal for those with a place, is queued in the same request.

Runs on a throw-away SQLite database, or on DATABASE_URL's when set.
"""
import secrets
import time
from datetime import datetime, timedelta, timezone

REGISTRANTS = 1500


def run() -> None:
    """Register REGISTRANTS people (inserted directly), then time the cancellation."""
    from bench.app import fresh_app

    with fresh_app() as app:
        from eventhub.core.transaction import atomic
        from eventhub.events.services import save_event, set_status
        from eventhub.extensions import db
        from eventhub.registration.models import Registration

        # A POST, as the organiser's cancel button is: the unit of work refuses to write in a GET.
        with app.test_request_context(method="POST"):
            start = datetime.now(timezone.utc) + timedelta(days=30)
            with atomic():
                event = save_event({"kind": "congress", "title": f"Bench congress {secrets.token_hex(3)}",
                                    "timezone": "Europe/Lisbon", "start": start, "end": start + timedelta(days=3)})
                set_status(event, "published")
                db.session.add_all([
                    Registration(event_id=event.id, full_name=f"Delegate {n}", email=f"delegate{n}@example.org",
                                 status="confirmed", category="delegate", answers={},
                                 **Registration.new_link_columns("manage", "calendar"))
                    for n in range(REGISTRANTS)
                ])
            began = time.perf_counter()
            with atomic():  # the whole request: the status, 1,500 e-mails and the commit
                set_status(event, "cancelled")
            spent = time.perf_counter() - began
    print(f"cancelling an event with {REGISTRANTS} confirmed registrations (e-mails + calendar withdrawals queued):")
    print(f"  {spent:.2f} s ({spent / REGISTRANTS * 1000:.1f} ms per registrant)")
