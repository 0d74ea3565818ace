"""Long unbroken names (the fields allow 200 characters) wrap instead of making pages wider than the
screen, on a phone and on a desktop, in Debian's chromium; the registrations table keeps its status
and actions in sight. The mobile delegation form does not scroll sideways either."""
import os
import re

import pytest

from eventhub.agenda import services as agenda
from eventhub.audit.services import SYSTEM
from eventhub.core.transaction import atomic
from tests.factories import (at, make_agenda_parts, make_delegation, make_organisation, make_registration,
                             make_session, make_user, open_event, publish_agenda)
from tests.fake_camera import CHROMIUM, chromium_available
from tests.test_registration_concurrency import server  # noqa: F401  (the live-server fixture)
from tests.browser_support import sign_in

pytestmark = pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed")

# 200 characters without a space or a hyphen: where a browser finds no place to break a line.
LONG = ("Städtepartnerschaftsverbandsversammlung" * 6)[:200]
VIEWPORTS = ({"width": 390, "height": 844}, {"width": 1440, "height": 900})


def wider_than_the_screen(page) -> str | None:
    """What makes the document scroll sideways, if it does: the first elements sticking out of the
    screen that are not inside a box of their own that scrolls (a table's, say)."""
    return page.evaluate("""() => {
      if (document.documentElement.scrollWidth <= window.innerWidth) return null;
      const scrolls = e => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement)
        if (getComputedStyle(p).overflowX !== 'visible') return getComputedStyle(e).position !== 'absolute';
        return false; };
      const out = [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !scrolls(e));
      return document.documentElement.scrollWidth + ' > ' + innerWidth + ': ' +
        out.slice(0, 4).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 30)).join(' | ');
    }""")


@pytest.fixture
def long_names():
    """An event, its host, a session, a speaker, a room, a delegation and a registration, each with a
    200-character name without a break."""
    host = make_organisation(name=LONG, local_name=LONG[::-1], country="DE")
    event = open_event(title=LONG, venue_name=LONG, host_organisation_id=host.id, capacity=50)
    parts = make_agenda_parts(event, rooms=(LONG[:100],), tracks=((LONG[:100], "#2e7d32"),))
    session = make_session(event, title=(LONG * 2)[:300], room_id=parts["rooms"][0].id, track_id=parts["tracks"][0].id,
                           start=at(event, 9), end=at(event, 10), description=LONG)
    with atomic():
        agenda.set_people(session, [{"name": LONG, "position_title": LONG, "organisation_id": host.id}], SYSTEM)
    publish_agenda(event)
    person = make_registration(event, full_name=LONG, position=LONG, organisation_name=LONG,
                               email=f"{'x' * 64}@{'städtepartnerschaft' * 3}.example.org".replace("ä", "ae"))
    delegation = make_delegation(event, host, delegates=1)
    make_user(roles=["organiser"], email="organiser@example.org", full_name=LONG)
    return {"event": event, "session": session, "person": person, "delegation": delegation}


def shoot(page, name):
    """Keep a screenshot to look at, when SCREENSHOT_DIR names a folder."""
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOT_DIR"], f"c-long-names-{name}.png"))


def sign_in_organiser(page, server):  # noqa: F811
    sign_in(page, server, "organiser@example.org")


def test_long_names_never_make_a_page_wider_than_the_screen(server, long_names):  # noqa: F811
    from playwright.sync_api import sync_playwright

    event, session = long_names["event"], long_names["session"]
    public = [f"/events/{event.slug}", f"/events/{event.slug}/agenda", f"/events/{event.slug}/sessions/{session.id}",
              f"/events/{event.slug}/agenda/rooms", f"/registrations/{long_names['person'].manage_token}",
              f"/registrations/{long_names['person'].manage_token}/agenda",
              f"/delegations/{long_names['delegation'].manage_token}", f"/events/{event.slug}/register"]
    organisers = ["/manage/events/", f"/manage/events/{event.slug}/registrations",
                  f"/manage/events/{event.slug}/registrations/{long_names['person'].id}", f"/manage/events/{event.slug}"]
    found = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for viewport in VIEWPORTS:
            page = browser.new_page(viewport=viewport)
            for n, url in enumerate(public):
                page.goto(server + url)
                assert LONG[:40] in page.content(), url
                if problem := wider_than_the_screen(page):
                    found.append(f"{viewport['width']} {url}: {problem}")
                if n < 3:
                    shoot(page, f"{url.split('/')[-1][:8]}-{viewport['width']}")
            sign_in_organiser(page, server)
            for url in organisers:
                page.goto(server + url)
                if problem := wider_than_the_screen(page):
                    found.append(f"{viewport['width']} {url}: {problem}")
            page.close()
        browser.close()
    assert found == [], "\n".join(found)


def column_cell(page, row, heading: str):
    """The cell of `row` under the column headed `heading`."""
    headings = [text.strip() for text in page.locator("main table thead th").all_inner_texts()]
    index = next(n for n, text in enumerate(headings) if text.startswith(heading))
    return row.locator("th, td").nth(index)


def test_the_registrations_table_keeps_status_and_actions_in_sight(server, long_names):  # noqa: F811
    from playwright.sync_api import sync_playwright

    event = long_names["event"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        sign_in_organiser(page, server)
        page.goto(f"{server}/manage/events/{event.slug}/registrations")
        row = page.locator("main table tbody tr").filter(has=page.locator("th", has_text=LONG[:40]))
        for heading in ("Status", "Actions"):
            cell = column_cell(page, row, heading)
            # On the screen, and not hidden beyond the edge of the table's scroll box either.
            seen = cell.evaluate("""cell => {
              const box = cell.getBoundingClientRect(); let right = innerWidth;
              for (let p = cell.parentElement; p; p = p.parentElement)
                if (getComputedStyle(p).overflowX !== 'visible') right = Math.min(right, p.getBoundingClientRect().right);
              return box.left >= 0 && box.right <= right + 1;
            }""")
            assert cell.is_visible() and seen, heading
        assert "Confirmed" in column_cell(page, row, "Status").inner_text()
        # Every column keeps its words whole: none is squeezed into a column of letters.
        for cell in row.locator(":scope > th, :scope > td").all()[1:]:
            assert cell.bounding_box()["width"] > 60, cell.inner_text()
        # The long name is all there, wrapped (and searchable with the browser's find).
        name = row.locator("th").first
        assert re.sub(r"\s", "", name.inner_text()).startswith(LONG)
        page.evaluate("window.scrollTo(0, document.querySelector('main table').getBoundingClientRect().top + scrollY - 200)")
        shoot(page, "registrations-1440")
        browser.close()


def test_the_delegation_form_does_not_scroll_sideways_on_a_phone(server):  # noqa: F811
    from playwright.sync_api import sync_playwright

    event = open_event()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(f"{server}/events/{event.slug}/register/delegation")
        assert wider_than_the_screen(page) is None
        # Enter in a field still registers (the hidden default button), rather than adding rows.
        assert page.locator("form button.default-submit").count() == 1
        browser.close()
