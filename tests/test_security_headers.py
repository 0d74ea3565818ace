"""Browser-side protections: security headers on every kind of answer, production cookies, HSTS, no inline script."""
import re
from pathlib import Path

import pytest

from eventhub import create_app
from tests.factories import PASSWORD, make_event, make_token, make_user
from tests.test_registration_concurrency import server  # noqa: F401  (the live-server fixture)
from tests.browser_support import sign_in

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _policy(response) -> dict[str, str]:
    """The Content-Security-Policy as {directive: sources}."""
    pairs = (part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    return {pair[0]: pair[1] if len(pair) > 1 else "" for pair in pairs}


def _answers(client, app) -> dict:
    event = make_event()
    _row, secret = make_token(make_user(), "headers")
    return {
        "page": client.get("/"),
        "404": client.get("/no-such-page"),
        "api": client.get("/api/v1/events", headers={"Authorization": f"Bearer {secret}"}),
        "ics": client.get(f"/events/{event.slug}/event.ics"),
        "static": client.get("/static/css/app.css"),
    }


def test_every_kind_of_answer_carries_the_security_headers(client, app):
    answers = _answers(client, app)
    assert [answers[kind].status_code for kind in answers] == [200, 404, 200, 200, 200]
    for kind, response in answers.items():
        assert response.headers["X-Content-Type-Options"] == "nosniff", kind
        assert response.headers["X-Frame-Options"] == "DENY", kind
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", kind
        response.close()
    for kind in ("page", "404"):
        policy = _policy(answers[kind])
        assert policy["script-src"] == "'self'", kind  # no 'unsafe-inline', no 'unsafe-eval'
        assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'", kind
        assert "unsafe-inline" not in policy["style-src-elem"], kind
    assert answers["api"].is_json and answers["ics"].mimetype == "text/calendar"


@pytest.mark.parametrize("url", ["/registrations/not-a-token", "/calendar/not-a-token.ics", "/delegations/not-a-token"])
def test_pages_with_a_secret_in_the_url_send_no_referrer(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_a_policy_a_view_set_itself_is_kept(app):
    from eventhub.core import security

    with app.test_request_context("/"):
        response = app.make_response(("x", 200, {"Referrer-Policy": "no-referrer", "X-Frame-Options": "SAMEORIGIN"}))
        response = security.add_security_headers(response)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_hsts_is_sent_over_https_only(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "HSTS_SECONDS", 31536000)
    assert client.get("/", base_url="https://events.example.org").headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/").headers  # plain http: make run on 127.0.0.1


@pytest.fixture
def app_for(app):
    """An app as the named environment configures it, on the test database."""
    made = []

    def build(environment: str):
        made.append(create_app({"EVENTHUB_ENV": environment, "SECRET_KEY": "another-secret",
                                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                                "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False}}))
        return made[-1]

    yield build
    for other in made:
        with other.app_context():
            from eventhub.extensions import db

            db.engine.dispose()


def _sign_in(app, base_url: str):
    """Sign in with "keep me signed in" as a browser at base_url does: load the form, post it with its token."""
    user = make_user(email="mayor@example.org")
    client = app.test_client()
    page = client.get("/auth/login", base_url=base_url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    # Over https Flask-WTF also checks that the Referer is this site, as a browser's would be.
    response = client.post("/auth/login", base_url=base_url, headers={"Referer": f"{base_url}/auth/login"},
                           data={"email": user.email, "password": PASSWORD, "remember": "y", "csrf_token": token})
    return client, response


def _cookie_flags(response) -> dict[str, set[str]]:
    """Each cookie the response sets, with its attributes in lower case ("secure", "samesite=lax", "domain")."""
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        name, *attributes = (part.strip().lower() for part in header.split(";"))
        cookies[name.split("=", 1)[0]] = {
            attribute.split("=", 1)[0] if attribute.startswith(("domain=", "expires=", "max-age=")) else attribute
            for attribute in attributes}
    return cookies


def test_production_cookies_are_secure_httponly_and_same_site(app_for):
    _client, response = _sign_in(app_for("production"), "https://events.example.org")
    assert response.status_code == 302
    cookies = _cookie_flags(response)
    assert set(cookies) == {"__host-session", "__host-remember_token"}
    for name, flags in cookies.items():
        assert {"secure", "httponly", "samesite=lax", "path=/"} <= flags, name
        assert "domain" not in flags, name  # __Host-: only this host may set or read it
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_development_signs_in_over_plain_http_without_hsts(app_for):
    client, response = _sign_in(app_for("development"), "http://127.0.0.1:5000")
    assert response.status_code == 302
    assert "Strict-Transport-Security" not in response.headers
    flags = _cookie_flags(response)["session"]
    assert "secure" not in flags and {"httponly", "samesite=lax"} <= flags
    # make run serves plain http on 127.0.0.1: the browser sends the cookie back and the next page is signed in.
    assert "Sign out" in client.get("/", base_url="http://127.0.0.1:5000").get_data(as_text=True)


def test_templates_hold_no_inline_script_handler_or_style_element():
    """The policy refuses them: every script is a file under static/js, every stylesheet under static/css."""
    found = []
    for path in TEMPLATES.rglob("*.html"):
        if path.parts[len(TEMPLATES.parts)] == "mail":
            continue  # e-mails are read in mail programs, not served under our policy
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\ssrc=)[^>]*>", r"\son[a-z]+\s*=", r"<style\b", r"javascript:"):
            found += [f"{path.relative_to(TEMPLATES)}: {match}" for match in re.findall(pattern, text, re.I)]
    assert found == []


# Reports every policy violation of the page (and of the scripts it runs) into window.__violations.
REPORT_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.effectiveDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


def _visit(page, url: str, ready=None) -> list[str]:
    """Open a page under the policy, let its scripts run (and `ready` finish), and return what the policy blocked."""
    response = page.goto(url)
    assert "script-src 'self'" in response.headers["content-security-policy"], url
    if ready:
        ready(page)
    page.wait_for_load_state("networkidle")
    return [f"{url}: {violation}" for violation in page.evaluate("window.__violations")]


def test_every_page_works_under_the_policy_in_chromium(server, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    from tests.factories import make_agenda_parts, make_organisation, make_registration, make_session, open_event
    from tests.factories import publish_agenda
    from tests.fake_camera import chromium_available, chromium_options, y4m_for_code

    if not chromium_available():
        pytest.skip("Debian's chromium is not installed")
    event = open_event(days_from_now=-1, length_days=3)
    parts = make_agenda_parts(event)
    make_session(event, title="Water in the city", room_id=parts["rooms"][0].id, track_id=parts["tracks"][1].id)
    publish_agenda(event)
    make_organisation(name="Município de Lisboa", country="PT")
    make_registration(event, full_name="Inês Gonçalves")
    make_user(roles=["organiser", "checkin"], email="olga@example.org")
    slug = event.slug
    blocked = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**chromium_options(y4m_for_code("unused", tmp_path / "camera.y4m")))
        context = browser.new_context()
        context.add_init_script(REPORT_VIOLATIONS)
        page = context.new_page()
        for url in ("/", f"/events/{slug}", f"/events/{slug}/agenda", "/no-such-page", f"/events/{slug}/register/delegation"):
            blocked += _visit(page, server + url)

        def pick_an_organisation(page):  # the type-ahead's script asks the server and shows the matches
            page.locator("input[data-organisation-picker]").first.fill("Lisb")
            expect(page.get_by_role("option", name="Município de Lisboa")).to_be_visible()

        blocked += _visit(page, f"{server}/events/{slug}/register", pick_an_organisation)

        sign_in(page, server, "olga@example.org")
        for url in ("/members/", "/members/import", f"/manage/events/{slug}/registrations",
                    f"/manage/events/{slug}/participation", f"/checkin/{slug}/dashboard"):
            blocked += _visit(page, server + url)

        def timetable_is_drawn(page):  # its grid positions and track colours are style attributes; timetable.js loads
            expect(page.locator(".tt-session").first).to_be_visible()

        blocked += _visit(page, f"{server}/manage/events/{slug}/agenda/", timetable_is_drawn)

        def scanner_is_ready(page):  # camera, offline data (fetch, crypto.subtle, IndexedDB)
            page.wait_for_function("() => performance.getEntriesByType('resource').some(e => e.name.includes('data.json'))")
            expect(page.locator("#camera")).to_be_visible()

        blocked += _visit(page, f"{server}/checkin/{slug}?station=Gate+A", scanner_is_ready)

        # The watch works: an inline handler that markup injected into the page is refused and reported.
        page.evaluate("""document.body.insertAdjacentHTML("beforeend", '<img src="/x.png" onerror="window.__ran = 1">')""")
        page.wait_for_function("() => window.__violations.length > 0")
        assert page.evaluate("window.__ran") is None
        assert "script-src-attr" in page.evaluate("window.__violations")[0]
        browser.close()
    assert blocked == []
