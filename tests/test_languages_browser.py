"""In a real browser: a visitor whose browser speaks French gets the site, its form errors and their e-mail in
French, with French dates, and switches to Portuguese with one tap. Expected texts come from the compiled
catalogues, so the test proves what is shown is the translation, whatever its wording."""
import os
from pathlib import Path

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from eventhub.extensions import db
from eventhub.registration.models import Registration
from tests.factories import last_message, open_event
from tests.fake_camera import chromium_available, chromium_options
from tests.test_registration_concurrency import server  # noqa: F401  (the live-server fixture)


def translated(code: str, text: str, **values) -> str:
    """`text` as the catalogue of `code` says it (which must differ from the English)."""
    with force_locale(code):
        found = _(text, **values)
    assert found != _(text, **values) or code == "en", f"{text!r} is not translated into {code}"
    return found


@pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed")
def test_a_french_browser_gets_french_pages_errors_and_mail_then_switches_to_portuguese(server, tmp_path):  # noqa: F811
    shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)  # SCREENSHOT_DIR=… to look at them
    from playwright.sync_api import expect, sync_playwright

    event = open_event(title="Cities for Climate", timezone="Europe/Paris", language="en",
                       translations={"fr": {"title": "Villes pour le climat"}})
    with sync_playwright() as playwright:
        options = chromium_options(tmp_path / "no-camera.y4m")
        options["args"] = [arg for arg in options["args"] if not arg.startswith("--use-file-for-fake-video")]
        browser = playwright.chromium.launch(**options)
        page = browser.new_page(locale="fr-FR", viewport={"width": 390, "height": 844})
        page.goto(f"{server}/events/{event.slug}")
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.locator("h1")).to_contain_text("Villes pour le climat")
        expect(page.get_by_role("navigation", name=translated("fr", "Main"))).to_contain_text(
            translated("fr", "Events"))
        page.screenshot(path=shots / "l-event-page-fr.png", full_page=True)

        page.goto(f"{server}/events/{event.slug}/register")
        page.fill("#full_name", "Amélie Dubois")
        page.fill("#email", "amelie@")  # a typing mistake, which the server must explain in French
        page.check("#not_listed")
        page.fill("#organisation_name", "Ville de Grenoble")
        page.check("#privacy_consent")
        page.evaluate("document.querySelector('main form').noValidate = true")
        page.get_by_role("button", name=translated("fr", "Register")).click()
        expect(page.locator(".flash-error")).to_contain_text(
            translated("fr", "Nothing was saved. Please check the fields marked below."))
        expect(page.locator("#full_name")).to_have_value("Amélie Dubois")  # nothing typed is lost
        page.screenshot(path=shots / "l-register-error-fr.png", full_page=True)

        page.fill("#email", "amelie@grenoble.example")
        page.get_by_role("button", name=translated("fr", "Register")).click()
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        db.session.expire_all()
        registration = db.session.scalar(select(Registration).where(Registration.email == "amelie@grenoble.example"))
        assert registration.locale == "fr"
        mail = last_message("amelie@grenoble.example")
        assert mail.subject == translated("fr", "Please confirm your registration for %(event)s",
                                          event="Villes pour le climat")

        # One tap on the switcher, in Portuguese's own name.
        page.goto(f"{server}/events/{event.slug}")
        page.get_by_role("link", name="Português").click()
        expect(page.locator("html")).to_have_attribute("lang", "pt-BR")
        expect(page).to_have_url(f"{server}/events/{event.slug}")
        expect(page.get_by_role("navigation", name=translated("pt_BR", "Main"))).to_contain_text(
            translated("pt_BR", "Events"))
        page.screenshot(path=shots / "l-event-page-pt.png", full_page=True)
        browser.close()
