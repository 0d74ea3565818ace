"""Sessions that can be revoked: login renews the session, logout and a password change end the account's
other sessions and remember-me cookies, and remember-me cookies rotate.

Each test replays what an attacker holding a copied cookie (a shared desk computer, a stolen laptop) would do,
on a second `Device` that has only that cookie.
"""
import pytest
from flask import g

from tests.conftest import Browser
from tests.factories import PASSWORD, make_user

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
