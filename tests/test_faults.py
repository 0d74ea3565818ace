"""Faults on congress day: the mail server down during a registration rush, the database out of reach for a
few seconds, a worker killed in the middle of registrations. Nothing is lost or doubled, and the app comes
back by itself.

The first tests run in-process on SQLite and PostgreSQL; the last two start a real gunicorn on a PostgreSQL
database of their own (faults_<pid>) and skip when PostgreSQL does not answer.
"""
import os
import signal
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.exc import OperationalError

from eventhub.core.types import utcnow
from eventhub.extensions import db
from eventhub.mail import sender
from eventhub.mail.models import OutboxMessage
from eventhub.registration.models import Registration
from scripts import two_servers
from tests.factories import make_token, open_event
from tests.test_mail import Inbox, free_port
from tests.test_registration_concurrency import register_job, run_together

RUSH = 20


@pytest.fixture
def inbox(app):
    """A real SMTP server (aiosmtpd) that is down until start(): the app points at a port where nothing listens."""
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    saved = app.config["MAIL_SERVER"], app.config["MAIL_PORT"]
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = "127.0.0.1", free_port()
    started = []

    def start():
        controller.start()
        started.append(True)
        app.config["MAIL_PORT"] = controller.port

    handler.start = start
    yield handler
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = saved
    if started:
        controller.stop()


def outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_mail_server_down_during_a_registration_rush_loses_and_doubles_nothing(app, inbox):
    event = open_event(capacity=5)
    stop = threading.Event()

    def mail_worker():  # `flask mail send --loop` beside the app, failing against the dead server all along
        with app.app_context():
            while not stop.is_set():
                sender.send_due()
                db.session.remove()
                time.sleep(0.01)

    worker = threading.Thread(target=mail_worker)
    worker.start()
    try:
        run_together(app, [register_job(event.id, n) for n in range(RUSH)])
    finally:
        stop.set()
        worker.join(timeout=60)
    sender.send_due()  # the worker's next round, still against the dead server
    messages = outbox()
    assert len(messages) == RUSH and inbox.received == []
    assert {m.status for m in messages} == {"queued"} and all(m.attempts >= 1 for m in messages)

    inbox.start()
    later = utcnow() + timedelta(hours=2)  # every back-off over
    run_together(app, [lambda: sender.send_due(now=later) for _ in range(3)])  # three workers once it is back
    run_together(app, [lambda: sender.send_due(now=later) for _ in range(3)])  # and again: nothing left to send
    recipients = sorted(got.rcpt_tos[0] for got in inbox.received)
    assert recipients == sorted(f"p{n}@example.org" for n in range(RUSH))  # each registrant once
    assert {m.status for m in outbox()} == {"sent"}


class DatabaseDown:
    """Every statement fails as on a dropped connection, or only those matching `only`, until the block ends."""

    def __init__(self, only: str | None = None):
        self.only = only

    def fail(self, conn, cursor, statement, parameters, context, executemany):
        if self.only is None or self.only in statement:
            raise OperationalError(statement, parameters, ConnectionError("server closed the connection unexpectedly"))

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self.fail)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self.fail)


def test_a_database_out_of_reach_answers_503_with_retry_after_then_recovers(client):
    slug = open_event().slug
    with DatabaseDown():
        page = client.get(f"/events/{slug}")
        api = client.get("/api/v1/events")
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert "Nothing was saved" in page.get_data(as_text=True)
    assert api.status_code == 503 and api.headers["Retry-After"] == "5"
    assert api.json["code"] == 503 and "try again" in api.json["message"]
    assert client.get(f"/events/{slug}").status_code == 200  # no restart needed


def test_a_connection_lost_in_the_middle_of_a_registration_leaves_no_half_of_it(client, organiser):
    event = open_event(capacity=10)
    _row, secret = make_token(organiser)
    path, auth = f"/api/v1/events/{event.slug}/registrations", {"Authorization": f"Bearer {secret}"}
    body = {"full_name": "Zoë Łukasiewicz", "email": "zoe@example.org", "organisation_name": "Gdańsk"}
    with DatabaseDown(only="INSERT INTO outbox_messages"):  # the registration's row is already written by then
        lost = client.post(path, json=body, headers=auth)
    assert lost.status_code == 503 and lost.headers["Retry-After"] == "5"
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
    assert outbox() == []
    again = client.post(path, json=body, headers=auth)  # the client retries as told
    assert again.status_code == 201 and again.json["status"] == "confirmed"
    assert [m.recipient for m in outbox()] == ["zoe@example.org"]


needs_postgres = pytest.mark.skipif(not two_servers.postgres_answers(), reason="needs PostgreSQL on 127.0.0.1:5432")


@pytest.fixture(scope="module")
def served():
    """gunicorn (2 workers) on a fresh PostgreSQL database seeded like the two-servers check."""
    name = f"faults_{os.getpid()}"
    url = two_servers.fresh_database(name)
    prepared = two_servers.prepare(url)
    with two_servers.gunicorn(two_servers.server_env(url, redis_url=None)) as (port, server):
        yield {"name": name, "url": url, "port": port, "server": server, **prepared}
    two_servers.drop_database(name)


def postgres(statement: str, **values):
    """Run one statement as the server's administrator, outside the app's database."""
    engine = create_engine(two_servers.POSTGRES + "postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        result = connection.execute(text(statement), values).all() if statement.startswith("SELECT") else None
        if result is None:
            connection.execute(text(statement), values)
    engine.dispose()
    return result


def count(url: str, statement: str, **values) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        value = connection.execute(text(statement), values).scalar()
    engine.dispose()
    return value


def register(served, n: int, prefix: str):
    return two_servers.call(served["port"], "POST", f"/api/v1/events/{served['slug']}/registrations", {
        "full_name": f"Mária {n}", "email": f"{prefix}{n}@example.org", "organisation_name": "Košice"},
        {"Authorization": f"Bearer {served['organiser']}"})


@needs_postgres
def test_gunicorn_answers_503_while_postgres_refuses_connections_and_recovers_without_a_restart(served):
    name, port = served["name"], served["port"]
    before = count(served["url"], "SELECT count(*) FROM registrations")
    assert two_servers.call(port, "GET", f"/events/{served['slug']}")[0] == 200
    postgres(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    try:
        postgres("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name", name=name)
        page = two_servers.call(port, "GET", f"/events/{served['slug']}")
        lost = register(served, 0, "outage")
    finally:
        postgres(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    assert page[0] == 503 and page[1]["Retry-After"] == "5" and b"Nothing was saved" in page[2]
    assert lost[0] == 503 and lost[1]["Retry-After"] == "5"
    assert count(served["url"], "SELECT count(*) FROM registrations") == before  # nothing half-written
    assert two_servers.call(port, "GET", f"/events/{served['slug']}")[0] == 200  # the same processes
    assert register(served, 0, "outage")[0] == 201
    assert served["server"].poll() is None


def workers_of(master: int) -> list[int]:
    """The gunicorn workers: the master's children, from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2:].split()[1]) == master:
                children.append(int(entry.name))
    return children


@needs_postgres
def test_a_worker_killed_in_the_middle_of_registrations_leaves_no_orphan_rows_nor_lost_mail(served):
    people = 40

    def kill_a_worker():
        # Released with the requests (not timed from before the threads exist: starting them may take
        # longer than the delay), so the kill lands while requests are in flight.
        time.sleep(0.03)
        for pid in workers_of(served["server"].pid)[:1]:
            os.kill(pid, signal.SIGKILL)

    jobs = [lambda n=n: register(served, n, "killed") for n in range(people)]
    answers = two_servers.together(jobs + [kill_a_worker])[:people]
    broken = [n for n, answer in enumerate(answers) if isinstance(answer, Exception) or answer[0] != 201]
    assert broken, "the kill came too late to cut any request"
    two_servers.wait_for(served["port"])
    for n in broken:  # the client retries: made once, or refused as already made (its first try had committed)
        assert register(served, n, "killed")[0] in (201, 409)
    url, like = served["url"], "killed%@example.org"
    assert count(url, "SELECT count(*) FROM registrations WHERE email LIKE :like", like=like) == people
    assert count(url, "SELECT count(DISTINCT email) FROM registrations WHERE email LIKE :like", like=like) == people
    # Every registration has its one e-mail, and no e-mail went out for a registration that is not there.
    assert count(url, "SELECT count(*) FROM outbox_messages WHERE recipient LIKE :like", like=like) == people
    assert count(url, "SELECT count(DISTINCT recipient) FROM outbox_messages WHERE recipient LIKE :like", like=like) == people
    # Each confirmed place has its badge.
    assert count(url, "SELECT count(*) FROM registrations r LEFT JOIN badges b ON b.registration_id = r.id "
                      "WHERE r.email LIKE :like AND r.status = 'confirmed' AND b.id IS NULL", like=like) == 0
