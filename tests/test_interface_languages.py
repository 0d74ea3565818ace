"""The interface in the visitor's language: a browser asking for French (or Spanish, Portuguese) gets the
public event and agenda pages, the member pages, the check-in scanner and the error pages in it, with
dates and country names from Babel, and event and session texts in that language when the organisers
gave them. Without Accept-Language everything stays English.

Texts that come from the catalogues are compared with the compiled catalogue (make compile) rather than
spelt out here, and each such check first makes sure the catalogue translates the text at all.
"""
import io
import re
from contextlib import contextmanager
from datetime import datetime, timezone
from html import unescape

import pytest
from flask_babel import force_locale, get_locale, refresh
from flask_babel import gettext as _

from eventhub.core.countries import country_choices, country_name
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.members.models import Organisation
from tests.factories import (make_agenda_parts, make_event, make_organisation, make_session, make_user, open_event,
                             publish_agenda)

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}
BRAZILIAN = {"Accept-Language": "pt-BR"}


def _translated(text: str, code: str) -> str:
    """The compiled catalogue's translation of a text; skips the check while the catalogue lacks it."""
    with force_locale(code):
        found = _(text)
    if found == text:
        pytest.skip(f"the {code} catalogue does not translate {text!r} yet (make catalogues, make compile)")
    return found


def _lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


@pytest.fixture
def june_event():
    """A published congress in Bonn next June, hosted by a German city."""
    host = make_organisation(name="Bundesstadt Bonn", country="DE")
    year = datetime.now(timezone.utc).year + 1
    return make_event(title="World Congress of Cities", summary="Three days on climate and housing.",
                      timezone="Europe/Berlin", host_organisation_id=host.id,
                      start=datetime(year, 6, 15, 9), end=datetime(year, 6, 17, 17))


def _translate(item, texts: dict) -> None:
    """Give an event or a session its texts in other languages, as the organisers' form does (a session's
    texts are written in its event's main language)."""
    event = item if isinstance(item, Event) else item.event
    item.set_translations(texts, event.language)
    db.session.commit()


# --- dates, country names and the page's language, from Babel: no catalogue needed ------------------------

def test_a_french_browser_gets_the_event_page_in_french_with_french_dates_and_country(client, june_event):
    page = client.get(f"/events/{june_event.slug}", headers=FRENCH).get_data(as_text=True)
    assert _lang(page) == "fr"
    assert "juin" in page and "Allemagne" in page
    assert "June" not in page and "Germany" not in page


def test_without_accept_language_the_same_page_is_english(client, june_event):
    page = client.get(f"/events/{june_event.slug}").get_data(as_text=True)
    assert _lang(page) == "en"
    assert "Jun" in page and "Germany" in page and "Allemagne" not in page


def test_the_list_of_events_gives_its_dates_in_the_visitors_language(client, june_event):
    french = client.get("/", headers=FRENCH).get_data(as_text=True)
    brazilian = client.get("/", headers=BRAZILIAN).get_data(as_text=True)
    assert _lang(french) == "fr" and "juin" in french
    assert _lang(brazilian) == "pt-BR" and "jun." in brazilian


@contextmanager
def _request(app, headers: dict):
    """A request from a browser sending these headers (its language chosen afresh: the test's app context,
    which the request shares, may remember another one)."""
    with app.test_request_context(headers=headers):
        refresh()
        yield


def test_the_request_speaks_the_language_the_browser_prefers(app):
    for header, expected in ((FRENCH, "fr"), (SPANISH, "es"), (BRAZILIAN, "pt_BR"), ({}, "en"),
                             ({"Accept-Language": "pt-PT"}, "pt_BR"), ({"Accept-Language": "de, fr;q=0.5"}, "fr")):
        with _request(app, header):
            assert str(get_locale()) == expected, header


def test_country_names_and_their_order_follow_the_language(app):
    with _request(app, FRENCH):
        assert country_name("DE") == "Allemagne" and country_name("de") == "Allemagne"
        names = [name for _code, name in country_choices()]
        # Accents do not send Égypte and Équateur after Zimbabwe.
        assert names.index("Danemark") < names.index("Égypte") < names.index("Équateur") < names.index("Espagne")
        assert names.index("Zimbabwe") == len(names) - 1
    with _request(app, BRAZILIAN):
        assert country_name("DE") == "Alemanha"
    with _request(app, {}):
        assert country_name("DE") == "Germany" and country_name("XX") == "XX" and country_name(None) == ""


def test_the_member_pages_name_countries_in_the_organisers_language(organiser_browser):
    make_organisation(name="Bundesstadt Bonn", country="DE")
    page = organiser_browser.get("/members/", headers=FRENCH).get_data(as_text=True)
    assert _lang(page) == "fr" and "Allemagne" in page
    options = re.findall(r'<option value="([A-Z]{2})"[^>]*>([^<]+)</option>', page)
    names = [unescape(name) for _code, name in options]
    assert names.index("Danemark") < names.index("Égypte") < names.index("Espagne")


def test_the_csv_import_takes_english_labels_whatever_the_language_of_the_page(organiser_browser):
    data = ("name,local_name,kind,country,region,population,status,member_since,website,external_id\r\n"
            "Lyon,,City,FR,,,Former member,,,\r\n"
            "Grand Paris,,metropolitan area,FR,,,member,,,\r\n").encode()
    page = organiser_browser.post("/members/import", {"file": (io.BytesIO(data), "members.csv")},
                                  content_type="multipart/form-data", headers=FRENCH)
    assert page.status_code == 200
    kinds = dict(db.session.execute(db.select(Organisation.name, Organisation.kind)).all())
    statuses = dict(db.session.execute(db.select(Organisation.name, Organisation.status)).all())
    assert kinds == {"Lyon": "city", "Grand Paris": "metropolitan_area"}
    assert statuses == {"Lyon": "former_member", "Grand Paris": "member"}


# --- event and session texts in the visitor's language ----------------------------------------------------

def test_an_event_shows_its_french_title_and_summary_to_french_visitors_only(client, june_event):
    _translate(june_event, {"fr": {"title": "Congrès mondial des villes", "summary": "Trois jours sur le climat."}})
    french = client.get(f"/events/{june_event.slug}", headers=FRENCH).get_data(as_text=True)
    english = client.get(f"/events/{june_event.slug}").get_data(as_text=True)
    spanish = client.get(f"/events/{june_event.slug}", headers=SPANISH).get_data(as_text=True)
    assert "<h1>Congrès mondial des villes</h1>" in french and "Trois jours sur le climat." in french
    assert "<title>Congrès mondial des villes" in french
    assert "<h1>World Congress of Cities</h1>" in english and "Congrès" not in english
    # No Spanish given: the main language's texts, never an empty heading, marked as English for screen readers.
    assert '<h1 lang="en">World Congress of Cities</h1>' in spanish
    assert '<p class="lead" lang="en">Three days on climate and housing.</p>' in spanish
    listed = client.get("/", headers=FRENCH).get_data(as_text=True)
    assert "Congrès mondial des villes" in listed and "Trois jours sur le climat." in listed


def test_the_agenda_lists_and_finds_sessions_by_their_title_in_the_visitors_language(client):
    event = open_event()
    session = make_session(event, title="Financing city climate plans", description="How cities borrow.")
    _translate(session, {"fr": {"title": "Financer les plans climat des villes",
                                "description": "Comment les villes empruntent."}})
    publish_agenda(event)
    url = f"/events/{event.slug}/agenda"
    # Each language its own kept list: English, then French, then English again from the cache.
    assert "Financing city climate plans" in client.get(url).get_data(as_text=True)
    french = client.get(url, headers=FRENCH).get_data(as_text=True)
    assert "Financer les plans climat des villes" in french and "Financing city climate plans" not in french
    again = client.get(url).get_data(as_text=True)
    assert "Financing city climate plans" in again and "Financer" not in again
    # A word of the French description finds the session, and a word of no text finds nothing.
    found = client.get(url, query_string={"q": "empruntent"}, headers=FRENCH).get_data(as_text=True)
    assert "Financer les plans climat des villes" in found
    missed = client.get(url, query_string={"q": "prêtent"}, headers=FRENCH).get_data(as_text=True)
    assert "Financer les plans climat des villes" not in missed
    page = client.get(f"/events/{event.slug}/sessions/{session.id}", headers=FRENCH).get_data(as_text=True)
    assert "<span>Financer les plans climat des villes</span>" in page and "Comment les villes empruntent." in page
    assert "How cities borrow." not in page
    # A session without a Spanish title shows the English one, saying it is English.
    spanish = client.get(url, headers=SPANISH).get_data(as_text=True)
    assert f'<a href="sessions/{session.id}" lang="en">Financing city climate plans</a>' in spanish
    grid = client.get(f"/events/{event.slug}/agenda/rooms", headers=FRENCH).get_data(as_text=True)
    assert _lang(grid) == "fr"


# --- texts from the catalogues (compiled by make compile) ---------------------------------------------------

def test_the_check_in_scanner_gives_its_script_every_text_in_the_visitors_language(browser):
    event = open_event(days_from_now=-1)
    browser.login(make_user(roles=["checkin"], email="gate@example.org"))
    url = f"/checkin/{event.slug}?station=Gate+A"
    english = _script_texts(browser.get(url).get_data(as_text=True))
    spanish = _script_texts(browser.get(url, headers=SPANISH).get_data(as_text=True))
    assert set(english) == set(spanish) and len(english) >= 10
    assert spanish["data-text-welcome"] == _translated("Welcome", "es")
    assert spanish["data-text-offline"] == _translated("Offline — {n} queued", "es")  # the script fills {n}
    assert "{n}" in spanish["data-text-offline"]
    untranslated = [name for name in english if english[name] == spanish[name]]
    assert not untranslated, untranslated


def test_the_timetable_gives_its_script_every_phrase_in_the_organisers_language(organiser_browser):
    event = open_event()
    make_agenda_parts(event)
    url = f"/manage/events/{event.slug}/agenda/"
    english = _script_texts(organiser_browser.get(url).get_data(as_text=True), prefix="data-t-")
    spanish = _script_texts(organiser_browser.get(url, headers=SPANISH).get_data(as_text=True), prefix="data-t-")
    assert set(english) == set(spanish) and len(english) >= 5
    assert spanish["data-t-no-room"] == _translated("No room", "es")
    for name, text in english.items():
        # The script fills in the same placeholders, whatever the language.
        assert sorted(re.findall(r"\{\w+\}", spanish[name])) == sorted(re.findall(r"\{\w+\}", text)), name


def _script_texts(html: str, prefix: str = "data-text-") -> dict[str, str]:
    """The phrases a page hands to its script in data attributes, by attribute name."""
    return {name: unescape(value) for name, value in re.findall(rf'({prefix}[\w-]+)="([^"]*)"', html)}


def test_kinds_and_statuses_are_shown_in_the_visitors_language(client, june_event):
    assert "<small>Congress</small>" in client.get(f"/events/{june_event.slug}").get_data(as_text=True)
    congress = _translated("Congress", "es")
    page = client.get(f"/events/{june_event.slug}", headers=SPANISH).get_data(as_text=True)
    assert f"<small>{congress}</small>" in page


def test_an_error_page_is_in_the_visitors_language(client):
    english = client.get("/events/no-such-event").get_data(as_text=True)
    assert _lang(english) == "en" and "404 · Not found" in english
    page = client.get("/events/no-such-event", headers=SPANISH).get_data(as_text=True)
    assert _lang(page) == "es"
    assert _translated("This page does not exist, or it is not public.", "es") in page
    assert unescape(_translated("Not found", "es")) in unescape(page)


def test_a_bare_refusal_gives_a_sentence_of_ours_not_werkzeugs(client):
    page = client.post("/").get_data(as_text=True)  # the events list takes no POST
    assert "405 · Method not allowed" in page
    assert "This address does not take that kind of request." in page
    assert "The method is not allowed for the requested URL." not in page


def test_the_french_catalogue_reaches_the_pages_once_translated(client, june_event):
    """French texts, once the French catalogue has them (it is being translated)."""
    upcoming = _translated("Upcoming events", "fr")
    page = client.get("/", headers=FRENCH).get_data(as_text=True)
    assert upcoming in unescape(page)
    detail = unescape(client.get(f"/events/{june_event.slug}", headers=FRENCH).get_data(as_text=True))
    assert _translated("Host", "fr") in detail and _translated("Congress", "fr") in detail


def test_the_checks_of_plain_filter_forms_speak_the_visitors_language(app, organiser_browser):
    from flask_wtf.i18n import translations

    event = make_event()
    with _request(app, FRENCH):
        expected = translations.gettext("Not a valid date value.")
    assert expected != "Not a valid date value."  # WTForms' own French catalogue
    page = organiser_browser.get(f"/manage/events/{event.slug}/trail", query_string={"since": "2027-13-45"},
                                 headers=FRENCH).get_data(as_text=True)
    assert expected in unescape(page) and "Not a valid date value." not in page


def test_a_records_history_says_what_was_done_in_the_visitors_language(organiser_browser):
    from eventhub.core.labels import english
    from eventhub.trail.subjects import ACTIONS

    organisation = make_organisation(name="Bundesstadt Bonn", country="DE")
    created = _translated(english(ACTIONS["organisation.created"]), "fr")
    page = organiser_browser.get(f"/members/{organisation.id}/edit", headers=FRENCH).get_data(as_text=True)
    history = unescape(page[page.index('id="history-heading"'):])
    assert created in history and "<code>organisation.created</code>" in history
