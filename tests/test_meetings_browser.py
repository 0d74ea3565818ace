"""In a real browser, on phones: a delegate finds a peer in the directory, asks for a meeting at 10:20, the peer
accepts, and both see it, at Table 7, on their meetings page and in their calendar feed."""
import os
import re
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.factories import at, make_listed_participant, make_meeting_setup, open_event, publish_agenda
from tests.fake_camera import chromium_available, chromium_options
from tests.test_registration_concurrency import server  # noqa: F401  (the live-server fixture)


@pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed")
def test_two_delegates_agree_a_meeting_from_the_directory_on_their_phones(server, client, tmp_path):  # noqa: F811
    shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)  # SCREENSHOT_DIR=… to look at them
    from playwright.sync_api import expect, sync_playwright

    event = publish_agenda(open_event(title="World Congress", timezone="Europe/Stockholm", capacity=50))
    make_meeting_setup(event, tables=("Table 7",), day=1, start=(10, 0), end=(11, 0), slot_minutes=20)
    ana = make_listed_participant(event, full_name="Ana Lima", languages=["pt"], organisation_name="Recife")
    kofi = make_listed_participant(event, full_name="Kofi Mensah", languages=["en"], organisation_name="Accra")
    ten_twenty = at(event, 10, 20, day=1)[11:16]
    with sync_playwright() as playwright:
        options = chromium_options(tmp_path / "no-camera.y4m")
        options["args"] = [arg for arg in options["args"] if not arg.startswith("--use-file-for-fake-video")]
        browser = playwright.chromium.launch(**options)
        phone = {"viewport": {"width": 390, "height": 844}}
        page = browser.new_page(**phone)
        page.goto(f"{server}/registrations/{ana.manage_token}/directory")
        page.fill("input[name=q]", "kofi")
        page.get_by_role("button", name="Search").click()
        row = page.get_by_role("row", name="Kofi Mensah")
        row.get_by_role("link", name="Ask for a meeting").click()
        page.get_by_role("checkbox", name=re.compile(rf"{ten_twenty}\s?AM\s?–")).check()  # the slot from 10:20
        page.fill("textarea[name=message]", "Shall we compare bus rapid transit plans?")
        page.screenshot(path=shots / "m-request-phone.png", full_page=True)
        page.get_by_role("button", name="Send the request").click()
        expect(page.locator(".flash-success")).to_be_visible()

        other = browser.new_page(**phone)
        other.goto(f"{server}/registrations/{kofi.manage_token}/meetings")
        expect(other.locator("main")).to_contain_text("Shall we compare bus rapid transit plans?")
        other.get_by_role("button", name="Accept this time").click()
        expect(other.locator("main")).to_contain_text("Table 7")
        other.screenshot(path=shots / "m-accepted-phone.png", full_page=True)
        page.reload()
        expect(page.locator("main")).to_contain_text("Table 7")
        expect(page.locator("main")).to_contain_text(ten_twenty)
        browser.close()

    for person, peer in ((ana, "Kofi Mensah"), (kofi, "Ana Lima")):
        feed = Calendar.from_ical(client.get(f"/calendar/{person.calendar_token}.ics").data)
        (meeting,) = [entry for entry in feed.walk("VEVENT") if peer in str(entry["summary"])]
        assert "Table 7" in str(meeting["location"])
        start = meeting.decoded("dtstart")
        assert (start.hour, start.minute) == (10, 20)
