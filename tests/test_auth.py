"""Signing in and out, password changes, the login rate limit and the users/tokens CLI."""
import pytest

from eventhub.auth.services import caller_for_token, find_user
from eventhub.core.transaction import atomic
from eventhub.extensions import db
from tests.factories import PASSWORD, make_token, make_user


def test_login_with_any_case_email_then_logout(browser):
    make_user(email="Mayor@Example.org", full_name="Anna Müller")
    response = browser.post("/auth/login", {"email": "MAYOR@example.ORG", "password": PASSWORD})
    assert response.status_code == 302
    assert "Anna Müller" in browser.get("/").get_data(as_text=True)
    browser.logout()
    assert "Anna Müller" not in browser.get("/").get_data(as_text=True)


def test_wrong_password_is_refused_with_a_message(browser):
    user = make_user()
    response = browser.post("/auth/login", {"email": user.email, "password": "wrong password"})
    assert response.status_code == 200
    assert "Email or password is not correct." in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client):
    user = make_user()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "next_url, expected",
    [
        ("/members/", "/members/"),
        ("https://evil.example/steal", "/"),
        ("//evil.example/steal", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_login_next_never_leaves_the_site(browser, next_url, expected):
    user = make_user()
    response = browser.post(f"/auth/login?next={next_url}", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_failed_logins_are_rate_limited_but_success_is_not(app, browser):
    user = make_user()
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        for _ in range(3):
            assert browser.post("/auth/login", {"email": user.email, "password": "nope nope"}).status_code == 200
        assert browser.post("/auth/login", {"email": user.email, "password": PASSWORD}).status_code == 429
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "10 per minute"


def test_change_password(browser):
    user = make_user()
    browser.login(user)
    bad = browser.post("/auth/password", {"current_password": "wrong", "new_password": "new secret 1", "confirm": "new secret 1"})
    assert "The current password is not correct." in bad.get_data(as_text=True)
    ok = browser.post("/auth/password", {"current_password": PASSWORD, "new_password": "new secret 1", "confirm": "new secret 1"})
    assert ok.status_code == 302
    browser.logout()
    assert browser.login(user, "new secret 1").status_code == 302


def test_change_password_needs_login(client):
    response = client.get("/auth/password")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_cli_creates_user_with_roles(runner):
    result = runner.invoke(
        args=["users", "create", "Łucja@Example.org", "--name", "Łucja Wiśniewska", "--role", "organiser", "--role", "checkin", "--password", "long enough"]
    )
    assert result.exit_code == 0, result.output
    user = find_user("łucja@example.org")
    assert user.full_name == "Łucja Wiśniewska"
    assert user.roles == {"organiser", "checkin"}


def test_cli_prompts_for_password(runner):
    result = runner.invoke(args=["users", "create", "a@example.org", "--name", "A"], input="s3cret pass\ns3cret pass\n")
    assert result.exit_code == 0, result.output
    assert find_user("a@example.org") is not None


def test_cli_refuses_duplicate_email(runner):
    make_user(email="taken@example.org")
    result = runner.invoke(args=["users", "create", "TAKEN@example.org", "--name", "B", "--password", "long enough"])
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_token_lifecycle(runner):
    user = make_user(email="api@example.org")
    created = runner.invoke(args=["tokens", "create", "api@example.org", "--name", "CRM sync"])
    assert created.exit_code == 0, created.output
    secret = created.output.strip().splitlines()[-1]
    caller = caller_for_token(secret)
    assert (caller.id, caller.email, caller.roles) == (user.id, user.email, user.roles)
    listed = runner.invoke(args=["tokens", "list"])
    assert "CRM sync" in listed.output and secret not in listed.output
    token_id = listed.output.split("\t")[0]
    assert runner.invoke(args=["tokens", "revoke", token_id]).exit_code == 0
    assert caller_for_token(secret) is None


def test_a_token_acts_for_its_owner_with_every_role_until_the_account_is_deactivated():
    user = make_user(roles=("checkin", "organiser"))
    _row, secret = make_token(user)
    caller = caller_for_token(secret)
    assert caller.has_role("checkin") and caller.has_role("organiser") and not caller.has_role("admin")
    assert caller_for_token(secret + "x") is None
    with atomic():
        user.active = False
    assert caller_for_token(secret) is None


def test_a_token_without_roles_still_authenticates_but_holds_none():
    _row, secret = make_token(make_user(roles=()))
    caller = caller_for_token(secret)
    assert caller is not None and caller.roles == frozenset() and not caller.has_role("checkin")


def test_a_tokens_last_use_is_noted_at_most_once_an_hour():
    row, secret = make_token(make_user())
    caller_for_token(secret)
    db.session.refresh(row)
    first = row.last_used_at
    assert first is not None
    caller_for_token(secret)
    db.session.refresh(row)
    assert row.last_used_at == first
