"""Which language a page is in: the browser's Accept-Language, the switcher on every page (a cookie, and
the account of a signed-in person), shown as the page's lang attribute and Content-Language."""
import pytest

from eventhub.auth.models import User
from eventhub.core import languages
from eventhub.extensions import db
from tests.factories import make_event


def lang_of(response) -> str:
    page = response.get_data(as_text=True)
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("header, expected", [
    ("fr-FR,fr;q=0.9,en;q=0.5", "fr"),
    ("es-MX,en;q=0.5", "es"),          # a regional Spanish before an exact English
    ("pt-PT,pt;q=0.8", "pt-BR"),       # every Portuguese reads the Brazilian catalogue
    ("de-DE,de;q=0.9", "en"),          # a language we do not speak: English
    ("en;q=0.2,fr;q=0.8", "fr"),       # the browser's order of preference, not the header's
    ("", "en"),
])
def test_the_page_follows_the_browsers_language(client, header, expected):
    response = client.get("/events/", headers={"Accept-Language": header} if header else {})
    assert lang_of(response) == expected
    assert response.headers["Content-Language"] == expected
    assert {"Accept-Language", "Cookie"} <= set(response.vary)  # shared caches must keep languages apart


def test_every_page_offers_each_language_in_its_own_name(client):
    event = make_event(title="Cities for Climate")
    page = client.get(f"/events/{event.slug}", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    switcher = page.split('<nav class="languages', 1)[1].split("</nav>", 1)[0]
    assert '<span aria-current="true" lang="fr">Français</span>' in switcher
    for code, name in (("en", "English"), ("es", "Español"), ("pt_BR", "Português")):
        assert f'href="/auth/language/{code}?next=/events/{event.slug}"' in switcher
        assert f">{name}</a>" in switcher


def test_the_switcher_keeps_the_choice_in_a_cookie_and_returns_to_the_page(client):
    event = make_event(title="Cities for Climate")
    response = client.get(f"/auth/language/pt_BR?next=/events/{event.slug}?tab=agenda",
                          headers={"Accept-Language": "fr"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/events/{event.slug}?tab=agenda"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=pt_BR;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # The cookie outranks the browser's French from now on.
    assert lang_of(client.get("/events/", headers={"Accept-Language": "fr"})) == "pt-BR"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "javascript:alert(1)", ""])
def test_the_switcher_never_sends_anyone_to_another_site(client, target):
    response = client.get("/auth/language/es", query_string={"next": target})
    assert response.headers["Location"] == "/"  # the list of events


def test_the_account_changes_only_through_the_form_with_its_csrf_token(client, browser, organiser):
    browser.login(organiser)
    client.get("/auth/language/es?next=/events/")  # a link (another site may send someone to it)
    response = client.post("/auth/language/fr", data={"next": "/events/"})  # no token
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, organiser.id).locale is None


@pytest.mark.parametrize("code", ["de", "xx", "pt", "<script>", "fr_FR"])
def test_a_language_we_do_not_speak_is_not_found_and_sets_nothing(client, code):
    response = client.get(f"/auth/language/{code}?next=/events/")
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers or "lang=" not in response.headers["Set-Cookie"]


def test_a_signed_in_person_keeps_the_choice_on_their_account_across_browsers(app, browser, organiser):
    browser.login(organiser)
    page = browser.get("/events/").get_data(as_text=True)
    assert 'action="/auth/language/es"' in page  # a button in a form: it changes the account
    response = browser.post("/auth/language/es", {"next": "/events/"})
    assert response.headers["Location"] == "/events/"
    db.session.expire_all()
    assert db.session.get(User, organiser.id).locale == "es"
    # Another browser (a French one, no cookie) signed in to the same account: the account's language.
    other = app.test_client()
    other_browser = type(browser)(other)
    other_browser.login(organiser)
    assert lang_of(other.get("/events/", headers={"Accept-Language": "fr"})) == "es"
    # Signed out, that browser goes back to its own language.
    other_browser.logout()
    assert lang_of(other.get("/events/", headers={"Accept-Language": "fr"})) == "fr"


def test_dates_and_numbers_follow_the_language(client):
    event = make_event(title="Cities for Climate", timezone="Europe/Paris", capacity=1500)
    page = client.get(f"/events/{event.slug}", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    month = event.start_at.strftime("%m")
    french_months = {"01": "janv.", "02": "févr.", "03": "mars", "04": "avr.", "05": "mai", "06": "juin",
                     "07": "juil.", "08": "août", "09": "sept.", "10": "oct.", "11": "nov.", "12": "déc."}
    assert french_months[month] in page


def test_normalise_reads_the_tags_people_and_browsers_write():
    assert [languages.normalise(tag) for tag in ("pt-br", "PT", "fr_CA", "es-419", "EN", "de", "", None)] == [
        "pt_BR", "pt_BR", "fr", "es", "en", None, None, None]
