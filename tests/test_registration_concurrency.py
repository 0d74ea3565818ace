"""Never overbook: many registrations and cancellations at once, each on its own connection.

Every worker thread pushes its own app context, so it has its own session and database
connection, exactly like concurrent requests; a Barrier starts them together. The last test
goes through a real threaded HTTP server and the API. Run on SQLite and on PostgreSQL.
"""
import json
import threading
import time
import urllib.error
import urllib.request

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from eventhub.events.models import Event
from eventhub.core.transaction import atomic
from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage
from eventhub.registration import rules, services
from eventhub.registration.models import Registration
from tests.factories import make_token, make_registration, open_event

CAPACITY = 5


def person(n: int) -> dict:
    """A registrant with a name in another script every time."""
    names = ["Łucja", "佐藤", "김민준", "Мария", "محمد", "Νίκος", "José"]
    return {"full_name": f"{names[n % len(names)]} {n}", "email": f"p{n}@example.org",
            "organisation_name": "Villa Nueva", "privacy_consent": "y"}


def run_together(app, jobs) -> list:
    """Run each job in its own thread and app context, started at once; the results in order.

    Any exception in a worker fails the test, after every thread has finished.
    """
    barrier = threading.Barrier(len(jobs))
    results, errors = [None] * len(jobs), []

    def work(index, job):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[index] = job()
            except BaseException as error:  # noqa: BLE001 - reported below, with the thread's traceback
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(n, job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    if errors:
        raise errors[0]
    return results


class Watcher:
    """A thread that keeps counting confirmed places (on its own connection) while the workers run."""

    def __init__(self, app, event_id: int):
        self.app, self.event_id, self.counts = app, event_id, []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch)

    def _watch(self):
        with self.app.app_context():
            while not self.done.is_set():
                self.counts.append(db.session.scalar(select(func.count()).where(
                    Registration.event_id == self.event_id, Registration.status == "confirmed")))
                db.session.rollback()  # a fresh snapshot for the next count
                time.sleep(0.002)
            db.session.remove()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()


def register_job(event_id: int, n: int):
    """A job registering person n; it loads the event in its own session, as a request would."""
    def job():
        with atomic():
            registration = services.register(db.session.get(Event, event_id), person(n))
        return registration.id, registration.status
    return job


def cancel_job(registration_id: int):
    """A job cancelling one registration in its own session."""
    def job():
        with atomic():
            registration = services.cancel(db.session.get(Registration, registration_id))
        return registration.status
    return job


def rows(event_id: int) -> list[Registration]:
    """The event's registrations as the database has them now."""
    db.session.expire_all()
    return list(db.session.scalars(select(Registration).where(Registration.event_id == event_id)))


def waiting_list(event) -> list[int]:
    """Ids on the waiting list, first in line first."""
    return list(db.session.scalars(select(Registration.id).where(
        Registration.event_id == event.id, Registration.status == "waitlisted"
    ).order_by(Registration.waitlisted_at, Registration.id)))


def test_thirty_at_once_confirm_exactly_the_capacity_and_queue_the_rest(app):
    event = open_event(capacity=CAPACITY)
    with Watcher(app, event.id) as watcher:
        results = run_together(app, [register_job(event.id, n) for n in range(30)])
    assert all(results)
    assert max(watcher.counts) <= CAPACITY and len(watcher.counts) > 1
    registrations = rows(event.id)
    assert len(registrations) == 30  # nobody lost
    assert sorted(r.email for r in registrations) == sorted(f"p{n}@example.org" for n in range(30))
    statuses = [r.status for r in registrations]
    assert statuses.count("confirmed") == CAPACITY and statuses.count("waitlisted") == 30 - CAPACITY
    # What each request was told is what the database holds.
    assert {rid: status for rid, status in results} == {r.id: r.status for r in registrations}
    positions = rules.waitlist_positions(event)
    assert sorted(positions.values()) == list(range(1, 30 - CAPACITY + 1))
    # Each person's own position agrees with the list: no gaps, no duplicates.
    assert {r.id: rules.waitlist_position(r) for r in registrations if r.status == "waitlisted"} == positions


def test_cancellations_and_registrations_at_once_never_overbook_and_promote_in_order(app):
    event = open_event(capacity=CAPACITY)
    confirmed = [make_registration(event, email=f"c{n}@example.org") for n in range(CAPACITY)]
    first_waiting = [make_registration(event, email=f"w{n}@example.org") for n in range(10)]
    assert {r.status for r in confirmed} == {"confirmed"} and {r.status for r in first_waiting} == {"waitlisted"}
    queue = waiting_list(event)
    cancelled_ids = [r.id for r in confirmed[:4]]
    jobs = [cancel_job(rid) for rid in cancelled_ids] + [register_job(event.id, 100 + n) for n in range(8)]
    with Watcher(app, event.id) as watcher:
        run_together(app, jobs)
    assert max(watcher.counts) <= CAPACITY
    registrations = {r.id: r for r in rows(event.id)}
    assert len(registrations) == CAPACITY + 10 + 8
    assert {rid for rid, r in registrations.items() if r.status == "cancelled"} == set(cancelled_ids)
    # The four places went to the first four in line, not to a newcomer; the rest keep their order.
    now_confirmed = {rid for rid, r in registrations.items() if r.status == "confirmed"}
    assert now_confirmed == {confirmed[4].id, *queue[:4]}
    after = waiting_list(event)
    assert after[:6] == queue[4:] and len(after) == 6 + 8
    assert sorted(rules.waitlist_positions(event).values()) == list(range(1, 15))
    promoted_mail = db.session.scalar(select(func.count()).where(OutboxMessage.subject.like("A place is free%")))
    assert promoted_mail == 4


def test_concurrent_cancellations_of_everyone_fill_every_freed_place_once(app):
    event = open_event(capacity=CAPACITY)
    confirmed = [make_registration(event, email=f"c{n}@example.org") for n in range(CAPACITY)]
    waiting = [make_registration(event, email=f"w{n}@example.org") for n in range(7)]
    run_together(app, [cancel_job(r.id) for r in confirmed])
    statuses = {r.email: r.status for r in rows(event.id)}
    assert [statuses[r.email] for r in waiting] == ["confirmed"] * 5 + ["waitlisted"] * 2
    assert sorted(rules.waitlist_positions(event).values()) == [1, 2]


@pytest.fixture
def server(app):
    """The app behind a real threaded HTTP server on a free port: one thread per request."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()


def test_concurrent_api_requests_to_a_real_server_never_overbook(app, server, organiser):
    event = open_event(capacity=3)
    _token, secret = make_token(organiser, "load test")
    url = f"{server}/api/v1/events/{event.slug}/registrations"

    def request_job(n):
        def job():
            body = {**person(n), "email": f"api{n % 18}@example.org"}  # two tries per address
            del body["privacy_consent"]  # organisers register others: no consent field in the API
            body = json.dumps(body).encode()
            request = urllib.request.Request(url, data=body, method="POST", headers={
                "Content-Type": "application/json", "Authorization": f"Bearer {secret}"})
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    return response.status, json.load(response)
            except urllib.error.HTTPError as error:
                return error.code, json.load(error)
        return job

    results = run_together(app, [request_job(n) for n in range(36)])
    created = [body for code, body in results if code == 201]
    refused = [body for code, body in results if code != 201]
    assert len(created) == 18 and len(refused) == 18
    assert all(body["code"] == 409 and body["reason"] == "duplicate" for body in refused)
    assert sorted(body["status"] for body in created).count("confirmed") == 3
    assert sorted(body["waitlist_position"] for body in created if body["status"] == "waitlisted") == list(range(1, 16))
    registrations = rows(event.id)
    assert len(registrations) == 18
    assert sum(r.status == "confirmed" for r in registrations) == 3
