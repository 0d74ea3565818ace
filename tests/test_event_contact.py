"""The organisers' contact (e-mail and phone) of an event: entered on the event form or through the API,
checked, audited, and shown on the event page. Its use in mails is in tests/test_mail.py."""
import json
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from eventhub.registration import services
from tests.factories import last_message, make_event, make_registration, make_token
from tests.fake_camera import chromium_available, chromium_options
from tests.test_accessibility import AXE, RUN_AXE
from tests.test_events_pages import field_error, form_data, input_value, stored
from tests.test_registration_concurrency import server  # noqa: F401  (the live-server fixture)
from tests.browser_support import sign_in


@pytest.fixture
def headers(organiser):
    _token, secret = make_token(organiser, "tests")
    return {"Authorization": f"Bearer {secret}"}


def contact_entries(event_id: int) -> list[dict]:
    """The changes of the event's audit entries that touched its contact, oldest first."""
    query = select(AuditEntry).where(AuditEntry.subject_type == "event", AuditEntry.subject_id == event_id)
    changes = [entry.changes or {} for entry in db.session.scalars(query.order_by(AuditEntry.id))]
    return [{k: v for k, v in c.items() if k.startswith("contact_")} for c in changes
            if any(k.startswith("contact_") for k in c)]


def test_the_form_saves_the_contact_and_the_event_page_links_it(organiser_browser, client):
    data = form_data(contact_email="Congresso@SaoPaulo.SP.gov.br", contact_phone="0055 (11) 3396-1234")
    response = organiser_browser.post("/manage/events/new", data=data)
    assert response.status_code == 302
    event = stored("congresso-mundial-sao-paulo")
    # The domain is lower-cased by email-validator; "00" is written as the "+" it means.
    assert (event.contact_email, event.contact_phone) == ("Congresso@saopaulo.sp.gov.br", "+55 (11) 3396-1234")
    organiser_browser.post(f"/manage/events/{event.slug}/publish")
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    contact = re.search(r'<dd id="contact">(.*?)</dd>', page, re.S).group(1)
    assert 'href="mailto:Congresso@saopaulo.sp.gov.br"' in contact
    assert 'href="tel:+551133961234"' in contact and "+55 (11) 3396-1234" in contact


def test_the_edit_form_shows_the_contact_and_a_change_is_audited(organiser_browser):
    event = make_event(contact_email="forum@seoul.go.kr")
    page = organiser_browser.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    assert input_value(page, "contact_email") == "forum@seoul.go.kr"
    assert 'type="email"' in re.search(r'<input[^>]*id="contact_email"[^>]*>', page).group(0)
    assert 'type="tel"' in re.search(r'<input[^>]*id="contact_phone"[^>]*>', page).group(0)
    data = form_data(title=event.title, slug=event.slug, timezone=event.timezone,
                     contact_email="urban@seoul.go.kr", contact_phone="+82 2 120")
    page = organiser_browser.post(f"/manage/events/{event.slug}/edit", data=data).get_data(as_text=True)
    assert field_error(page, "contact_phone"), "7 digits at least: a 3-digit local hotline cannot be dialled"
    data["contact_phone"] = "+82 2-120-0000"
    assert organiser_browser.post(f"/manage/events/{event.slug}/edit", data=data).status_code == 302
    assert contact_entries(event.id)[-1] == {"contact_email": ["forum@seoul.go.kr", "urban@seoul.go.kr"],
                                             "contact_phone": [None, "+82 2-120-0000"]}


@pytest.mark.parametrize("field, value", [
    ("contact_email", "organisers at city hall"),
    ("contact_email", "info@localhost"),
    ("contact_email", "jörg@stadt.de"),  # a non-ASCII mailbox needs SMTPUTF8, which relays do not all speak
    ("contact_phone", "030 1234567"),  # no country code: cannot be dialled from abroad
    ("contact_phone", "+49 30 CALL-NOW"),
    ("contact_phone", "+1 555 0100 0199 4477 1234"),  # more digits than any number has
    ("contact_phone", "+49 30\n1234567"),
])
def test_a_bad_contact_is_refused_with_a_message_and_nothing_is_saved(organiser_browser, field, value):
    event = make_event(contact_email="before@example.org", contact_phone="+49 30 1234567")
    data = form_data(title=event.title, slug=event.slug, timezone=event.timezone, summary="Neu",
                     contact_email="before@example.org", contact_phone="+49 30 1234567")
    data[field] = value
    response = organiser_browser.post(f"/manage/events/{event.slug}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and field_error(page, field)
    assert "Nothing was saved" in page
    if "\n" not in value:
        assert input_value(page, field) == value, "what was typed comes back to be corrected"
    event = stored(event.slug)
    assert (event.summary, event.contact_email, event.contact_phone) == (None, "before@example.org", "+49 30 1234567")


def test_an_event_without_contact_says_so_to_its_organisers_and_shows_none_to_the_public(organiser_browser, client):
    event = make_event()
    page = organiser_browser.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    assert "has no contact e-mail yet" in page
    assert 'id="contact"' not in client.get(f"/events/{event.slug}").get_data(as_text=True)


def test_publishing_without_a_contact_is_allowed_but_reminds_the_organiser(organiser_browser):
    event = make_event(status="draft")
    page = organiser_browser.post(f"/manage/events/{event.slug}/publish", follow_redirects=True).get_data(as_text=True)
    assert stored(event.slug).status == "published"
    assert "Participants cannot reach you yet" in page


def test_names_in_any_script_and_idn_domains_survive(organiser_browser):
    data = form_data(title="Москва 2027", contact_email="info@москва.рф", contact_phone="+7 495 777-77-77")
    assert organiser_browser.post("/manage/events/new", data=data).status_code == 302
    assert stored("moskva-2027").contact_email == "info@москва.рф"


def test_the_api_reads_and_writes_the_contact(client, headers):
    event = make_event(contact_email="forum@seoul.go.kr")
    body = client.get(f"/api/v1/events/{event.slug}").json
    assert (body["contact_email"], body["contact_phone"]) == ("forum@seoul.go.kr", None)
    response = client.patch(f"/api/v1/events/{event.slug}", headers=headers,
                            json={"contact_email": "urban@seoul.go.kr", "contact_phone": "+82 2 2133 0000"})
    assert response.status_code == 200, response.json
    assert (response.json["contact_email"], response.json["contact_phone"]) == ("urban@seoul.go.kr", "+82 2 2133 0000")
    assert contact_entries(event.id)[-1]["contact_email"] == ["forum@seoul.go.kr", "urban@seoul.go.kr"]
    # Removing it is allowed (null), as on the form.
    response = client.patch(f"/api/v1/events/{event.slug}", headers=headers, json={"contact_phone": None})
    assert response.status_code == 200 and response.json["contact_phone"] is None


def test_the_api_refuses_a_bad_contact_naming_the_field(client, headers):
    event = make_event(contact_email="forum@seoul.go.kr")
    response = client.patch(f"/api/v1/events/{event.slug}", headers=headers,
                            json={"contact_email": "not an address", "contact_phone": "12", "title": "Changed"})
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"contact_email", "contact_phone"}
    assert stored(event.slug).title != "Changed"
    documented = client.get("/api/v1/openapi.json").json["components"]["schemas"]["Event"]["properties"]
    assert {"contact_email", "contact_phone"} <= set(documented)


def axe_problems(page, selector: str) -> list[str]:
    """Serious or critical WCAG 2.1 AA problems axe-core finds in one part of the page (as in
    tests/test_accessibility.py, which checks whole public pages)."""
    page.evaluate(AXE)
    return page.evaluate(RUN_AXE.replace("axe.run(document,", f"axe.run({json.dumps(selector)},"))


@pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed")
def test_on_a_phone_the_organiser_enters_the_contact_and_participants_see_and_tap_it(server, organiser,  # noqa: F811
                                                                                       tmp_path):
    shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)  # SCREENSHOT_DIR=… to look at them
    from playwright.sync_api import expect, sync_playwright

    event = make_event(title="Congresso Mundial São Paulo", timezone="America/Sao_Paulo", capacity=10)
    registration = make_registration(event, full_name="Ana Souza")
    with sync_playwright() as playwright:
        options = chromium_options(tmp_path / "no-camera.y4m")  # no camera is used: drop its file
        options["args"] = [arg for arg in options["args"] if not arg.startswith("--use-file-for-fake-video")]
        browser = playwright.chromium.launch(**options)
        # CSP bypassed only to inject the checker (axe-core), as tests/test_accessibility.py does.
        page = browser.new_page(viewport={"width": 390, "height": 844}, bypass_csp=True)
        sign_in(page, server, organiser.email)
        page.goto(f"{server}/manage/events/{event.slug}/edit")
        expect(page.locator("#contact")).to_contain_text("has no contact e-mail yet")
        page.fill("#contact_email", "congresso@prefeitura.sp.gov.br")
        page.fill("#contact_phone", "11 3396 1234")  # no country code: refused, kept as typed
        page.locator("#contact").screenshot(path=shots / "d-contact-fieldset-empty.png")
        page.get_by_role("button", name="Save changes").click()
        expect(page.locator("#contact_phone-errors")).to_contain_text("international format")
        expect(page.locator("#contact_email")).to_have_value("congresso@prefeitura.sp.gov.br")
        page.locator("#contact").screenshot(path=shots / "d-contact-error-phone.png")
        assert axe_problems(page, "#contact") == []
        page.fill("#contact_phone", "+55 11 3396 1234")
        page.get_by_role("button", name="Save changes").click()
        expect(page.locator(".flash-success")).to_be_visible()
        page.set_viewport_size({"width": 1440, "height": 900})
        page.locator("#contact").screenshot(path=shots / "d-contact-fieldset-desktop.png")
        page = browser.new_page(viewport={"width": 390, "height": 844}, bypass_csp=True)  # a participant
        page.goto(f"{server}/events/{event.slug}")
        contact = page.locator("dd#contact")
        expect(contact.get_by_role("link", name="congresso@prefeitura.sp.gov.br")).to_have_attribute(
            "href", "mailto:congresso@prefeitura.sp.gov.br")
        expect(contact.get_by_role("link", name="+55 11 3396 1234")).to_have_attribute("href", "tel:+551133961234")
        page.screenshot(path=shots / "d-event-page-phone.png", full_page=True)
        assert axe_problems(page, "main") == []
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # The mail a participant reads on the same phone: the contact at its foot, tappable.
        db.session.expire_all()  # the server saved the contact in its own session
        services.cancel(registration)
        page.set_content(last_message(registration).html_body)
        expect(page.locator("#contact a[href='tel:+551133961234']")).to_be_visible()
        page.screenshot(path=shots / "d-mail-cancelled-phone.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
        browser.close()
