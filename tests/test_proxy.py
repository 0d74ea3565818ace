"""Behind a reverse proxy: the rate limits count the client, not the proxy, and the app's own URLs say https."""
import pytest

from eventhub import create_app
from eventhub.core import security
from tests.factories import make_user
from tests.test_app import reload_config  # noqa: F401  (the fixture)

CLIENT_A, CLIENT_B = "198.51.100.7", "203.0.113.9"


@pytest.fixture
def behind_one_proxy(app, monkeypatch):
    """The app as create_app sets it up with PROXY_HOPS=1 (one proxy, e.g. nginx, in front of gunicorn)."""
    monkeypatch.setitem(app.config, "PROXY_HOPS", 1)
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)  # put back after the test
    security.trust_proxies(app)
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    return app


def _failed_logins_until_refused(browser, headers: dict | list[dict], tries: int = 6) -> int:
    """Post wrong passwords (each with its headers) and say how many were answered before the first 429."""
    user = make_user(email="clerk@example.org")
    for n in range(tries):
        sent = headers[n] if isinstance(headers, list) else headers
        if browser.post("/auth/login", {"email": user.email, "password": "wrong"}, headers=sent).status_code == 429:
            return n
    return tries


def test_behind_a_proxy_each_client_has_its_own_login_limit(behind_one_proxy, browser):
    assert _failed_logins_until_refused(browser, {"X-Forwarded-For": CLIENT_A}) == 3
    # Another person behind the same proxy is not locked out by the first one's failures.
    other = browser.post("/auth/login", {"email": "clerk@example.org", "password": "wrong"},
                         headers={"X-Forwarded-For": CLIENT_B})
    assert other.status_code == 200


def test_a_client_cannot_escape_the_limit_by_sending_its_own_forwarded_for(behind_one_proxy, browser):
    # The client writes a made-up address; the proxy appends the one it saw. Only the proxy's is believed.
    spoofed = [{"X-Forwarded-For": f"10.0.0.{n}, {CLIENT_A}"} for n in range(6)]
    assert _failed_logins_until_refused(browser, spoofed) == 3


def test_without_a_proxy_forwarded_headers_are_ignored(app, browser, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    assert app.config["PROXY_HOPS"] == 0
    spoofed = [{"X-Forwarded-For": f"10.0.0.{n}", "X-Forwarded-Proto": "https"} for n in range(6)]
    assert _failed_logins_until_refused(browser, spoofed) == 3


def test_behind_a_proxy_generated_urls_use_https_and_the_public_host(behind_one_proxy, organiser_browser):
    headers = {"X-Forwarded-For": CLIENT_A, "X-Forwarded-Proto": "https", "X-Forwarded-Host": "events.example.org"}
    page = organiser_browser.get("/manage/events/new", headers=headers).get_data(as_text=True)
    assert "https://events.example.org/events/" in page
    assert "http://localhost" not in page


def test_proxy_hops_come_from_the_environment(reload_config):  # noqa: F811
    assert reload_config(PROXY_HOPS=None).Config.PROXY_HOPS == 0
    assert reload_config(PROXY_HOPS="2").Config.PROXY_HOPS == 2


def test_a_negative_number_of_proxies_stops_the_start():
    with pytest.raises(RuntimeError, match="PROXY_HOPS"):
        create_app({"EVENTHUB_ENV": "testing", "PROXY_HOPS": -1})
