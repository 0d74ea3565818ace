"""The timetable editor in a real browser (Debian's chromium through Playwright): an organiser builds and
reshuffles a 12-room congress day by mouse and by keyboard, and every save is checked in the database."""
import os
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from eventhub.agenda.models import AgendaSession, Room, Track
from eventhub.extensions import db
from tests.factories import at, make_event, make_session, make_user
from tests.fake_camera import CHROMIUM, chromium_available
from tests.test_registration_concurrency import server  # noqa: F401  (the live-server fixture)
from tests.browser_support import sign_in

pytestmark = pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed")

ROOM_NAMES = ("Plenary hall", "Sala Ipê", "Зал Москва", "서울 홀", "قاعة القاهرة", "Salle Lyon", "Sala Łódź",
              "Room 8", "Room 9", "Room 10", "Room 11", "Room 12")


def congress_day(sessions: int = 0):
    """A draft congress in São Paulo with 12 rooms and two tracks; `sessions` sessions on its first day,
    spread over the rooms from 09:00 (a wide range of lengths, so titles must fit small cards)."""
    start = datetime.now().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=40)
    event = make_event(status="draft", timezone="America/Sao_Paulo", start=start.replace(hour=8),
                       end=(start + timedelta(days=2)).replace(hour=18))
    rooms = [Room(event_id=event.id, name=name, capacity=100 + 20 * n, position=n) for n, name in enumerate(ROOM_NAMES)]
    tracks = [Track(event_id=event.id, name="Clima", colour="#2e7d32"), Track(event_id=event.id, name="Água", colour="#0277bd")]
    db.session.add_all(rooms + tracks)
    db.session.commit()
    lengths = (60, 90, 45, 30, 120)
    for n in range(sessions):
        room, slot = rooms[n % len(rooms)], n // len(rooms)
        begins = 9 * 60 + slot * 130
        make_session(event, title=f"Sessão {n}: cidades resilientes e a transição energética local", room_id=room.id,
                     track_id=tracks[n % 2].id, start=at(event, 0, begins), end=at(event, 0, begins + lengths[n % 5]))
    return event, rooms


def local(event, value) -> str:
    """A stored time as the event's wall clock, "HH:MM"."""
    return value.astimezone(ZoneInfo(event.timezone)).strftime("%H:%M")


def saved(session_id: int) -> AgendaSession:
    db.session.expire_all()
    return db.session.get(AgendaSession, session_id)




def open_timetable(playwright, base, event, width=1440, height=900):
    """A signed-in organiser's browser on the event's timetable, first day."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
    page = browser.new_page(viewport={"width": width, "height": height})
    sign_in(page, base, "olga@example.org")
    page.goto(f"{base}/manage/events/{event.slug}/agenda/")
    page.wait_for_selector(".tt-session")
    return browser, page


def shot(page, tmp_path, name: str) -> None:
    """A screenshot to look at: in $SCREENSHOTS when set (e.g. SCREENSHOTS=/tmp/shots), else the test's tmp_path."""
    folder = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"timetable-{name}.png"))


def centre(box) -> tuple[float, float]:
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def row_top(page, label: str, minutes: int = 0) -> float:
    """The screen y of a time on the grid: the "HH:00" or "HH:30" line, plus `minutes` (5-minute rows)."""
    cell = page.locator(".tt-time", has_text=label).bounding_box()
    return cell["y"] + cell["height"] / 3 * minutes / 5


def column_x(page, room_index: int) -> float:
    box = page.locator(".tt-room").nth(room_index).bounding_box()
    return box["x"] + box["width"] / 2


def drag(page, start: tuple[float, float], end: tuple[float, float], steps: int = 12) -> None:
    """Press, move as a hand does, release; returns once the move's answer has arrived."""
    page.mouse.move(*start)
    page.mouse.down()
    for step in range(1, steps + 1):
        page.mouse.move(start[0] + (end[0] - start[0]) * step / steps, start[1] + (end[1] - start[1]) * step / steps)
    with page.expect_response(lambda r: "/move" in r.url):
        page.mouse.up()


def grab(page, session) -> tuple[float, float]:
    """A point near the top of a card, on its body (not its title link's text, not its lower edge)."""
    box = page.locator(f"#session-{session.id}").bounding_box()
    return box["x"] + box["width"] - 8, box["y"] + 4


def where(event, session_id: int) -> tuple:
    moved = saved(session_id)
    return moved.room_id, local(event, moved.start_at), local(event, moved.end_at)


def test_dragging_the_lower_edge_changes_only_the_end(server):  # noqa: F811
    from playwright.sync_api import sync_playwright

    event, rooms = congress_day()
    make_user(email="olga@example.org")
    # A long title and several speakers: more text than the card shows, as at a real congress.
    session = make_session(event, title="Financiamento climático para cidades intermediárias: do plano ao projeto "
                           "bancável, com exemplos da América Latina e da África", room_id=rooms[2].id,
                           start=at(event, 10), end=at(event, 11))
    with sync_playwright() as playwright:
        browser, page = open_timetable(playwright, server, event)
        card = page.locator(f"#session-{session.id}")
        card.scroll_into_view_if_needed()
        height = card.bounding_box()["height"]  # 60 minutes
        handle = card.locator(".tt-resize")
        x, y = centre(handle.bounding_box())
        page.mouse.move(x, y)
        page.mouse.down()
        # 30 minutes further down, in small steps as a hand moves.
        for step in range(1, 11):
            page.mouse.move(x, y + height / 2 * step / 10)
        with page.expect_response(lambda r: "/move" in r.url):
            page.mouse.up()
        browser.close()
    moved = saved(session.id)
    assert (moved.room_id, local(event, moved.start_at), local(event, moved.end_at)) == (rooms[2].id, "10:00", "11:30")


@pytest.mark.parametrize("width, height", [(1440, 900), (1920, 1080)])
def test_a_twelve_room_day_fits_the_screen_and_reads_well(server, tmp_path, width, height):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    event, rooms = congress_day(sessions=60)
    odd = make_session(event, title="Almoço de trabalho dos prefeitos", room_id=rooms[5].id,
                       start=at(event, 12, 10), end=at(event, 12, 55))
    make_user(email="olga@example.org")
    with sync_playwright() as playwright:
        browser, page = open_timetable(playwright, server, event, width, height)
        page.locator(".tt-workspace").scroll_into_view_if_needed()
        shot(page, tmp_path, f"{width}")
        # The whole width is the workspace: 12 rooms side by side, nothing sticks out of the page.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        scroller = page.locator(".tt-scroll").bounding_box()
        headers = page.locator(".tt-room")
        assert headers.count() == 12
        assert headers.nth(11).bounding_box()["x"] + headers.nth(11).bounding_box()["width"] <= scroller["x"] + scroller["width"]
        # Day tabs sit side by side without overlapping.
        tabs = [page.locator(".tt-days a").nth(n).bounding_box() for n in range(3)]
        assert all(a["x"] + a["width"] <= b["x"] for a, b in zip(tabs, tabs[1:]))
        # 12:10 is drawn at 12:10: two 5-minute rows below the 12:00 line.
        noon = page.locator(".tt-time", has_text="12:00").bounding_box()
        card = page.locator(f"#session-{odd.id}")
        card.scroll_into_view_if_needed()
        noon = page.locator(".tt-time", has_text="12:00").bounding_box()
        row = noon["height"] / 3
        assert abs(card.bounding_box()["y"] - 1 - (noon["y"] + 2 * row)) < 1.5
        assert abs(card.bounding_box()["height"] + 2 - 9 * row) < 1.5
        # Hovering shows the details beside the card without changing the card.
        before = card.bounding_box()
        card.hover()
        expect(card.locator(".tt-pop")).to_be_visible()
        assert card.bounding_box() == before
        shot(page, tmp_path, f"{width}-hover")
        # Scrolled down, the room names stay on top.
        page.locator(".tt-scroll").evaluate("el => el.scrollBy(0, 500)")
        assert abs(headers.first.bounding_box()["y"] - scroller["y"]) < 2
        browser.close()


def test_dragging_a_session_moves_it_to_another_room_and_time_in_five_minute_steps(server):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    event, rooms = congress_day()
    make_user(email="olga@example.org")
    session = make_session(event, title="Plenária de abertura", room_id=rooms[0].id, start=at(event, 9), end=at(event, 10))
    with sync_playwright() as playwright:
        browser, page = open_timetable(playwright, server, event)
        page.locator(".tt-workspace").scroll_into_view_if_needed()
        x, y = grab(page, session)
        offset = y - (row_top(page, "09:00") + 1)
        drag(page, (x, y), (column_x(page, 6), row_top(page, "10:30", 5) + 1 + offset))
        expect(page.locator(".tt-message")).to_contain_text("10:35–11:35")
        assert page.url.endswith("/agenda/")  # the release did not open the session's form
        # The card now stands where it was saved, in the seventh room's column.
        card = page.locator(f"#session-{session.id}").bounding_box()
        assert abs(card["x"] - page.locator(".tt-room").nth(6).bounding_box()["x"]) < 4
        browser.close()
    assert where(event, session.id) == (rooms[6].id, "10:35", "11:35")


def test_the_grid_scrolls_while_a_session_is_dragged_near_its_edge(server):  # noqa: F811
    from playwright.sync_api import sync_playwright

    event, rooms = congress_day()
    make_user(email="olga@example.org")
    session = make_session(event, title="Visita técnica", room_id=rooms[1].id, start=at(event, 8), end=at(event, 9))
    with sync_playwright() as playwright:
        browser, page = open_timetable(playwright, server, event, 1440, 900)
        page.locator(".tt-workspace").scroll_into_view_if_needed()
        x, y = grab(page, session)
        offset = y - (row_top(page, "08:00") + 1)
        scroller = page.locator(".tt-scroll").bounding_box()
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x, y + 20)
        page.mouse.move(x, min(scroller["y"] + scroller["height"], 900) - 10)  # hold it near the bottom edge
        page.wait_for_function("""() => {
            const box = document.querySelector('.tt-scroll').getBoundingClientRect();
            const four = [...document.querySelectorAll('.tt-time')].find(el => el.textContent.trim() === '16:00');
            return four.getBoundingClientRect().bottom < Math.min(box.bottom, innerHeight) - 80;
        }""")
        page.mouse.move(column_x(page, 1), row_top(page, "16:00") + 1 + offset)
        page.mouse.move(column_x(page, 1), row_top(page, "16:00") + 1 + offset + 1)
        with page.expect_response(lambda r: "/move" in r.url):
            page.mouse.up()
        browser.close()
    assert where(event, session.id) == (rooms[1].id, "16:00", "17:00")


def test_the_tray_gives_a_session_a_room_and_takes_it_away_again(server, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    event, rooms = congress_day()
    make_user(email="olga@example.org")
    loose = make_session(event, title="Oficina sem sala", start=at(event, 15), end=at(event, 16, 30))
    placed = make_session(event, title="Painel de prefeitas", room_id=rooms[3].id, start=at(event, 9), end=at(event, 10))
    with sync_playwright() as playwright:
        browser, page = open_timetable(playwright, server, event)
        page.locator(".tt-workspace").scroll_into_view_if_needed()
        tray = page.locator(".tt-tray")
        expect(tray.locator(f"#session-{loose.id}")).to_be_visible()
        expect(tray.locator(".tt-tray-count")).to_have_text("(1)")
        # From the tray into the last room at 11:00: it keeps its 90 minutes.
        box = tray.locator(f"#session-{loose.id}").bounding_box()
        drag(page, (box["x"] + box["width"] - 10, box["y"] + 4), (column_x(page, 11), row_top(page, "11:00") + 3))
        expect(page.locator(f".tt-grid #session-{loose.id}")).to_be_visible()
        assert where(event, loose.id) == (rooms[11].id, "11:00", "12:30")
        # From the grid into the tray: no room, same times.
        target = tray.bounding_box()
        drag(page, grab(page, placed), (target["x"] + 300, target["y"] + target["height"] / 2))
        expect(tray.locator(f"#session-{placed.id}")).to_be_visible()
        expect(tray.locator(".tt-tray-count")).to_have_text("(1)")
        shot(page, tmp_path, "tray")
        browser.close()
    assert where(event, placed.id) == (None, "09:00", "10:00")


def test_undo_takes_back_the_last_moves_one_by_one_and_never_over_a_newer_change(server):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    from eventhub.agenda import services
    from eventhub.audit.services import SYSTEM
    from eventhub.core.transaction import atomic

    event, rooms = congress_day()
    make_user(email="olga@example.org")
    first = make_session(event, title="Sessão A", room_id=rooms[0].id, start=at(event, 9), end=at(event, 10))
    second = make_session(event, title="Sessão B", room_id=rooms[1].id, start=at(event, 9), end=at(event, 10))
    with sync_playwright() as playwright:
        browser, page = open_timetable(playwright, server, event)
        page.locator(".tt-workspace").scroll_into_view_if_needed()
        undo = page.locator(".tt-undo")
        expect(undo).to_be_disabled()
        drag(page, grab(page, first), (column_x(page, 4), grab(page, first)[1] + (row_top(page, "10:00") - row_top(page, "09:00"))))
        drag(page, grab(page, first), (column_x(page, 5), grab(page, first)[1]))
        drag(page, grab(page, second), (column_x(page, 2), grab(page, second)[1]))
        assert where(event, first.id) == (rooms[5].id, "10:00", "11:00")
        expect(undo).to_be_enabled()
        expect(page.locator("#tt-undo-what")).to_contain_text("Sessão B")
        with page.expect_response(lambda r: "/move" in r.url):
            undo.click()
        assert where(event, second.id) == (rooms[1].id, "09:00", "10:00")
        with page.expect_response(lambda r: "/move" in r.url):
            page.keyboard.press("Control+z")
        assert where(event, first.id) == (rooms[4].id, "10:00", "11:00")
        # Someone else moves Sessão A meanwhile: undo refuses to put it back over their change.
        with atomic():
            services.save_session(event, {"start": at(event, 16), "end": at(event, 17)}, SYSTEM, saved(first.id))
        with page.expect_response(lambda r: "/move" in r.url) as answer:
            page.keyboard.press("Control+z")
        assert answer.value.status == 409
        expect(page.locator(".tt-message")).to_contain_text("changed elsewhere")
        assert where(event, first.id) == (rooms[4].id, "16:00", "17:00")
        expect(undo).to_be_disabled()
        browser.close()


def test_the_keyboard_moves_resizes_changes_room_and_opens_a_session(server):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    event, rooms = congress_day()
    make_user(email="olga@example.org")
    session = make_session(event, title="Mesa redonda", room_id=rooms[2].id, start=at(event, 10), end=at(event, 11))
    with sync_playwright() as playwright:
        browser, page = open_timetable(playwright, server, event)
        moves = []
        page.on("request", lambda r: moves.append(r.url) if "/move" in r.url else None)
        live = page.locator(".tt-message")
        expect(page.locator("#tt-keys-hint")).to_contain_text("Arrow keys")
        page.locator(f"#session-{session.id} .tt-title").focus()
        with page.expect_response(lambda r: "/move" in r.url):
            for _ in range(3):
                page.keyboard.press("ArrowDown")
            expect(live).to_contain_text("10:15–11:15, Зал Москва")  # said at once, saved after a pause
        assert where(event, session.id) == (rooms[2].id, "10:15", "11:15") and len(moves) == 1
        expect(live).to_contain_text("is saved")
        with page.expect_response(lambda r: "/move" in r.url):
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
            page.keyboard.press("Shift+ArrowDown")
            page.keyboard.press("Shift+ArrowDown")
        assert where(event, session.id) == (rooms[4].id, "10:15", "11:25") and len(moves) == 2
        # The focus stays on the session, which stands in its new column.
        assert page.evaluate("document.activeElement.closest('.tt-session').id") == f"session-{session.id}"
        # Esc before the pause: nothing is saved, the card goes back.
        page.keyboard.press("ArrowUp")
        page.keyboard.press("Escape")
        page.wait_for_timeout(1200)
        assert len(moves) == 2 and where(event, session.id) == (rooms[4].id, "10:15", "11:25")
        expect(live).to_contain_text("10:15–11:25")
        # Left of the first room is the tray; → puts it back into the first room.
        with page.expect_response(lambda r: "/move" in r.url):
            for _ in range(5):
                page.keyboard.press("ArrowLeft")
        assert where(event, session.id) == (None, "10:15", "11:25")
        expect(page.locator(f".tt-tray #session-{session.id}")).to_be_visible()
        with page.expect_response(lambda r: "/move" in r.url):
            page.keyboard.press("ArrowRight")
        assert where(event, session.id) == (rooms[0].id, "10:15", "11:25")
        # Undo from the keyboard, then Enter opens the session's form.
        with page.expect_response(lambda r: "/move" in r.url):
            page.keyboard.press("Control+z")
        assert where(event, session.id) == (None, "10:15", "11:25")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/agenda/sessions/{session.id}")
        browser.close()


def test_a_drop_on_a_taken_room_is_refused_and_a_speaker_in_two_places_is_flagged(server, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    from eventhub.agenda import services
    from eventhub.audit.services import SYSTEM
    from eventhub.core.transaction import atomic

    event, rooms = congress_day()
    make_user(email="olga@example.org")
    plenary = make_session(event, title="Plenária", room_id=rooms[0].id, start=at(event, 9), end=at(event, 11))
    workshop = make_session(event, title="Oficina", room_id=rooms[1].id, start=at(event, 12), end=at(event, 13))
    for s in (plenary, workshop):
        with atomic():
            services.set_people(s, [{"role": "speaker", "name": "Zoë Ångström"}], SYSTEM)
    with sync_playwright() as playwright:
        browser, page = open_timetable(playwright, server, event)
        page.locator(".tt-workspace").scroll_into_view_if_needed()
        card = page.locator(f"#session-{workshop.id}")
        before = card.bounding_box()
        x, y = grab(page, workshop)
        offset = y - (row_top(page, "12:00") + 1)
        with page.expect_response(lambda r: "/move" in r.url) as answer:
            page.mouse.move(x, y)
            page.mouse.down()
            for step in range(1, 11):
                page.mouse.move(x + (column_x(page, 0) - x) * step / 10, y + (row_top(page, "10:00") + 1 + offset - y) * step / 10)
            expect(page.locator(".tt-ghost")).to_have_class(re.compile(r"\btt-conflict\b"))  # shown as taken before the drop
            page.mouse.up()
        assert answer.value.status == 409
        expect(page.locator(".tt-message")).to_contain_text("Plenary hall is already booked for “Plenária”")
        expect(card).to_have_css("grid-column-start", "3")
        assert card.bounding_box() == before
        assert where(event, workshop.id) == (rooms[1].id, "12:00", "13:00")
        # Into the next room at the same hour: saved, and the speaker's clash is marked on both cards.
        expect(page.locator("#tt-clash-summary")).to_have_text("No clashes.")
        page.locator(f"#session-{workshop.id} .tt-title").focus()
        with page.expect_response(lambda r: "/move" in r.url):
            for _ in range(24):
                page.keyboard.press("ArrowUp")
        assert where(event, workshop.id) == (rooms[1].id, "10:00", "11:00")
        for s in (plenary, workshop):
            expect(page.locator(f"#session-{s.id}")).to_have_class(re.compile(r"\btt-has-clash\b"))
        expect(page.locator(f"#session-{plenary.id} .tt-clashes")).to_contain_text("Zoë Ångström is in")
        expect(page.locator("#tt-clash-summary a")).to_have_text("0 errors and 1 warning on the clashes page.")
        page.locator(f"#session-{plenary.id}").hover()
        shot(page, tmp_path, "clash")
        browser.close()


def test_the_timetable_has_no_serious_accessibility_problem(server, tmp_path):  # noqa: F811
    from playwright.sync_api import sync_playwright

    from tests.test_accessibility import AXE, RUN_AXE

    event, rooms = congress_day(sessions=24)
    make_session(event, title="Sem sala", start=at(event, 15), end=at(event, 16))
    make_user(email="olga@example.org")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(bypass_csp=True, viewport={"width": 1440, "height": 900})
        sign_in(page, server, "olga@example.org")
        page.goto(f"{server}/manage/events/{event.slug}/agenda/")
        page.locator(".tt-keys summary").click()  # the keys' help open, a card's details shown
        page.locator(".tt-grid .tt-session .tt-title").first.focus()
        page.evaluate(AXE)
        found = page.evaluate(RUN_AXE)
        shot(page, tmp_path, "keys-help")
        browser.close()
    assert found == []


def test_an_organiser_builds_and_reshuffles_a_twelve_room_day_by_mouse_and_keyboard(server):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    event, rooms = congress_day(sessions=36)  # the morning is full; the programme committee's new sessions wait
    lengths = (60, 90, 45, 30, 120, 60)
    new = [make_session(event, title=f"Nova sessão {n}", status="draft", start=at(event, 15), end=at(event, 15, lengths[n]))
           for n in range(6)]
    make_user(email="olga@example.org")
    with sync_playwright() as playwright:
        browser, page = open_timetable(playwright, server, event, 1920, 1080)
        saves = []
        page.on("response", lambda r: saves.append((r.status, r.json()["session"])) if "/move" in r.url else None)
        page.locator(".tt-workspace").scroll_into_view_if_needed()
        page.locator(".tt-scroll").evaluate("el => el.scrollBy(0, 10000)")  # the empty afternoon
        tray = page.locator(".tt-tray")
        # By mouse: three from the tray into rooms 1, 6 and 12.
        for session, room, hour in zip(new[:3], (0, 5, 11), ("15:30", "16:00", "17:00")):
            box = tray.locator(f"#session-{session.id}").bounding_box()
            drag(page, (box["x"] + box["width"] - 10, box["y"] + 4), (column_x(page, room), row_top(page, hour) + 3))
        # By keyboard: three more, → into the first room at their own time, then on to rooms 3, 4 and 5, 10 minutes later.
        for session, room in zip(new[3:], (2, 3, 4)):
            page.locator(f"#session-{session.id} .tt-title").focus()
            with page.expect_response(lambda r: "/move" in r.url):
                for _ in range(room + 1):
                    page.keyboard.press("ArrowRight")
                page.keyboard.press("ArrowDown")
                page.keyboard.press("ArrowDown")
        expect(tray.locator(".tt-tray-count")).to_have_text("(0)")
        # Reshuffle: the first one moves to room 7 half an hour later (mouse), the second ends later (its edge),
        # the fourth goes 15 minutes later (keys).
        x, y = grab(page, new[0])
        drag(page, (x, y), (column_x(page, 6), y + row_top(page, "16:00") - row_top(page, "15:30")))
        handle = page.locator(f"#session-{new[1].id} .tt-resize").bounding_box()
        hx, hy = centre(handle)
        drag(page, (hx, hy), (hx, hy + row_top(page, "16:30") - row_top(page, "16:00")))
        page.locator(f"#session-{new[3].id} .tt-title").focus()
        with page.expect_response(lambda r: "/move" in r.url):
            for _ in range(3):
                page.keyboard.press("ArrowDown")
        page.wait_for_timeout(300)
        browser.close()
    expected = [
        (new[0].id, rooms[0].id, "15:30", "16:30"), (new[1].id, rooms[5].id, "16:00", "17:30"),
        (new[2].id, rooms[11].id, "17:00", "17:45"), (new[3].id, rooms[2].id, "15:10", "15:40"),
        (new[4].id, rooms[3].id, "15:10", "17:10"), (new[5].id, rooms[4].id, "15:10", "16:10"),
        (new[0].id, rooms[6].id, "16:00", "17:00"), (new[1].id, rooms[5].id, "16:00", "18:00"),
        (new[3].id, rooms[2].id, "15:25", "15:55"),
    ]
    # Every save was one the organiser meant, in order, and nothing else was saved.
    assert [(status, s["id"], s["room_id"], s["start"][-5:], s["end"][-5:]) for status, s in saves] == \
        [(200, *row) for row in expected]
    final = {row[0]: row[1:] for row in expected}
    assert {s.id: where(event, s.id) for s in new} == final


def test_without_javascript_the_move_forms_and_slot_links_do_the_work(server):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    event, rooms = congress_day()
    make_user(email="olga@example.org")
    session = make_session(event, title="Plenária", room_id=rooms[0].id, start=at(event, 9), end=at(event, 10))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_context(java_script_enabled=False, viewport={"width": 1440, "height": 900}).new_page()
        sign_in(page, server, "olga@example.org")
        page.goto(f"{server}/manage/events/{event.slug}/agenda/")
        expect(page.locator(".tt-undo")).to_be_hidden()  # undo needs the script
        form = page.locator(f"#move-{session.id} form")
        expect(form).to_be_visible()
        form.locator("select[name=room_id]").select_option(label="Salle Lyon")
        form.locator("input[name=duration]").fill("45")
        form.locator("button").click()
        expect(page.locator(".flash-success")).to_contain_text("“Plenária” is saved")
        assert where(event, session.id) == (rooms[5].id, "09:00", "09:45")
        page.locator(".tt-slot[href*='T11:15']").nth(2).click()
        assert f"room_id={rooms[2].id}" in page.url and "start=" in page.url
        browser.close()


def test_on_a_phone_the_grid_scrolls_inside_the_page_and_the_tabs_wrap(server, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    event, rooms = congress_day(sessions=24)
    make_user(email="olga@example.org")
    with sync_playwright() as playwright:
        browser, page = open_timetable(playwright, server, event, 390, 844)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # only the grid scrolls sideways
        tabs = [page.locator(".tt-days a").nth(n).bounding_box() for n in range(3)]
        assert all(box["x"] >= 0 and box["x"] + box["width"] <= 390 for box in tabs)
        shot(page, tmp_path, "phone-top")
        page.locator(".tt-workspace").scroll_into_view_if_needed()
        page.locator(".tt-scroll").evaluate("el => el.scrollBy(400, 150)")
        # Scrolled sideways, the times stay on the left.
        expect(page.locator(".tt-time").first).to_be_visible()
        left = page.locator(".tt-scroll").bounding_box()["x"]
        assert abs(page.locator(".tt-time", has_text="10:00").bounding_box()["x"] - left) < 2
        shot(page, tmp_path, "phone")
        browser.close()


def touch(cdp, kind: str, x: float | None = None, y: float | None = None) -> None:
    """One touch event from the screen, as a finger makes it (Chromium's input domain)."""
    points = [] if x is None else [{"x": x, "y": y}]
    cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})


def test_on_a_tablet_a_slide_scrolls_the_grid_and_a_held_finger_moves_the_session(server):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    event, rooms = congress_day()
    make_user(email="olga@example.org")
    session = make_session(event, title="Oficina de resiliência", room_id=rooms[0].id, start=at(event, 8),
                           end=at(event, 9))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1024, "height": 768}, has_touch=True, is_mobile=True)
        sign_in(page, server, "olga@example.org")
        page.goto(f"{server}/manage/events/{event.slug}/agenda/")
        page.locator(".tt-workspace").scroll_into_view_if_needed()
        cdp = page.context.new_cdp_session(page)
        moves = []
        page.on("request", lambda request: moves.append(request.url) if "/move" in request.url else None)
        # A quick slide up over the card: the grid scrolls, nothing is picked up or saved.
        x, y = grab(page, session)
        before = page.evaluate("document.querySelector('.tt-scroll').scrollTop")
        touch(cdp, "touchStart", x, y + 10)
        for step in range(1, 9):
            touch(cdp, "touchMove", x, y + 10 - step * 20)
        touch(cdp, "touchEnd")
        page.wait_for_timeout(500)
        assert page.evaluate("document.querySelector('.tt-scroll').scrollTop") > before
        page.evaluate("document.querySelector('.tt-scroll').scrollTop = 0")
        # A finger held on the card lifts it, and it stays lifted when the finger lets go; the next touch on it
        # drags it like a mouse (a lifted card does not scroll, so a busy phone cannot turn the drag into a scroll).
        x, y = grab(page, session)
        offset = y - (row_top(page, "08:00") + 1)
        touch(cdp, "touchStart", x, y)
        page.wait_for_timeout(700)
        touch(cdp, "touchEnd")
        expect(page.locator(f"#session-{session.id}")).to_have_class(re.compile("tt-lifted"))
        assert moves == []
        touch(cdp, "touchStart", x, y)
        end_x, end_y = column_x(page, 2), row_top(page, "09:00", 15) + 1 + offset
        for step in range(1, 11):
            touch(cdp, "touchMove", x + (end_x - x) * step / 10, y + (end_y - y) * step / 10)
        with page.expect_response(lambda r: "/move" in r.url):
            touch(cdp, "touchEnd")
        expect(page.locator(".tt-message")).to_contain_text("09:15–10:15")
        browser.close()
    assert len(moves) == 1
    assert where(event, session.id) == (rooms[2].id, "09:15", "10:15")


def test_an_unscheduled_draft_waits_in_the_tray_and_lands_an_hour_long_where_it_is_dropped(server):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    from eventhub.agenda import services
    from eventhub.audit.services import SYSTEM
    from eventhub.core.transaction import atomic

    event, rooms = congress_day()
    make_user(email="olga@example.org")
    with atomic():
        waiting = services.save_session(event, {"title": "Oficina ainda sem horário", "status": "draft"}, SYSTEM)
    with sync_playwright() as playwright:
        browser, page = open_timetable(playwright, server, event)
        page.locator(".tt-workspace").scroll_into_view_if_needed()
        card = page.locator(f".tt-tray #session-{waiting.id}")
        expect(card).to_contain_text("No time yet")
        box = card.bounding_box()
        drag(page, (box["x"] + box["width"] - 10, box["y"] + 4), (column_x(page, 4), row_top(page, "14:00") + 3))
        expect(page.locator(f".tt-grid #session-{waiting.id}")).to_be_visible()
        expect(page.locator(".tt-message")).to_contain_text("14:00–15:00")
        expect(page.locator(".tt-undo")).to_be_disabled()  # placing it cannot be taken back by a move
        browser.close()
    assert where(event, waiting.id) == (rooms[4].id, "14:00", "15:00")
    assert saved(waiting.id).status == "draft"
