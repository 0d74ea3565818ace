"""The feeds, exports and booklet kept built under the agenda's version (eventhub.core.versions,
eventhub.agenda.scopes, eventhub.core.cache): an unchanged agenda is served without reading it, and
every committed change, made anywhere, shows in the next answer.

Changes are made here the way another app server would make them: in the database only, in their
own unit of work, never through this process's caches.
"""
import re

import pytest
from sqlalchemy import select

from eventhub.agenda import services as agenda
from eventhub.agenda.models import AgendaSession, Room
from eventhub.agenda.scopes import agenda_version
from eventhub.audit.services import SYSTEM
from eventhub.core import cache
from eventhub.core.transaction import atomic
from eventhub.extensions import db
from eventhub.members.services import save_organisation
from tests.factories import at, make_agenda_parts, make_organisation, make_session, open_event

pytestmark = pytest.mark.usefixtures("public_base_url")
REDIS_URL = "redis://127.0.0.1:6379/12"


@pytest.fixture
def congress():
    """A published agenda: two sessions in a room, one with a speaker from a member city."""
    event = open_event(title="Congrès mondial")
    with atomic():
        agenda.publish_agenda(event, SYSTEM)
    parts = make_agenda_parts(event, rooms=("Sala Ipê",))
    room = parts["rooms"][0]
    city = make_organisation(name="Curitiba")
    opening = make_session(event, title="Abertura", room_id=room.id)
    with atomic():
        agenda.set_people(opening, [{"role": "speaker", "name": "Ana Souza", "organisation_id": city.id}], SYSTEM)
    make_session(event, title="Água e clima", start=at(event, 14), end=at(event, 15))
    return event, opening, room, city


def unfolded(response) -> str:
    """The body with iCalendar's folded lines joined again."""
    return re.sub(r"\r\n[ \t]", "", response.get_data(as_text=True))


def test_a_committed_change_gives_the_agenda_a_new_version_and_a_rolled_back_one_does_not(congress):
    event, opening, *_ = congress
    first = agenda_version(event)
    assert first is not None
    with pytest.raises(RuntimeError), atomic():
        opening.title = "Never saved"
        raise RuntimeError("the unit of work fails")
    assert agenda_version(event) == first
    with atomic():
        opening.title = "Abertura oficial"
    assert agenda_version(event) not in (first, None)


def test_an_uncommitted_change_is_never_answered_from_the_cache(client, congress):
    event, opening, *_ = congress
    client.get(f"/events/{event.slug}/agenda.ics")
    opening.title = "Not committed yet"
    db.session.flush()
    assert agenda_version(event) is None  # nothing may be kept under it
    assert "Not committed yet" in unfolded(client.get(f"/events/{event.slug}/agenda.ics"))


def test_another_events_change_leaves_this_agenda_version_alone(congress):
    event, *_ = congress
    before = agenda_version(event)
    other = open_event(title="Network meeting")
    make_session(other, title="Elsewhere")
    assert agenda_version(event) == before


def test_an_unchanged_feed_is_answered_without_reading_the_agenda(client, congress, count_queries):
    event, *_ = congress
    first = client.get(f"/events/{event.slug}/agenda.ics")
    with count_queries() as statements:
        again = client.get(f"/events/{event.slug}/agenda.ics")
    assert again.data == first.data
    assert len(statements) == 2, statements  # the event, the versions


@pytest.mark.parametrize("path", ["agenda.ics", "agenda.ics?day=", "schedule.json", "schedule.xml", "agenda.csv"])
def test_every_kept_answer_follows_a_renamed_session(client, congress, path):
    event, opening, *_ = congress
    assert "Abertura" in unfolded(client.get(f"/events/{event.slug}/{path}"))
    with atomic():
        agenda.save_session(event, {"title": "Abertura solene"}, SYSTEM, session=opening)
    assert "Abertura solene" in unfolded(client.get(f"/events/{event.slug}/{path}"))


def test_the_feed_follows_a_renamed_room_a_renamed_city_and_a_cancellation(client, congress):
    event, opening, room, city = congress
    feed = f"/events/{event.slug}/agenda.ics"
    client.get(feed)
    with atomic():
        db.session.get(Room, room.id).name = "Auditório Paraná"
    assert "Auditório Paraná" in unfolded(client.get(feed))
    with atomic():
        save_organisation({"name": "Prefeitura de Curitiba", "country": "BR"}, city)
    assert "Prefeitura de Curitiba" in unfolded(client.get(feed))
    with atomic():
        agenda.save_session(event, {"status": "cancelled"}, SYSTEM, session=opening)
    assert "STATUS:CANCELLED" in unfolded(client.get(feed))


def test_the_programme_follows_a_change_and_answers_304_while_unchanged(client, congress):
    event, opening, *_ = congress
    booklet = f"/events/{event.slug}/programme.pdf"
    etag = client.get(booklet).headers["ETag"]
    assert client.get(booklet, headers={"If-None-Match": etag}).status_code == 304
    with atomic():
        agenda.save_session(event, {"title": "Abertura solene"}, SYSTEM, session=opening)
    changed = client.get(booklet, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_a_personal_feed_shows_the_change_of_one_of_its_sessions(client, congress):
    from eventhub.agenda import signups
    from tests.factories import make_registration

    event, opening, *_ = congress
    person = make_registration(event, status="confirmed")
    with atomic():
        signups.star(person, opening)
    token = person.issue_calendar_token()
    db.session.commit()
    assert "Abertura" in unfolded(client.get(f"/calendar/{token}.ics"))
    with atomic():
        agenda.save_session(event, {"title": "Abertura solene"}, SYSTEM, session=opening)
    assert "Abertura solene" in unfolded(client.get(f"/calendar/{token}.ics"))


@pytest.fixture
def redis_cache(app):
    """REDIS_URL set to a database of its own, emptied before and after."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.ConnectionError:
        pytest.skip("Redis does not answer at 127.0.0.1:6379")
    app.config["REDIS_URL"] = REDIS_URL
    yield client
    app.config["REDIS_URL"] = None
    client.flushdb()
    cache.clear_local()


def test_a_feed_another_process_built_comes_from_redis(client, congress, redis_cache, count_queries):
    event, *_ = congress
    built = client.get(f"/events/{event.slug}/agenda.ics").data
    cache.clear_local()  # as a process that never built it
    with count_queries() as statements:
        served = client.get(f"/events/{event.slug}/agenda.ics").data
    assert served == built and len(statements) == 2  # DTSTAMP included: not built again


def test_redis_failing_only_means_building_the_feed(client, congress, app):
    event, *_ = congress
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    try:
        assert "Abertura" in unfolded(client.get(f"/events/{event.slug}/agenda.ics"))
    finally:
        app.config["REDIS_URL"] = None
        cache._redis_state["paused_until"] = 0.0


def test_sessions_written_in_bulk_by_the_demo_renew_the_version(runner, app):
    assert runner.invoke(args=["demo", "--members", "20", "--attendees", "10", "--sessions", "12"]).exit_code == 0
    versions = db.session.scalars(select(AgendaSession.event_id).distinct()).all()
    from eventhub.events.models import Event

    for event_id in versions:
        assert agenda_version(db.session.get(Event, event_id)) is not None
