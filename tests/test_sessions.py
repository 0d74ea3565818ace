"""Sessions that can be revoked: login renews the session, logout and a password change end the account's
other sessions and remember-me cookies, remember-me cookies rotate, and the login page neither tells which
addresses have accounts nor lets parallel guesses past its rate limit.

Each test replays what an attacker holding a copied cookie (a shared desk computer, a stolen laptop) would do,
on a second `Device` that has only that cookie.
"""
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from flask import g

from eventhub.auth import services
from eventhub.core.transaction import atomic
from tests.conftest import Browser
from tests.factories import PASSWORD, make_user
from tests.test_registration_concurrency import run_together, server  # noqa: F401 - server is a fixture

NEW_PASSWORD = "a new long secret"
REMEMBER = "remember_token"  # Flask-Login's cookie name (REMEMBER_COOKIE_NAME is not set)


class Device(Browser):
    """One of several browsers in a test. Here the test's app context, and its `g`, outlive each request (in
    production every request has its own): forget the user and CSRF token Flask-Login and Flask-WTF keep in
    `g`, so every request is judged on this device's own cookies, as a real one would be."""

    def get(self, *args, **kwargs):
        _forget_request_state()
        return super().get(*args, **kwargs)

    def post(self, url, data=None, **kwargs):
        _forget_request_state()
        return super().post(url, data, **kwargs)

    def cookie(self, name: str) -> str | None:
        found = self.client.get_cookie(name)
        return found.value if found else None

    def signed_in(self) -> bool:
        """Whether this device opens an organiser's page (the member records: personal data) as the user."""
        return self.get("/members/").status_code == 200


def _forget_request_state() -> None:
    g.pop("_login_user", None)
    g.pop("csrf_token", None)


@pytest.fixture
def device(app):
    return Device(app.test_client())


@pytest.fixture
def other_device(app):
    return Device(app.test_client())


@pytest.fixture
def user():
    return make_user(roles=("organiser",), email="officer@example.org")


def copy_cookie(source: Device, target: Device, name: str) -> None:
    """What a thief does with a cookie: use it on another machine."""
    target.client.set_cookie(name, source.cookie(name))


def change_password(device: Device):
    return device.post("/auth/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                          "confirm": NEW_PASSWORD})


# Login renews the session.

def test_a_csrf_token_from_before_login_is_refused_after_it(device, user):
    planted = device.token()  # e.g. from a session cookie an attacker planted in the browser
    assert device.login(user).status_code == 302
    response = device.post("/auth/password", {"csrf_token": planted, "current_password": PASSWORD,
                                              "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert device.login(user, NEW_PASSWORD).status_code != 302  # the password did not change
    assert change_password(device).status_code == 302  # a token of the new session works


def test_nothing_planted_in_the_anonymous_session_survives_login(device, user):
    with device.client.session_transaction() as session:
        session["registration_tokens"] = {"1": "the attackers own manage link"}
    device.login(user)
    with device.client.session_transaction() as session:
        assert "registration_tokens" not in session and "csrf_token" not in session


def test_signing_in_without_remember_me_drops_a_planted_remember_me_cookie(device, other_device, user):
    attacker = make_user(email="attacker@example.org")
    other_device.post("/auth/login", {"email": attacker.email, "password": PASSWORD, "remember": "y"})
    copy_cookie(other_device, device, REMEMBER)
    device.login(user)
    assert device.cookie(REMEMBER) is None  # else the attacker's account takes over when the session ends


# Password change and logout end the other sessions.

def test_a_password_change_signs_out_every_other_device(device, other_device, user):
    device.login(user)
    other_device.login(user)
    assert other_device.signed_in()
    assert change_password(device).status_code == 302
    assert device.signed_in()  # where it was changed, the user carries on
    assert not other_device.signed_in()


def test_a_session_cookie_copied_before_a_password_change_is_refused(device, other_device, user):
    device.login(user)
    copy_cookie(device, other_device, "session")
    assert other_device.signed_in()
    change_password(device)
    assert not other_device.signed_in()


def test_a_session_cookie_replayed_after_logout_is_refused(device, other_device, user):
    device.login(user)
    copy_cookie(device, other_device, "session")
    device.logout()
    assert not device.signed_in()
    assert not other_device.signed_in()


def test_logout_signs_the_account_out_on_every_device(device, other_device, user):
    device.login(user)
    other_device.login(user)
    device.logout()
    assert not other_device.signed_in()
    assert other_device.login(user).status_code == 302 and other_device.signed_in()


def test_an_identity_in_an_old_or_forged_form_signs_nobody_in(device, user):
    for identity in (str(user.id), f"{user.id}:x:y", "", "1:2:3:4", f"{user.id}:{10**30}:z", f"{10**30}:0:z"):
        with device.client.session_transaction() as session:
            session["_user_id"] = identity
        response = device.get("/members/")
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


# Remember-me cookies rotate and die with the sessions.

def remembered_login(device: Device, user, password: str = PASSWORD) -> str:
    response = device.post("/auth/login", {"email": user.email, "password": password, "remember": "y"})
    assert response.status_code == 302
    return device.cookie(REMEMBER)


def only_the_remember_cookie(app, value: str) -> Device:
    """A browser that was closed: no session, only the remember-me cookie."""
    device = Device(app.test_client())
    device.client.set_cookie(REMEMBER, value)
    return device


def test_the_remember_me_cookie_differs_on_every_login(app, device, user):
    first = remembered_login(device, user)
    second = remembered_login(device, user)
    assert first and second and first != second
    assert only_the_remember_cookie(app, second).signed_in()


def test_a_password_change_kills_every_remember_me_cookie_but_renews_this_devices(app, device, other_device, user):
    elsewhere = remembered_login(other_device, user)
    here = remembered_login(device, user)
    assert only_the_remember_cookie(app, elsewhere).signed_in()
    change_password(device)
    assert not only_the_remember_cookie(app, elsewhere).signed_in()
    assert not only_the_remember_cookie(app, here).signed_in()
    renewed = device.cookie(REMEMBER)
    assert renewed not in (None, here) and only_the_remember_cookie(app, renewed).signed_in()


def test_logout_kills_every_remember_me_cookie(app, device, other_device, user):
    elsewhere = remembered_login(other_device, user)
    here = remembered_login(device, user)
    device.logout()
    assert device.cookie(REMEMBER) is None
    assert not only_the_remember_cookie(app, here).signed_in()
    assert not only_the_remember_cookie(app, elsewhere).signed_in()


# The login page does not tell which addresses have accounts.

@pytest.fixture
def hash_checks(monkeypatch):
    """The method of every stored hash a password is checked against during the test."""
    checked = []
    real = services.check_password_hash

    def counting(pwhash, password):
        checked.append(pwhash.split("$", 1)[0])
        return real(pwhash, password)

    monkeypatch.setattr(services, "check_password_hash", counting)
    return checked


def test_an_unknown_address_costs_the_same_password_check_as_a_known_one(hash_checks, user):
    known_method = user.password_hash.split("$", 1)[0]
    with atomic():
        inactive = make_user(email="left@example.org")
        inactive.active = False
    for email, password in ((user.email, "wrong password"), ("nobody@example.org", PASSWORD),
                            (inactive.email, PASSWORD), (user.email, PASSWORD)):
        hash_checks.clear()
        with atomic():
            services.authenticate(email, password)
        assert hash_checks == [known_method], email


# The rate limit counts an attempt before the password is checked.

def test_sixty_parallel_wrong_passwords_get_no_more_than_the_limit_checked(app, server, user, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "10 per minute")
    checks = []
    real = services.check_password_hash

    def slow(pwhash, password):  # as slow as scrypt in production, so the requests overlap
        checks.append(password)
        time.sleep(0.05)
        return real(pwhash, password)

    monkeypatch.setattr(services, "check_password_hash", slow)
    device = Device(app.test_client())
    token = device.token()
    cookie = f"session={device.cookie('session')}"

    def attempt(n):
        def job():
            body = urllib.parse.urlencode({"csrf_token": token, "email": user.email, "password": f"guess {n}"})
            request = urllib.request.Request(f"{server}/auth/login", data=body.encode(), method="POST",
                                             headers={"Cookie": cookie})
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code
        return job

    codes = run_together(app, [attempt(n) for n in range(60)])
    assert sorted(set(codes)) == [200, 429]
    assert codes.count(200) == 10 and len(checks) == 10


def test_successful_logins_do_not_use_up_the_limit_of_the_address(app, user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    for _ in range(5):  # colleagues signing in one after another behind the venue's one address
        assert Device(app.test_client()).login(user).status_code == 302
    device = Device(app.test_client())
    for _ in range(3):
        assert device.post("/auth/login", {"email": user.email, "password": "nope nope"}).status_code == 200
    assert device.post("/auth/login", {"email": user.email, "password": "nope nope"}).status_code == 429
    assert device.login(user).status_code == 429
