"""The event's status and its actions at the top of every page that manages the event (issue #14):
publishing is no longer at the bottom of the long edit form, and the preview has it too."""
import html
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from eventhub.audit.models import AuditEntry
from eventhub.events.models import Event
from eventhub.extensions import db
from tests.factories import (
    make_agenda_parts,
    make_event,
    make_question,
    make_registration,
    make_session,
    make_user,
)
from tests.fake_camera import CHROMIUM, chromium_available
from tests.test_registration_concurrency import server  # noqa: F401  (the live-server fixture)
from tests.browser_support import sign_in


def status_of(slug: str) -> str:
    db.session.expire_all()
    return db.session.scalar(select(Event.status).where(Event.slug == slug))


def bar_of(page: str) -> str | None:
    """The status bar's HTML on a page, or None."""
    found = re.search(r'<section id="status" class="status-bar[^"]*"[^>]*>.*?</section>', page, re.S)
    return found.group(0) if found else None


def action_forms(bar: str) -> dict[str, str]:
    """{action: the `next` its form sends} for each form of the bar (publish, unpublish, cancel)."""
    forms = {}
    for action, body in re.findall(r'<form method="post" action="/manage/events/[^/"]+/(\w+)">(.*?)</form>', bar, re.S):
        assert 'name="csrf_token"' in body
        found = re.search(r'name="next" value="([^"]*)"', body)
        forms[action] = html.unescape(found.group(1)) if found else None
    return forms


@pytest.fixture
def congress():
    """A published congress with an agenda, a session, a question and one registration."""
    event = make_event(title="Congresso Mundial", non_member_policy="approve")
    parts = make_agenda_parts(event)
    session = make_session(event, title="Abertura", room_id=parts["rooms"][0].id)
    registration = make_registration(event, full_name="서지원")
    make_question(event, {"label": "Dietary needs", "key": "diet", "kind": "short_text"})
    return event, session, registration


def management_pages(event, session, registration) -> list[str]:
    base = f"/manage/events/{event.slug}"
    return [
        f"{base}/edit", base,  # the edit form and the preview
        f"{base}/registrations?status=pending&sort=name", f"{base}/registrations/{registration.id}",
        f"{base}/questions", f"{base}/participation", f"{base}/anonymise", f"{base}/badges", f"{base}/trail",
        f"{base}/agenda/", f"{base}/agenda/clashes", f"{base}/agenda/rooms", f"{base}/agenda/tracks",
        f"{base}/agenda/kinds", f"{base}/agenda/sessions/new", f"{base}/agenda/sessions/{session.id}",
        f"{base}/image", f"{base}/programme", f"/checkin/{event.slug}/dashboard",
    ]


def test_every_management_page_shows_the_status_and_its_actions_at_the_top(organiser_browser, congress):
    event, session, registration = congress
    for url in management_pages(event, session, registration):
        response = organiser_browser.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        bar = bar_of(page)
        assert bar is not None, url
        assert 'data-status-bar="published"' in bar
        # At the top: before the page's own content (its first form, table or sub-navigation).
        main = page[page.index('<main'):]
        assert main.index('class="status-bar') < min(
            i for i in (main.find("<form method=\"post\" novalidate"), main.find("<table"), main.find("<nav"),
                        main.find("<article"), main.find("</main")) if i >= 0), url
        # A published event can go back to draft or be cancelled; each comes back to this very page.
        assert action_forms(bar) == {"unpublish": url, "cancel": url}, url
        assert "Yes, cancel this event" in bar


def test_a_draft_offers_publishing_and_a_cancelled_event_publishing_again(organiser_browser):
    draft = make_event(status="draft")
    cancelled = make_event(status="cancelled")
    bar = bar_of(organiser_browser.get(f"/manage/events/{draft.slug}/registrations").get_data(as_text=True))
    assert action_forms(bar) == {"publish": f"/manage/events/{draft.slug}/registrations"}
    assert "Only organisers can see a draft" in bar
    bar = bar_of(organiser_browser.get(f"/manage/events/{cancelled.slug}/agenda/").get_data(as_text=True))
    assert set(action_forms(bar)) == {"publish", "unpublish"} and "Publish again" in bar


def test_the_events_list_has_each_events_actions_in_its_row(organiser_browser):
    draft = make_event(status="draft", title="Draft Meeting")
    public = make_event(title="Public Congress")
    page = organiser_browser.get("/manage/events/").get_data(as_text=True)
    rows = {title: page[page.index(title):page.index("</tr>", page.index(title))] for title in
            ("Draft Meeting", "Public Congress")}
    assert f'action="/manage/events/{draft.slug}/publish"' in rows["Draft Meeting"]
    assert f'action="/manage/events/{public.slug}/unpublish"' in rows["Public Congress"]
    # Cancelling asks for a ticked box: the row links to the event's own bar for it.
    assert f'href="/manage/events/{public.slug}/edit#status"' in rows["Public Congress"]
    assert 'name="next" value="/manage/events/"' in rows["Draft Meeting"]


def test_publishing_from_the_registrations_page_comes_back_to_it_and_is_audited(organiser_browser, organiser):
    draft = make_event(status="draft")
    here = f"/manage/events/{draft.slug}/registrations?status=pending&sort=name"
    response = organiser_browser.post(f"/manage/events/{draft.slug}/publish", {"next": here})
    assert response.status_code == 302 and response.headers["Location"] == here
    assert status_of(draft.slug) == "published"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "event.published")).one()
    assert entry.user_id == organiser.id and entry.changes == {"status": ["draft", "published"]}
    page = organiser_browser.get(here).get_data(as_text=True)
    assert "is published at" in html.unescape(page)


def test_cancelling_from_the_agenda_needs_the_ticked_box(organiser_browser, congress):
    event, _session, _registration = congress
    here = f"/manage/events/{event.slug}/agenda/"
    response = organiser_browser.post(f"/manage/events/{event.slug}/cancel", {"next": here}, follow_redirects=True)
    assert "tick “Yes, cancel this event”" in html.unescape(response.get_data(as_text=True))
    assert status_of(event.slug) == "published"
    response = organiser_browser.post(f"/manage/events/{event.slug}/cancel", {"next": here, "confirm": "y"})
    assert response.headers["Location"] == here and status_of(event.slug) == "cancelled"
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "event.cancelled")).one()


def test_without_a_csrf_token_nothing_changes(browser, organiser):
    browser.login(organiser)
    draft = make_event(status="draft")
    response = browser.client.post(f"/manage/events/{draft.slug}/publish",
                                   data={"next": f"/manage/events/{draft.slug}/agenda"})
    assert response.status_code == 400
    assert status_of(draft.slug) == "draft"


def test_a_next_to_another_site_goes_to_the_edit_page(organiser_browser):
    draft = make_event(status="draft")
    response = organiser_browser.post(f"/manage/events/{draft.slug}/publish", {"next": "https://evil.example/x"})
    assert response.headers["Location"] == f"/manage/events/{draft.slug}/edit"


def test_back_to_draft_warns_when_people_are_registered(organiser_browser, congress):
    event, _session, _registration = congress
    make_registration(event)
    bar = bar_of(organiser_browser.get(f"/manage/events/{event.slug}").get_data(as_text=True))
    assert "2 people are registered. Back to draft hides the event's page without telling them" in html.unescape(bar)


def test_the_edit_page_has_it_once(organiser_browser, congress):
    event, _session, _registration = congress
    page = organiser_browser.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    assert page.count('class="status-bar') == 1 and page.count('id="status"') == 1


@pytest.mark.parametrize("who", ["anonymous", "checkin", "no role"])
def test_nobody_but_organisers_sees_it(client, browser, congress, who):
    event, session, registration = congress
    if who != "anonymous":
        browser.login(make_user(roles=["checkin"] if who == "checkin" else [], email=f"{who[:2]}@example.org"))
    public = browser.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "status-bar" not in public and "/publish" not in public and "/unpublish" not in public
    for url in management_pages(event, session, registration):
        response = browser.get(url)
        # Check-in staff open the arrivals page (theirs too), without the organisers' status bar.
        staff_page = who == "checkin" and url.startswith("/checkin/")
        assert response.status_code in ((200,) if staff_page else (302, 403)), url
        assert "status-bar" not in response.get_data(as_text=True)
    assert browser.post(f"/manage/events/{event.slug}/unpublish").status_code in (302, 403)
    assert status_of(event.slug) == "published"


def test_organisers_do_not_see_it_on_the_public_page(organiser_browser, congress):
    event, _session, _registration = congress
    assert "status-bar" not in organiser_browser.get(f"/events/{event.slug}").get_data(as_text=True)


# --- in a browser ----------------------------------------------------------------------------------

def screenshot(page, tmp_path, name: str, **options) -> None:
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    page.screenshot(path=str(folder / name), **options)


@pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed")
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_publish_from_the_preview_then_cancel_from_the_edit_page(server, organiser, tmp_path, viewport):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    from tests.test_accessibility import AXE, RUN_AXE

    draft = make_event(status="draft", title="Fórum Urbano São Paulo — منتدى المدن")
    make_event(title="Congrès mondial des villes", days_from_now=90)
    suffix = "-phone" if viewport["width"] < 500 else ""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport=viewport)
        sign_in(page, server, organiser.email)
        page.goto(f"{server}/manage/events/")
        screenshot(page, tmp_path, f"b-status-list{suffix}.png")
        page.goto(f"{server}/manage/events/{draft.slug}")
        bar = page.locator("#status")
        expect(bar).to_be_in_viewport()
        page.evaluate(AXE)
        assert page.evaluate(RUN_AXE.replace("axe.run(document,", "axe.run('#status',")) == []
        screenshot(page, tmp_path, f"b-status-preview-draft{suffix}.png")
        bar.get_by_role("button", name="Publish").click()
        expect(page.locator(".flash-success")).to_contain_text("is published at")
        assert page.url.endswith(f"/manage/events/{draft.slug}")  # still the preview
        page.goto(f"{server}/manage/events/{draft.slug}/edit")
        expect(page.locator("#status")).to_be_in_viewport()  # no scrolling past the long form
        page.locator("#status summary").click()
        page.evaluate(AXE)
        assert page.evaluate(RUN_AXE.replace("axe.run(document,", "axe.run('#status',")) == []
        screenshot(page, tmp_path, f"b-status-edit-cancel{suffix}.png")
        page.get_by_label("Yes, cancel this event").check()
        page.get_by_role("button", name="Cancel the event").click()
        expect(page.locator(".flash-success")).to_contain_text("is cancelled")
        expect(page.locator("#status")).to_have_attribute("data-status-bar", "cancelled")
        browser.close()
    assert status_of(draft.slug) == "cancelled"
