"""Several app servers behave as one system.

The first test needs no server: what a process keeps in memory (the last programme PDFs it rendered) must
follow a change another process made. The last runs scripts/two_servers.py (two gunicorn instances on one
PostgreSQL and one Redis) when both answer, and skips otherwise.
"""
import io
import os
import subprocess
import sys

import pytest
from pypdf import PdfReader

from eventhub.agenda.setup import add_kind
from eventhub.audit.services import SYSTEM
from eventhub.core.transaction import atomic
from eventhub.core.types import utcnow
from eventhub.extensions import db
from scripts import two_servers
from tests.factories import at, make_agenda_parts, make_session, open_event


def programme_text(client, event) -> str:
    response = client.get(f"/events/{event.slug}/programme.pdf")
    assert response.status_code == 200
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def test_a_session_kind_renamed_elsewhere_shows_in_the_programme_this_process_kept(client):
    event = open_event()
    event.agenda_published_at = utcnow()
    db.session.commit()
    kinds = make_agenda_parts(event)["kinds"]
    make_session(event, title="Solar rooftops", kind_id=kinds["Workshop"].id, start=at(event, 9), end=at(event, 10))
    assert "Workshop" in programme_text(client, event)  # now in this process's cache
    with atomic():  # as another app server would: only the database changes
        add_kind({"name": "Atelier pratique"}, SYSTEM, kinds["Workshop"])
    text = programme_text(client, event)
    assert "Atelier pratique" in text and "Workshop" not in text


@pytest.mark.skipif(not (two_servers.postgres_answers() and two_servers.redis_answers()),
                    reason="needs PostgreSQL on 127.0.0.1:5432 and Redis (SERVERS_REDIS_URL)")
def test_two_gunicorn_servers_on_one_database_and_redis_behave_as_one():
    # A database of this run's own, so that two suites at once (or `make servers`) do not drop each other's.
    env = dict(os.environ, SERVERS_DATABASE=f"servers_test_{os.getpid()}")
    result = subprocess.run([sys.executable, str(two_servers.ROOT / "scripts" / "two_servers.py")],  # noqa: S603
                            capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "10 confirmed, 30 waitlisted in order" in result.stdout
    assert "then 429 on each" in result.stdout
    assert "10 check-ins, 10 duplicates" in result.stdout
