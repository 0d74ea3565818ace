"""The scanner in a real browser: Debian's chromium (Playwright, the system browser) with a fake
camera that shows a printed badge's QR code; then the network is cut and scans queue and land once."""
import time

import pytest
from sqlalchemy import func, select

from eventhub.badges import services as badges
from eventhub.checkin.models import CheckIn
from eventhub.extensions import db
from tests.factories import make_organisation, make_registration, make_user, open_event
from tests.fake_camera import chromium_available, chromium_options, y4m_for_code
from tests.test_registration_concurrency import server  # noqa: F401  (the live-server fixture)
from tests.browser_support import sign_in

pytestmark = pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed")


def checked_in(registration_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(CheckIn.id)).where(
        CheckIn.registration_id == registration_id, CheckIn.outcome == "ok", CheckIn.undone_at.is_(None)))


def test_a_badge_held_to_the_camera_says_welcome_then_already_checked_in(server, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    event = open_event(days_from_now=-1, length_days=3)
    city = make_organisation(name="Município de Lisboa", country="PT")
    person = make_registration(event, full_name="Inês Gonçalves", position="Vereadora", organisation_id=city.id)
    make_user(roles=["checkin"], email="gate@example.org")
    camera = y4m_for_code(badges.valid_badge(person).token, tmp_path / "badge.y4m")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**chromium_options(camera))
        page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        sign_in(page, server, "gate@example.org")
        page.goto(f"{server}/checkin/{event.slug}?station=Gate+A")
        last = page.locator("#last-scan")
        expect(last).to_have_attribute("data-checkin-status", "ok", timeout=15_000)
        expect(last).to_contain_text("Inês Gonçalves")
        page.screenshot(path=str(tmp_path / "welcome.png"))
        # The badge stays in front of the camera: after the pause for the same code, it is scanned again.
        expect(last).to_have_attribute("data-checkin-status", "duplicate", timeout=15_000)
        expect(last).to_contain_text("Gate A")
        browser.close()
    assert checked_in(person.id) == 1


def test_with_the_network_cut_scans_queue_and_land_exactly_once(server, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    event = open_event(days_from_now=-1, length_days=3)
    people = [make_registration(event, full_name=f"Offline Person {n}") for n in range(3)]
    make_user(roles=["checkin"], email="gate@example.org")
    options = chromium_options(y4m_for_code("unused", tmp_path / "unused.y4m"))
    # The fake camera's own test pattern: no code in sight, the scans come from the keyboard wedge.
    options["args"] = [arg for arg in options["args"] if not arg.startswith("--use-file-for-fake-video-capture")]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**options)
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, server, "gate@example.org")
        page.goto(f"{server}/checkin/{event.slug}?station=Gate+B")
        # Wait until the offline data is downloaded: the page asks for it as it loads.
        page.wait_for_function("() => performance.getEntriesByType('resource').some(e => e.name.includes('data.json'))")
        time.sleep(0.5)
        context.set_offline(True)
        last = page.locator("#last-scan")
        for person in people:
            page.fill("#code", badges.valid_badge(person).token.lower())  # a keyboard-wedge scanner, Caps Lock off
            page.press("#code", "Enter")
            expect(last).to_have_attribute("data-checkin-status", "ok", timeout=5_000)
            expect(last).to_contain_text(person.full_name)
        page.fill("#code", badges.valid_badge(people[0]).token)
        page.press("#code", "Enter")
        expect(last).to_have_attribute("data-checkin-status", "duplicate", timeout=5_000)
        expect(page.locator("#network")).to_contain_text("4 queued")
        assert all(checked_in(person.id) == 0 for person in people)
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        expect(page.locator("#network")).to_contain_text("Online", timeout=15_000)
        browser.close()
    assert [checked_in(person.id) for person in people] == [1, 1, 1]
    assert db.session.scalar(select(func.count(CheckIn.id)).where(CheckIn.outcome == "duplicate")) == 1


def test_a_scanner_signed_out_elsewhere_keeps_its_scans_until_signed_in_again(server, tmp_path):  # noqa: F811
    """Signing out (or a password change) on another device ends this device's session too: its scans
    must wait in the queue, with a message, and land once after signing in again."""
    from playwright.sync_api import expect, sync_playwright

    from eventhub.auth.models import User
    from eventhub.auth.services import end_sessions
    from eventhub.core.transaction import atomic

    event = open_event(days_from_now=-1, length_days=3)
    person = make_registration(event, full_name="Nomvula Dlamini")
    staff = make_user(roles=["checkin"], email="gate@example.org")
    options = chromium_options(y4m_for_code("unused", tmp_path / "unused.y4m"))
    options["args"] = [arg for arg in options["args"] if not arg.startswith("--use-file-for-fake-video-capture")]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**options)
        page = browser.new_page()

        def open_scanner():
            sign_in(page, server, "gate@example.org")
            page.goto(f"{server}/checkin/{event.slug}?station=Gate+C")

        open_scanner()
        with atomic():
            end_sessions(db.session.get(User, staff.id))  # signed out on another device
        page.fill("#code", badges.valid_badge(person).token)
        page.press("#code", "Enter")
        last = page.locator("#last-scan")
        expect(last).to_contain_text("Signed out", timeout=5_000)
        assert checked_in(person.id) == 0
        open_scanner()  # the page loads again and sends what waited
        # The page arrives saying "Online" before its script has looked at the queue: wait for the scan itself.
        deadline = time.monotonic() + 15
        while checked_in(person.id) == 0 and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        expect(page.locator("#network")).to_contain_text("Online", timeout=15_000)
        browser.close()
    assert checked_in(person.id) == 1
