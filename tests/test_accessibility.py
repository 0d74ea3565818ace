"""Public pages have no serious or critical accessibility problem, as axe-core finds them in Debian's chromium.

axe-core (tests/vendor/axe-core, MPL-2.0) runs inside each page. The context bypasses the page's
Content-Security-Policy only so that the test can inject the checker: the app's own scripts run as
they do for everyone.
"""
from pathlib import Path

import pytest

from eventhub.badges import services as badges
from tests.factories import (make_agenda_parts, make_organisation, make_registration, make_session,
                             make_user, open_event, publish_agenda)
from tests.fake_camera import CHROMIUM, chromium_available
from tests.test_registration_concurrency import server  # noqa: F401  (the live-server fixture)
from tests.browser_support import sign_in

pytestmark = pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed")

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
# WCAG 2.1 A and AA: what a public body's website is held to (EN 301 549).
RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
}"""


def problems(page, url: str) -> list[str]:
    page.goto(url)
    page.evaluate(AXE)
    return [f"{url}: {found}" for found in page.evaluate(RUN_AXE)]


def test_public_pages_have_no_serious_accessibility_problems(server):  # noqa: F811
    from playwright.sync_api import sync_playwright

    event = open_event(title="Fórum Urbano São Paulo 2027")
    make_agenda_parts(event)
    make_session(event, title="Cidades e água — الماء والمدن")
    publish_agenda(event)
    city = make_organisation(name="São Paulo", country="BR")
    person = make_registration(event, full_name="Ana Lima", organisation_id=city.id)
    assert badges.valid_badge(person) is not None
    make_user(roles=["checkin"], email="gate@example.org")
    pages = ["/", f"/events/{event.slug}", f"/events/{event.slug}/register",
             f"/events/{event.slug}/register/delegation", f"/events/{event.slug}/register/check-your-email",
             f"/events/{event.slug}/agenda", f"/registrations/{person.manage_token}",
             f"/registrations/{person.manage_token}/agenda", "/auth/login"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(bypass_csp=True)
        found = [problem for url in pages for problem in problems(page, server + url)]
        # The check-in scanner, used on phones at the door.
        sign_in(page, server, "gate@example.org")
        found += problems(page, f"{server}/checkin/{event.slug}?station=Gate+A")
        # The checker itself works: an unlabelled field is found.
        page.set_content('<html lang="en"><title>x</title><main><input type="text"></main></html>')
        page.evaluate(AXE)
        guard = page.evaluate(RUN_AXE)
        browser.close()
    assert found == []
    assert any(problem.startswith("label (critical)") for problem in guard), guard


@pytest.mark.parametrize("width", [390, 1440])
def test_organisers_pages_have_no_serious_accessibility_problems(server, width):  # noqa: F811
    from playwright.sync_api import sync_playwright

    event = open_event(title="Fórum Urbano São Paulo 2027")
    make_agenda_parts(event)
    session = make_session(event, title="Cidades e água — الماء والمدن")
    publish_agenda(event)
    person = make_registration(event, full_name="Ana Lima", organisation_id=make_organisation(name="São Paulo").id)
    make_user(roles=["organiser"], email="host@example.org")
    manage = f"/manage/events/{event.slug}"
    pages = ["/manage/events/", f"{manage}/edit", f"{manage}/registrations", f"{manage}/registrations/{person.id}",
             f"{manage}/agenda/", f"{manage}/agenda/sessions/{session.id}", f"{manage}/badges", f"{manage}/trail"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(bypass_csp=True, viewport={"width": width, "height": 900})
        sign_in(page, server, "host@example.org")
        found = [problem for url in pages for problem in problems(page, server + url)]
        browser.close()
    assert found == []
