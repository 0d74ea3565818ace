"""The agenda on a phone: one day at a time, folded filters, now and next, a light page for a
congress day of 300 sessions, and the read-only grid by room for a big screen."""
import os
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from eventhub.agenda.models import AgendaSession, SessionPerson
from eventhub.extensions import db
from tests.conftest import Browser
from tests.factories import (at, make_agenda_parts, make_organisation, make_registration, make_session, open_event,
                             publish_agenda)
from tests.fake_camera import CHROMIUM, chromium_available
from tests.test_registration_concurrency import server  # noqa: F401  (the live-server fixture)

SPEAKERS = ("Ana Souza", "Олена Коваль", "김민준", "مريم الحسن", "Nguyễn Thị Hoa")
TOPICS = ("Climate-resilient water systems for coastal cities", "Financing the energy transition locally",
          "Participatory budgeting in practice", "Heat action plans for dense neighbourhoods")


def make_cities():
    """Four member cities, their local names in Cyrillic, Hangul and Arabic script (and one without)."""
    return [make_organisation(name=name, local_name=local, country=country) for name, local, country in
            (("Kyiv", "Київ", "UA"), ("Seoul", "서울특별시", "KR"), ("São Paulo", None, "BR"),
             ("Casablanca", "الدار البيضاء", "MA"))]


def congress_day(event, rooms=20, slots=15, speakers=2, day=0, cities=None):
    """`rooms` × `slots` half-hour sessions on one day of the event (from 08:00 local), each with
    `speakers` speakers from cities whose names come in several scripts: a full congress day.

    Inserted directly in one commit (no services), like tests.factories.bulk_sessions."""
    parts = make_agenda_parts(event, rooms=[f"Sala {n} · Pavilhão Norte" for n in range(rooms)],
                              tracks=[("Energy", "#2e7d32"), ("Água", "#0277bd"), ("Habitação", "#6a1b9a")])
    cities = cities or make_cities()
    kinds = list(parts["kinds"].values())
    start = datetime.fromisoformat(at(event, 8, day=day)).replace(tzinfo=ZoneInfo(event.timezone))
    sessions = []
    for n in range(rooms * slots):
        begins = start + timedelta(minutes=30 * (n // rooms))
        session = AgendaSession(
            event_id=event.id, title=f"{TOPICS[n % len(TOPICS)]} ({n})", start_at=begins,
            end_at=begins + timedelta(minutes=30), room_id=parts["rooms"][n % rooms].id,
            track_id=parts["tracks"][n % 3].id, kind_id=kinds[n % len(kinds)].id, status="scheduled",
            signup_required=n % 5 == 0, language="pt" if n % 7 == 0 else "en", interpretation=n % 14 == 0)
        session.people = [SessionPerson(name=f"{SPEAKERS[(n + k) % len(SPEAKERS)]} {n}-{k}", position=k,
                                        position_title="Deputy Mayor" if k == 0 else None,
                                        organisation_id=cities[(n + k) % len(cities)].id)
                          for k in range(speakers)]
        sessions.append(session)
    db.session.add_all(sessions)
    db.session.commit()
    return parts


def page(client, event, **args):
    return get(client, f"/events/{event.slug}/agenda", **args)


def get(client, url, **args):
    response = client.get(url, query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def titles(html):
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a>', html)


@pytest.fixture
def event():
    return publish_agenda(open_event(timezone="Asia/Seoul", days_from_now=20, length_days=3))


@pytest.fixture
def three_days(event):
    """One session on each of the event's three days."""
    return [make_session(event, title=f"Day {n + 1} plenary", start=at(event, 9, day=n), end=at(event, 10, day=n))
            for n in range(3)]


def test_a_congress_day_of_300_sessions_is_under_150_kb_in_a_fixed_number_of_queries(client, event, count_queries):
    small_event, cities = publish_agenda(open_event(timezone="Asia/Seoul", days_from_now=20)), make_cities()
    congress_day(small_event, rooms=2, slots=5, cities=cities)
    url = f"/events/{small_event.slug}/agenda"
    with count_queries() as small:
        assert len(titles(get(client, url))) == 10
    congress_day(event, rooms=20, slots=15, speakers=2, cities=cities)
    url = f"/events/{event.slug}/agenda"
    with count_queries() as large:
        html = get(client, url)
    assert len(titles(html)) == 300
    size = len(html.encode())
    assert size < 150_000, f"{size} bytes"
    assert all(name in html for name in ("Олена Коваль", "김민준", "مريم الحسن", "Nguyễn Thị Hoa", "Seoul", "Casablanca"))
    assert len(large) == len(small), large


def test_the_300_session_day_stays_under_150_kb_with_the_star_and_sign_up_buttons(event):
    from flask import current_app

    congress_day(event, rooms=20, slots=15, speakers=2)
    delegate = make_registration(event, full_name="Mi-rae Park")
    browser = Browser(current_app.test_client())
    browser.get(f"/registrations/{delegate.manage_token}/agenda")  # the device remembers the delegate
    html = page(browser.client, event)
    assert html.count("☆ Add to my agenda") == 300 and html.count("Sign up") >= 60
    size = len(html.encode())
    assert size < 150_000, f"{size} bytes"


def test_one_day_at_a_time_the_first_day_before_the_event(client, event, three_days):
    html = page(client, event)
    assert titles(html) == ["Day 1 plenary"]
    tabs = html[html.index('class="day-tabs'):html.index("</nav>", html.index('class="day-tabs'))]
    assert tabs.count("<li>") == 4 and "All days" in tabs and 'aria-current="page"' in tabs
    assert "Now and next" not in tabs  # the event is three weeks away
    second = three_days[1].start_at.astimezone(ZoneInfo(event.timezone)).date().isoformat()
    assert titles(page(client, event, day=second)) == ["Day 2 plenary"]
    assert titles(page(client, event, day="all")) == ["Day 1 plenary", "Day 2 plenary", "Day 3 plenary"]
    assert titles(page(client, event, day="now")) == ["Day 1 plenary"]  # not on yet: the first day
    assert titles(page(client, event, day="junk")) == ["Day 1 plenary"]


# Venues whose offsets span 17 hours: at any moment one of them is between 03:00 and 19:00.
LIVE_ZONES = ("Asia/Seoul", "Asia/Kolkata", "Europe/Berlin", "America/Sao_Paulo", "America/Los_Angeles")


def daytime_zone() -> str:
    """A venue where it is now between 03:00 and 19:00, so that what runs now, and the next few hours, fall on
    the venue's today (in Seoul at 15:10 UTC, a session started 30 minutes ago began yesterday)."""
    now = datetime.now(timezone.utc)
    return next(zone for zone in LIVE_ZONES if 3 <= now.astimezone(ZoneInfo(zone)).hour < 19)


def live_event(**values):
    """An event that began yesterday and ends the day after tomorrow, at a venue where it is daytime now."""
    return publish_agenda(open_event(timezone=daytime_zone(), days_from_now=-1, length_days=3, **values))


def test_during_the_event_today_is_shown_first_with_now_and_next_offered(client):
    event = live_event()
    now = datetime.now(timezone.utc)
    make_session(event, title="Yesterday's plenary", start=now - timedelta(days=1), end=now - timedelta(days=1, minutes=-60))
    make_session(event, title="Running now", start=now - timedelta(minutes=30), end=now + timedelta(minutes=30))
    html = page(client, event)
    assert "Running now" in html and "Yesterday's plenary" not in html
    assert "Now and next" in html and ">Today<" in html


def test_now_and_next_lists_what_runs_and_what_starts_within_two_hours(client):
    event = live_event()
    now = datetime.now(timezone.utc)
    make_session(event, title="Over already", start=now - timedelta(hours=2), end=now - timedelta(hours=1))
    make_session(event, title="Mayors' plenary", start=now - timedelta(minutes=30), end=now + timedelta(minutes=30))
    make_session(event, title="Water workshop", start=now + timedelta(minutes=45), end=now + timedelta(minutes=90))
    cancelled = make_session(event, title="Called off", start=now + timedelta(minutes=50), end=now + timedelta(minutes=95),
                             status="cancelled")
    make_session(event, title="Much later", start=now + timedelta(hours=3), end=now + timedelta(hours=4))
    html = page(client, event, day="now")
    assert titles(html) == ["Mayors&#39; plenary", "Water workshop", "Called off"]
    assert html.index(">Now<") < html.index("Mayors") < html.index(">Next<") < html.index("Water workshop")
    assert "Cancelled" in html[html.index(f'id="session-{cancelled.id}"'):]


def test_now_and_next_says_what_comes_next_when_nothing_is_near(client):
    event = live_event()
    now = datetime.now(timezone.utc)
    make_session(event, title="Tomorrow morning", start=now + timedelta(hours=20), end=now + timedelta(hours=21))
    make_session(event, title="Tomorrow afternoon", start=now + timedelta(hours=25), end=now + timedelta(hours=26))
    html = page(client, event, day="now")
    assert "Nothing is running right now." in html and "Nothing starts in the next 2 hours." in html
    assert titles(html) == ["Tomorrow morning"]


def test_filters_are_folded_until_one_narrows_the_list(client, event, three_days):
    html = page(client, event)
    assert re.search(r'<details class="agenda-filters[^"]*">', html)  # closed
    html = page(client, event, q="plenary")
    assert re.search(r'<details class="agenda-filters[^"]*" open>', html)
    assert "Clear the filters" in html


def test_a_search_lands_on_the_day_it_finds_something_and_the_tabs_count_matches(client, event, three_days):
    make_session(event, title="Water and cities", start=at(event, 11, day=2), end=at(event, 12, day=2))
    html = page(client, event, q="water")
    assert titles(html) == ["Water and cities"]
    assert html.count("(0 matches)") == 2 and "(1 match)" in html
    first = three_days[0].start_at.astimezone(ZoneInfo(event.timezone)).date().isoformat()
    html = page(client, event, q="water", day=first)  # a day chosen: it stays
    assert titles(html) == [] and "the day tabs say where the matches are" in html
    assert titles(page(client, event, q="water", day="all")) == ["Water and cities"]


def test_day_tabs_keep_the_filters_and_the_filter_form_keeps_the_day(client, event, three_days):
    second = three_days[1].start_at.astimezone(ZoneInfo(event.timezone)).date().isoformat()
    html = page(client, event, day=second, q="plenary")
    assert f'name="day" type="hidden" value="{second}"' in html
    assert "day=all&amp;q=plenary" in html


def test_a_session_page_goes_back_to_its_own_day_at_its_card(client, event, three_days):
    third = three_days[2]
    html = get(client, f"/events/{event.slug}/sessions/{third.id}")
    day = third.start_at.astimezone(ZoneInfo(event.timezone)).date().isoformat()
    assert f'href="/events/{event.slug}/agenda?day={day}#session-{third.id}"' in html
    assert f'id="session-{third.id}"' in page(client, event, day=day)


def test_the_list_buttons_star_and_sign_up_through_the_one_form_and_come_back_to_the_card(browser, event):
    from eventhub.agenda.models import SignUp, Star

    workshop = make_session(event, title="Solar roofs", signup_required=True)
    other = publish_agenda(open_event())
    elsewhere = make_session(other, title="Elsewhere")
    delegate = make_registration(event, full_name="Mi-rae Park")
    browser.get(f"/registrations/{delegate.manage_token}/agenda")
    html = page(browser.client, event)
    assert html.count('name="csrf_token"') == 2  # the list's one form, and "forget me"
    assert f'<button name="star" value="{workshop.id}">' in html and f'<button name="signup" value="{workshop.id}">' in html
    marks, back = f"/events/{event.slug}/agenda/marks", f"/events/{event.slug}/agenda?day=all"
    for action in ("star", "signup"):
        response = browser.post(marks, {action: workshop.id, "next": back})
        assert response.status_code == 302 and response.headers["Location"].endswith(f"{back}#session-{workshop.id}")
    assert db.session.query(Star).filter_by(registration_id=delegate.id).count() == 1
    assert db.session.query(SignUp).filter_by(registration_id=delegate.id, status="confirmed").count() == 1
    html = page(browser.client, event, day="all")
    assert "★ Remove from my agenda" in html and "You have a place" in html
    assert browser.post(marks, {"cancel-signup": workshop.id, "next": back}).status_code == 302
    assert browser.post(marks, {"unstar": workshop.id, "next": back}).status_code == 302
    assert db.session.query(Star).filter_by(registration_id=delegate.id).count() == 0
    assert db.session.query(SignUp).filter_by(registration_id=delegate.id, status="confirmed").count() == 0
    # Elsewhere: no button pressed, another event's session, a foreign address to go back to, no CSRF token.
    assert browser.post(marks, {"next": back}).status_code == 400
    assert browser.post(marks, {"star": elsewhere.id}).status_code == 404
    response = browser.post(marks, {"star": workshop.id, "next": "https://evil.example/"})
    assert response.headers["Location"].endswith(f"/events/{event.slug}/sessions/{workshop.id}#session-{workshop.id}")
    assert browser.client.post(marks, data={"star": workshop.id}).status_code == 400


def test_the_agenda_links_to_the_grid_by_room_of_the_day_shown(client, event, three_days):
    html = page(client, event)
    first = three_days[0].start_at.astimezone(ZoneInfo(event.timezone)).date().isoformat()
    assert f"/events/{event.slug}/agenda/rooms?day={first}" in html


# The grid by room ------------------------------------------------------------------------------------


def grid_page(client, event, **args):
    response = client.get(f"/events/{event.slug}/agenda/rooms", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_grid_puts_rooms_in_columns_and_sessions_at_their_exact_minutes(client, event):
    parts = make_agenda_parts(event, rooms=("Plenary hall", "Sala Ipê", "Empty room"))
    hall, ipe = parts["rooms"][0], parts["rooms"][1]
    odd = make_session(event, title="Starts at ten past twelve", room_id=ipe.id, start=at(event, 12, 10), end=at(event, 13, 25))
    make_session(event, title="Opening", room_id=hall.id, start=at(event, 9), end=at(event, 10, 30))
    make_session(event, title="Site visit to the port", start=at(event, 14), end=at(event, 17))
    make_session(event, title="Tomorrow", room_id=hall.id, start=at(event, 9, day=1), end=at(event, 10, day=1))
    html = grid_page(client, event)
    headings = re.findall(r'<h2 class="rg-head"[^>]*>(?:<[^>]+>)*([^<]+)', html)
    assert headings == ["Plenary hall", "Sala Ipê", "No room"]  # rooms in their order; unused rooms left out
    assert "Tomorrow" not in html
    card = html[html.index(f'id="session-{odd.id}"'):html.index("</li>", html.index(f'id="session-{odd.id}"'))]
    # The grid starts at 09:00: 12:10 is 190 minutes down, and the session lasts 75 minutes.
    assert "--top:190;--length:75" in card
    assert re.search(r"12:10\sPM</time> –\s*<time[^>]*>1:25\sPM", card)


def test_grid_is_a_list_per_room_for_screen_readers(client, event):
    parts = make_agenda_parts(event)
    make_session(event, title="Opening", room_id=parts["rooms"][0].id, start=at(event, 9), end=at(event, 10))
    html = grid_page(client, event)
    section = html[html.index('<section class="rg-room"'):]
    assert re.match(r'<section class="rg-room" aria-labelledby="(room-\d+)">\s*<h2 class="rg-head" id="\1"', section)
    assert "<ol" in section[:section.index("Opening")]
    assert f'href="/events/{event.slug}/agenda?day=' in html  # back to the list


def test_grid_shows_overlapping_sessions_of_a_room_side_by_side(client, event):
    parts = make_agenda_parts(event)
    hall = parts["rooms"][0].id
    make_session(event, title="Called off", room_id=hall, start=at(event, 10), end=at(event, 11), status="cancelled")
    make_session(event, title="Instead", room_id=hall, start=at(event, 10), end=at(event, 11))
    html = grid_page(client, event)
    assert html.count("--lane:0;--lanes:2") == 1 and html.count("--lane:1;--lanes:2") == 1


def test_grid_of_a_day_and_its_query_count(client, event, count_queries):
    small_event, cities = publish_agenda(open_event(timezone="Asia/Seoul", days_from_now=20)), make_cities()
    congress_day(small_event, rooms=2, slots=2, cities=cities)
    url = f"/events/{small_event.slug}/agenda/rooms"
    with count_queries() as small:
        get(client, url)
    congress_day(event, rooms=12, slots=10, day=1, cities=cities)
    url, second = f"/events/{event.slug}/agenda/rooms", datetime.fromisoformat(at(event, 0, day=1)).date().isoformat()
    with count_queries() as large:
        html = get(client, url, day=second)
    assert html.count('class="rg-session') == 120
    assert len(large) == len(small)


def test_grid_and_agenda_are_hidden_with_the_agenda(client):
    event = open_event()
    assert client.get(f"/events/{event.slug}/agenda/rooms").status_code == 404


# In a real browser --------------------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed")
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1440, "height": 900}
# Where to keep screenshots to look at (SCREENSHOT_DIR=/some/folder); none are taken without it.
SHOTS = os.environ.get("SCREENSHOT_DIR")


def shoot(page, name):
    """Keep a screenshot of the page as it is, to look at."""
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"c-{name}.png"))


def first_card_in_view(page):
    """The first session card's box, asserting that its title is visible without scrolling."""
    box = page.locator("main article").first.bounding_box()
    title = page.locator("main article h3").first.bounding_box()
    viewport = page.viewport_size
    assert page.evaluate("window.scrollY") == 0
    assert 0 <= box["y"] and title["y"] + title["height"] <= viewport["height"], (box, title)
    return box


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


@needs_chromium
def test_on_a_phone_the_first_session_of_a_congress_day_is_in_the_first_screen(server):  # noqa: F811
    from playwright.sync_api import sync_playwright

    event = publish_agenda(open_event(title="Fórum Mundial de Cidades São Paulo 2027", timezone="America/Sao_Paulo",
                                      days_from_now=20, length_days=3))
    congress_day(event, rooms=8, slots=6)
    for day in (1, 2, 3):  # more days, for their tabs
        make_session(event, title=f"Plenary of day {day + 1}", start=at(event, 9, day=day), end=at(event, 10, day=day))
    delegate = make_registration(event, full_name="Mi-rae Park")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        phone = browser.new_page(viewport=PHONE)
        phone.goto(f"{server}/events/{event.slug}/agenda")
        first_card_in_view(phone)
        no_sideways_scroll(phone)
        assert phone.locator("nav.day-tabs li").count() == 5  # four days and "All days", in two rows at most
        assert phone.locator("nav.day-tabs ul").bounding_box()["height"] < 90
        shoot(phone, "agenda-phone")
        # The filters unfold with one tap and fold again.
        phone.click("details.agenda-filters > summary")
        assert phone.locator("#q").is_visible()
        shoot(phone, "agenda-phone-filters")
        phone.click("details.agenda-filters > summary")
        # The delegate, remembered on the phone: the buttons are there and the card still is.
        phone.goto(f"{server}/registrations/{delegate.manage_token}/agenda")
        phone.goto(f"{server}/events/{event.slug}/agenda")
        first_card_in_view(phone)
        no_sideways_scroll(phone)
        shoot(phone, "agenda-phone-remembered")
        phone.locator("main article button[name=star]").first.click()
        assert phone.locator("main article").first.locator("button[name=unstar]").is_visible()
        assert phone.url.endswith("#session-" + phone.locator("main article").first.get_attribute("id")[8:])
        desktop = browser.new_page(viewport=DESKTOP)
        desktop.goto(f"{server}/events/{event.slug}/agenda")
        first_card_in_view(desktop)
        no_sideways_scroll(desktop)
        shoot(desktop, "agenda-desktop")
        browser.close()


@needs_chromium
def test_on_a_phone_now_and_next_is_in_the_first_screen(server):  # noqa: F811
    from playwright.sync_api import sync_playwright

    event = live_event(title="Congresso Mundial das Cidades")
    parts = make_agenda_parts(event, rooms=[f"Sala {n}" for n in range(6)])
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    for n, room in enumerate(parts["rooms"]):
        make_session(event, title=f"Running in Sala {n}", room_id=room.id, start=now - timedelta(minutes=20),
                     end=now + timedelta(minutes=40))
        make_session(event, title=f"Next in Sala {n}", room_id=room.id, start=now + timedelta(minutes=60),
                     end=now + timedelta(minutes=120))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        phone = browser.new_page(viewport=PHONE)
        phone.goto(f"{server}/events/{event.slug}/agenda")
        assert phone.locator("main article h3").first.inner_text().startswith("Running in")  # today, now
        phone.click("text=Now and next")
        first_card_in_view(phone)
        no_sideways_scroll(phone)
        shoot(phone, "now-and-next-phone")
        browser.close()


@needs_chromium
def test_the_grid_by_room_on_a_big_screen_and_as_a_list_on_a_phone(server):  # noqa: F811
    from playwright.sync_api import sync_playwright

    from tests.test_accessibility import AXE, RUN_AXE

    event = publish_agenda(open_event(timezone="Europe/Lisbon", days_from_now=20))
    parts = congress_day(event, rooms=10, slots=12)
    odd = make_session(event, title="Starts at ten past two", room_id=parts["rooms"][3].id,
                       start=at(event, 14, 10), end=at(event, 15))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        desktop = browser.new_page(viewport=DESKTOP, bypass_csp=True)
        desktop.goto(f"{server}/events/{event.slug}/agenda")
        desktop.click("text=Rooms side by side")
        grid = desktop.locator(".rg-scroll")
        no_sideways_scroll(desktop)
        # Exact minutes: 14:10 sits a sixth of an hour below the 14:00 line.
        two = desktop.locator(".rg-times span", has_text=re.compile(r"^2:00")).bounding_box()
        three = desktop.locator(".rg-times span", has_text=re.compile(r"^3:00")).bounding_box()
        card = desktop.locator(f"#session-{odd.id}").bounding_box()
        assert abs(card["y"] - (two["y"] + (three["y"] - two["y"]) / 6)) <= 1, (card, two, three)
        assert abs(card["height"] - (three["y"] - two["y"]) * 50 / 60) <= 1
        shoot(desktop, "grid-desktop")
        # Scrolled down and sideways, the room names and the hours stay in sight.
        grid.evaluate("element => { element.scrollTop = 500; element.scrollLeft = 600; }")
        head = desktop.locator(".rg-head").nth(6).bounding_box()
        assert abs(head["y"] - grid.bounding_box()["y"]) <= 2
        times = desktop.locator(".rg-times").bounding_box()
        assert abs(times["x"] - grid.bounding_box()["x"]) <= 2
        shoot(desktop, "grid-desktop-scrolled")
        desktop.evaluate(AXE)
        assert desktop.evaluate(RUN_AXE) == []
        phone = browser.new_page(viewport=PHONE)
        phone.goto(f"{server}/events/{event.slug}/agenda/rooms")
        no_sideways_scroll(phone)
        assert phone.locator(".rg-times").is_hidden()
        first = phone.locator(".rg-session").first.bounding_box()
        assert first["width"] > 300  # a list, not a 11rem column
        shoot(phone, "grid-phone")
        browser.close()


@needs_chromium
def test_the_agenda_has_no_serious_accessibility_problem_in_each_view(server):  # noqa: F811
    from playwright.sync_api import sync_playwright

    from tests.test_accessibility import AXE, RUN_AXE

    event = live_event(title="Fórum Urbano")
    now = datetime.now(timezone.utc)
    make_session(event, title="Cidades e água — الماء والمدن", start=now - timedelta(minutes=10),
                 end=now + timedelta(minutes=50), signup_required=True)
    delegate = make_registration(event, full_name="Ana Lima")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport=PHONE, bypass_csp=True)
        page.goto(f"{server}/registrations/{delegate.manage_token}/agenda")
        found = []
        for view in ("", "?day=now", "?day=all", "?q=agua"):
            page.goto(f"{server}/events/{event.slug}/agenda{view}")
            page.evaluate(AXE)
            found += [f"{view}: {problem}" for problem in page.evaluate(RUN_AXE)]
        browser.close()
    assert found == []
