"""The directory pages in a real browser: no serious accessibility problem (axe-core, as tests/test_accessibility.py)."""
import pytest

from tests.browser_support import sign_in
from tests.factories import make_agenda_parts, make_listed_participant, make_organisation, make_user, open_event
from tests.fake_camera import CHROMIUM, chromium_available
from tests.test_accessibility import problems
from tests.test_registration_concurrency import server  # noqa: F401  (the live-server fixture)

pytestmark = pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed")


@pytest.mark.parametrize("width", [390, 1440])
def test_directory_pages_have_no_serious_accessibility_problems(server, width):  # noqa: F811
    from playwright.sync_api import sync_playwright

    event = open_event(title="Fórum Urbano São Paulo 2027")
    tracks = make_agenda_parts(event)["tracks"]
    seoul = make_organisation(name="Seoul", local_name="서울특별시", country="KR", region="East Asia")
    person = make_listed_participant(event, topics=tracks, languages=["ko", "en"], full_name="김민준",
                                     organisation_id=seoul.id, organisation_name=None)
    make_listed_participant(event, topics=tracks[:1], languages=["ar"], full_name="محمد الحسيني")
    make_user(roles=["organiser"], email="host@example.org")
    token = person.manage_token
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(bypass_csp=True, viewport={"width": width, "height": 900})
        found = problems(page, f"{server}/registrations/{token}/directory")
        found += problems(page, f"{server}/registrations/{token}/directory/profile")
        sign_in(page, server, "host@example.org")
        found += problems(page, f"{server}/manage/events/{event.slug}/directory?language=ko")
        browser.close()
    assert found == []
