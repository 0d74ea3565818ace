"""The image page in a real browser (Debian's chromium): an organiser on a phone uploads a logo from the
form, sees it on the event page, and the organisers' pages have no serious accessibility problem."""
import pytest

from tests.factories import make_session, make_user, open_event
from tests.fake_camera import CHROMIUM, chromium_available
from tests.test_accessibility import problems
from tests.test_event_image import png
from tests.test_registration_concurrency import server  # noqa: F401  (the live-server fixture)
from tests.browser_support import sign_in

pytestmark = pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed")
# Nothing in the page's main content reaches past the screen's right edge (the site's header is not ours).
FITS = "[...document.querySelectorAll('main *')].every(e => e.getBoundingClientRect().right <= innerWidth + 1)"


def test_an_organiser_on_a_phone_uploads_a_logo_and_sees_it_on_the_event_page(server, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    event = open_event(title="Climate Summit 2027", description="Join **mayors** from:\n\n- Rabat\n- Seoul\n\n"
                                                                "Details on [the site](https://summit.example).")
    make_session(event, title="Bikes 🚲 and \U000f0001")
    make_user(roles=["organiser"], email="olga@example.org")
    logo = tmp_path / "logo.png"
    logo.write_bytes(png((600, 240)))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 390, "height": 844}, bypass_csp=True)
        sign_in(page, server, "olga@example.org")
        page.goto(f"{server}/manage/events/{event.slug}/edit")
        page.click("text=Logo or banner")
        page.set_input_files("input[name=image]", str(logo))
        page.fill("input[name=alt_text]", "A blue bar")
        page.click("main form[enctype='multipart/form-data'] button[type=submit]")
        expect(page.locator("main")).to_contain_text("The image is saved")
        expect(page.locator("figure img")).to_have_attribute("alt", "A blue bar")
        page.screenshot(path=f"{tmp_path}/image-page-phone.png", full_page=True)
        assert page.evaluate(FITS), "the page's content is wider than the phone"
        found = problems(page, page.url)
        page.goto(f"{server}/events/{event.slug}")
        shown = page.locator("article header img")
        expect(shown).to_have_attribute("alt", "A blue bar")
        assert shown.evaluate("img => img.complete && img.naturalWidth === 600")
        assert page.evaluate(FITS), "the page's content is wider than the phone"
        page.screenshot(path=f"{tmp_path}/event-page-phone.png", full_page=True)
        page.set_viewport_size({"width": 1440, "height": 900})
        page.screenshot(path=f"{tmp_path}/event-page-desktop.png", full_page=True)
        found += problems(page, f"{server}/manage/events/{event.slug}/programme")
        page.screenshot(path=f"{tmp_path}/programme-check-desktop.png", full_page=True)
        browser.close()
    assert found == []
