"""A city office behind one address registers colleagues one by one (issue #14): mistakes cost nothing, and a
form sent once too often comes back as it was typed, with a 429 saying when to send it again.

Reproduced before the fix: the 11th submission within a minute from one address, valid or not, got the bare
"Too many attempts" error page and lost everything typed.
"""
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from eventhub.extensions import db
from eventhub.registration.models import Delegation, Registration
from tests.factories import confirm_from_mail, last_message, make_organisation, make_question, open_event
from tests.fake_camera import chromium_available, chromium_options
from tests.test_accessibility import AXE, RUN_AXE
from tests.test_registration_abuse import delegation
from tests.test_registration_concurrency import server  # noqa: F401  (the live-server fixture)
from tests.test_registration_pages import form, input_value, registration, text

OFFICE = {"environ_base": {"REMOTE_ADDR": "198.51.100.20"}}  # the city office's one address


def registrations() -> int:
    return db.session.scalar(select(func.count()).select_from(Registration))


def retry_after(response) -> int:
    """Retry-After in seconds; a 429 without it leaves people guessing."""
    return int(response.headers["Retry-After"])


def test_twelve_invalid_submissions_then_a_valid_one_succeeds(browser):
    event = open_event()
    url = f"/events/{event.slug}/register"
    for n in range(12):  # a forgotten name, a mistyped address, no consent: each answered with the form
        bad = [form(full_name=""), form(email="ana@"), form(privacy_consent=None)][n % 3]
        answer = browser.post(url, {**bad, "not_listed": "y", "organisation_name": "Villa"}, **OFFICE)
        assert answer.status_code == 200 and "Nothing was saved" in text(answer)
    sent = browser.post(url, form(not_listed="y", organisation_name="Villa"), **OFFICE)
    assert sent.status_code == 302 and registration("ana@example.org") is not None


def test_only_successful_registrations_count_against_the_limit(app, browser, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTRATION_RATE_LIMIT", "3 per minute")
    event = open_event()
    url = f"/events/{event.slug}/register"
    codes = []
    for n in range(3):
        browser.post(url, form(email=f"p{n}@example.org", full_name=""), **OFFICE)  # refused: not counted
        codes.append(browser.post(url, form(email=f"p{n}@example.org", not_listed="y", organisation_name="Villa"),
                                  **OFFICE).status_code)
    assert codes == [302, 302, 302]
    assert browser.post(url, form(email="p3@example.org", not_listed="y", organisation_name="Villa"),
                        **OFFICE).status_code == 429


def test_over_the_limit_the_form_comes_back_filled_in(app, browser, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTRATION_RATE_LIMIT", "2 per minute")
    event = open_event()
    make_question(event, {"key": "diet", "label": "Dietary needs", "kind": "short_text"})
    url = f"/events/{event.slug}/register"
    for n in range(2):
        assert browser.post(url, form(email=f"p{n}@example.org", not_listed="y", organisation_name="Villa"),
                            **OFFICE).status_code == 302
    typed = form(full_name="서지원", email="jiwon@seoul.example", position="Deputy Mayor", not_listed="y",
                 organisation_name="서울특별시", answer_diet="Halal, no nuts")
    answer = browser.post(url, typed, **OFFICE)
    page = text(answer)
    assert answer.status_code == 429 and 0 < retry_after(answer) <= 60
    assert re.search(r"Please try again in \d+ (seconds?|minute)\.", page)  # when, in words
    assert "everything you typed is still in the form below" in page
    for field in ("full_name", "email", "position", "organisation_name", "answer_diet"):
        assert input_value(page, field) == typed[field], field
    assert re.search(r'<input[^>]*\bchecked[^>]*id="privacy_consent"|<input[^>]*id="privacy_consent"[^>]*\bchecked', page)
    assert registration("jiwon@seoul.example") is None and registrations() == 2
    # Another address is not held up by the office's count.
    other = browser.post(url, typed, environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert other.status_code == 302 and registration("jiwon@seoul.example") is not None


def test_a_refused_budget_also_keeps_the_form_and_says_when(app, browser, monkeypatch):
    """The security budgets (people and e-mails per address, people per organisation) stay; over one of them
    the form comes back filled in too."""
    monkeypatch.setitem(app.config, "ORGANISATION_REGISTRATION_LIMIT", "1 per hour")
    event = open_event()
    city = make_organisation(name="Porto", country="PT")
    url = f"/events/{event.slug}/register"
    chosen = {"organisation": "Porto", "organisation_id": str(city.id)}
    assert browser.post(url, form(email="a@porto.example", **chosen)).status_code == 302
    answer = browser.post(url, form(email="b@porto.example", full_name="Bea Sousa", **chosen),
                          environ_base={"REMOTE_ADDR": "192.0.2.77"})
    page = text(answer)
    assert answer.status_code == 429 and 60 < retry_after(answer) <= 3600
    assert "Too many registrations" in page and "Please try again in" in page
    assert input_value(page, "full_name") == "Bea Sousa" and input_value(page, "email") == "b@porto.example"
    assert registration("b@porto.example") is None


def test_a_delegation_over_the_limit_comes_back_with_every_delegate(app, browser, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTRATION_RATE_LIMIT", "1 per minute")
    event = open_event()
    city = make_organisation(name="Braga", country="PT")
    url = f"/events/{event.slug}/register/delegation"
    assert browser.post(url, delegation(city, 2), **OFFICE).status_code == 302
    for n in range(3):  # mistakes on the way are not counted
        assert browser.post(url, {**delegation(city, 2, 10), "head_name": ""}, **OFFICE).status_code == 200
    answer = browser.post(url, delegation(city, 3, 20), **OFFICE)
    page = text(answer)
    assert answer.status_code == 429 and retry_after(answer) <= 60
    assert [input_value(page, f"delegates-{n}-full_name") for n in range(3)] == ["Fake 20", "Fake 21", "Fake 22"]
    assert db.session.scalar(select(func.count()).select_from(Delegation)) == 1


def test_adding_delegates_one_by_one_counts_only_those_added(app, browser, monkeypatch):
    event = open_event()
    city = make_organisation(name="Faro", country="PT")
    data = delegation(city, 1)
    browser.post(f"/events/{event.slug}/register/delegation", data)
    confirm_from_mail(browser, data["head_email"])
    link = re.search(r"/delegations/[^\s/]+", last_message(data["head_email"]).text_body).group(0)
    monkeypatch.setitem(app.config, "REGISTRATION_RATE_LIMIT", "2 per minute")
    for n in range(4):  # an address mistyped four times
        bad = browser.post(link, {"full_name": f"Extra {n}", "email": "not-an-address", "category": "delegate"})
        assert bad.status_code == 200
    codes = [browser.post(link, {"full_name": f"Extra {n}", "email": f"extra{n}@faro.example",
                                 "category": "delegate"}).status_code for n in range(3)]
    assert codes == [302, 302, 429]
    assert registration("extra2@faro.example") is None


@pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed")
def test_on_a_phone_the_refused_form_comes_back_filled_in_with_the_reason_on_top(app, server, monkeypatch,  # noqa: F811
                                                                                   tmp_path):
    from playwright.sync_api import expect, sync_playwright

    monkeypatch.setitem(app.config, "REGISTRATION_RATE_LIMIT", "1 per minute")
    event = open_event(title="Congrès mondial")
    with sync_playwright() as playwright:
        options = chromium_options(tmp_path / "no-camera.y4m")  # no camera is used: drop its file
        options["args"] = [arg for arg in options["args"] if not arg.startswith("--use-file-for-fake-video")]
        browser = playwright.chromium.launch(**options)
        # A phone; the CSP is bypassed only to inject axe-core (tests/test_accessibility.py).
        page = browser.new_page(viewport={"width": 390, "height": 844}, bypass_csp=True)

        def register(name: str, email: str):
            page.goto(f"{server}/events/{event.slug}/register")
            page.fill("#full_name", name)
            page.fill("#email", email)
            page.fill("#position", "Conseillère municipale")
            page.check("#not_listed")
            page.fill("#organisation_name", "Ville de Québec")
            page.check("#privacy_consent")
            page.click("main form button[type=submit]")

        register("Amélie Tremblay", "amelie@quebec.example")
        expect(page.locator("main")).to_contain_text("We have sent a message to amelie@quebec.example")
        register("Đặng Thu Hà", "thuha@quebec.example")  # a colleague, straight after
        alert = page.locator("[role=alert]")
        expect(alert).to_contain_text("Please try again in")
        expect(alert).to_contain_text("everything you typed is still in the form below")
        expect(page.locator("#full_name")).to_have_value("Đặng Thu Hà")
        expect(page.locator("#organisation_name")).to_have_value("Ville de Québec")
        expect(page.locator("#privacy_consent")).to_be_checked()
        page.screenshot(path=str(Path(os.environ.get("SCREENSHOTS", tmp_path)) / "e-rate-limit-phone.png"),
                        full_page=True)
        page.evaluate(AXE)
        assert page.evaluate(RUN_AXE) == []
        browser.close()
    assert registration("thuha@quebec.example") is None
