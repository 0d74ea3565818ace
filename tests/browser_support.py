"""What browser tests share: signing in through the real login form."""
from tests.factories import PASSWORD


def sign_in(page, server: str, email: str, password: str = PASSWORD) -> None:
    """Sign in as a person would: the login page, the two fields, the button."""
    page.goto(f"{server}/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
