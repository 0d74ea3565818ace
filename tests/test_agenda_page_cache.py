"""The public agenda page's list kept between requests (eventhub/agenda/page_cache.py): served again
without loading the sessions, changed at once by any change to the agenda, the places left always
current, and never one visitor's buttons shown to another, nor one language's page to another."""
import re

import pytest
from flask import g

from eventhub.agenda import services
from eventhub.agenda.models import AgendaSession
from eventhub.audit.services import SYSTEM
from eventhub.core import cache
from eventhub.core.transaction import atomic
from eventhub.extensions import db
from tests.factories import at, make_registration, make_session, make_workshop, open_event, publish_agenda
from tests.test_agenda_personal import PersonBrowser, remember, signup_url


@pytest.fixture
def event():
    return publish_agenda(open_event(capacity=100, timezone="Europe/Lisbon", length_days=3, days_from_now=20))


@pytest.fixture
def redis_cache(app):
    """REDIS_URL set to a database of its own (not the feeds tests' one), emptied before and after."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url("redis://127.0.0.1:6379/14")
    try:
        client.flushdb()
    except redis.ConnectionError:
        pytest.skip("Redis does not answer at 127.0.0.1:6379")
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/14"
    yield client
    app.config["REDIS_URL"] = None
    client.flushdb()
    cache.clear_local()


@pytest.fixture
def plenary(event):
    return make_session(event, title="Opening plenary", start=at(event, 9), end=at(event, 10))


def page(client, event, **args) -> str:
    response = client.get(f"/events/{event.slug}/agenda", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def titles(html) -> list[str]:
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a>', html)


def edit(event, session, **values):
    """Change a session as the organisers' form does."""
    with atomic():
        services.save_session(event, values, SYSTEM, session)


def test_an_unchanged_agenda_is_served_again_without_loading_its_sessions(client, event, plenary, count_queries):
    with count_queries() as first:
        html = page(client, event)
    with count_queries() as again:
        assert page(client, event) == html
    assert "Opening plenary" in html
    assert len(again) < len(first)
    assert not any("agenda_sessions" in statement for statement in again), again


def test_the_page_changes_right_after_a_session_is_renamed(client, event, plenary):
    assert titles(page(client, event)) == ["Opening plenary"]
    edit(event, plenary, title="Plenary of mayors")
    assert titles(page(client, event)) == ["Plenary of mayors"]


def test_a_session_moved_to_another_day_leaves_the_first_day_at_once(client, event, plenary):
    later = make_session(event, title="Water workshop", start=at(event, 11), end=at(event, 12))
    first_day, second_day = at(event, 0)[:10], at(event, 0, day=1)[:10]
    assert titles(page(client, event, day=first_day)) == ["Opening plenary", "Water workshop"]
    assert ">Today<" not in page(client, event, day=second_day)
    edit(event, later, start=at(event, 11, day=1), end=at(event, 12, day=1))
    assert titles(page(client, event, day=first_day)) == ["Opening plenary"]
    assert titles(page(client, event, day=second_day)) == ["Water workshop"]
    assert titles(page(client, event, day="all")) == ["Opening plenary", "Water workshop"]


def test_a_cancelled_session_shows_cancelled_at_once_without_buttons(client, event, plenary):
    delegate = make_registration(event, full_name="Ama Mensah")
    browser = PersonBrowser(client)
    remember(browser, delegate)
    assert "☆ Add to my agenda" in page(client, event)
    edit(event, plenary, status="cancelled")
    html = page(client, event)
    assert "is-cancelled" in html and "Cancelled" in html
    assert "Add to my agenda" not in html


def test_the_filters_are_kept_apart(client, event, plenary):
    room = make_workshop(event, title="Solar rooftops workshop").room_id
    assert titles(page(client, event)) == ["Opening plenary", "Solar rooftops workshop"]
    assert titles(page(client, event, room=room)) == ["Solar rooftops workshop"]
    assert titles(page(client, event, q="solar")) == ["Solar rooftops workshop"]
    assert titles(page(client, event, q="plenary")) == ["Opening plenary"]
    assert titles(page(client, event)) == ["Opening plenary", "Solar rooftops workshop"]


def test_one_visitors_stars_and_sign_ups_never_show_to_another(app, event, plenary):
    workshop = make_workshop(event, seats=5)
    first, second = (make_registration(event, full_name=name) for name in ("Ama Mensah", "Björn Berg"))
    ama, bjorn, anyone = PersonBrowser(app.test_client()), PersonBrowser(app.test_client()), app.test_client()
    remember(ama, first)
    remember(bjorn, second)
    ama.post(signup_url(event, plenary, "star"))
    ama.post(signup_url(event, workshop))
    html = page(ama.client, event)
    assert html.count("★ Remove from my agenda") == 1 and "You have a place" in html
    for html in (page(bjorn.client, event), page(anyone, event)):
        assert "★ Remove from my agenda" not in html and "You have a place" not in html
        assert "Ama Mensah" not in html
    html = page(bjorn.client, event)
    assert html.count("☆ Add to my agenda") == 2 and "Björn Berg" in html
    assert "Add to my agenda" not in page(anyone, event)


def test_places_left_follow_every_sign_up_though_the_agenda_is_unchanged(app, event):
    workshop = make_workshop(event, seats=2)
    anyone = app.test_client()
    assert "(2 places left)" in page(anyone, event)
    for name in ("Ama Mensah", "Björn Berg"):
        browser = PersonBrowser(app.test_client())
        remember(browser, make_registration(event, full_name=name))
        browser.post(signup_url(event, workshop))
    html = page(anyone, event)
    assert "Sign-up required (full)" in html and "places left" not in html
    late = PersonBrowser(app.test_client())
    remember(late, make_registration(event, full_name="Chidi Okafor"))
    assert "Join the waiting list" in page(late.client, event)


def test_english_and_french_pages_are_kept_apart(app, client, event, plenary, monkeypatch):
    babel = app.extensions["babel"]

    def in_language(code):
        monkeypatch.setattr(babel, "locale_selector", lambda: code)
        g.pop("_flask_babel", None)  # the tests share one app context, where Flask-Babel keeps the locale
        return page(client, event)

    english, french = in_language("en"), in_language("fr")
    assert "9:00\u202fAM" in english or "9:00 AM" in english
    assert "09:00" in french and "AM" not in french
    assert in_language("en") == english
    assert in_language("fr") == french


def test_a_cached_page_runs_a_fixed_number_of_queries(browser, event, count_queries):
    delegate = make_registration(event, full_name="Ama Mensah")
    remember(browser, delegate)
    make_session(event, title="One")
    page(browser.client, event)
    with count_queries() as few:
        page(browser.client, event)
    for n in range(6):
        session = make_workshop(event, title=f"Workshop {n}", start=at(event, 8 + n), end=at(event, 9 + n))
        browser.post(signup_url(event, session, "star"))
        browser.post(signup_url(event, session))
    page(browser.client, event)
    with count_queries() as more:
        html = page(browser.client, event)
    assert html.count("★ Remove from my agenda") == 6 and html.count("You have a place") == 6
    assert len(more) == len(few), more


def test_an_agenda_written_in_bulk_without_a_version_is_built_every_time(client, event, plenary):
    db.session.execute(db.delete(db.metadata.tables["content_versions"]))
    db.session.commit()
    assert titles(page(client, event)) == ["Opening plenary"]
    db.session.execute(db.update(AgendaSession).values(title="Renamed in bulk"))
    db.session.commit()
    assert titles(page(client, event)) == ["Renamed in bulk"]


def test_a_list_another_process_built_comes_from_redis(client, event, plenary, redis_cache, count_queries):
    make_workshop(event, seats=3)
    built = page(client, event, day=at(event, 0)[:10])
    cache.clear_local()  # as a process that never built it
    with count_queries() as statements:
        served = page(client, event, day=at(event, 0)[:10])
    assert served == built and "(3 places left)" in served
    assert not any("agenda_sessions" in statement for statement in statements), statements
