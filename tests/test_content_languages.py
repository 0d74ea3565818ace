"""Event and session texts in several languages: organisers give them (form, API), visitors read their own
(pages, feeds, schedule exports, API), with the main language wherever a text is not translated."""
from icalendar import Calendar
from sqlalchemy import select

from eventhub.agenda.models import AgendaSession
from eventhub.core.types import utcnow
from eventhub.events.models import Event
from eventhub.extensions import db
from tests.factories import at, make_event, make_registration, make_session, make_token, publish_agenda
from tests.test_agenda_admin import session_form, url
from tests.test_events_pages import form_data

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
SPANISH = {"Accept-Language": "es-MX,es;q=0.9"}


def _event(**values):
    values.setdefault("title", "Cities for Climate")
    values.setdefault("summary", "Three days of local action.")
    values.setdefault("translations", {"fr": {"title": "Villes pour le climat", "summary": "Trois jours d'action locale."},
                                       "es": {"title": "Ciudades por el clima"}})
    return make_event(**values)


def _agenda(event, **values):
    session = make_session(event, title="Opening plenary", description="Welcome by the host mayor.",
                           translations={"es": {"title": "Plenaria de apertura"}}, **values)
    publish_agenda(event)
    return session


# Organisers give the translations.

def test_an_organiser_gives_an_event_a_french_title_and_summary_in_the_form(organiser_browser):
    data = form_data(title="Cities for Climate", summary="Three days.", language="en",
                     tr_fr_title="Villes pour le climat", tr_fr_summary="Trois jours.", tr_es_title="")
    response = organiser_browser.post("/manage/events/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    event = db.session.scalar(select(Event).where(Event.title == "Cities for Climate"))
    assert event.language == "en"
    assert event.translations == {"fr": {"title": "Villes pour le climat", "summary": "Trois jours."}}
    page = organiser_browser.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    # The French group opens with the texts in it; the main language has no group of its own.
    assert 'id="translation-fr" open' in page and "Villes pour le climat" in page
    assert 'id="translation-en"' not in page and 'id="translation-es"' in page


def test_a_translation_too_long_is_refused_next_to_its_field_and_nothing_is_saved(organiser_browser):
    data = form_data(title="Cities for Climate", tr_es_title="C" * 201, tr_fr_title="Villes")
    page = organiser_browser.post("/manage/events/new", data=data).get_data(as_text=True)
    assert "Nothing was saved" in page
    assert 'id="tr_es_title-errors"' in page
    assert 'value="Villes"' in page  # what was typed stays in the form
    assert db.session.scalar(select(Event).where(Event.title == "Cities for Climate")) is None


def test_an_organiser_gives_a_session_a_spanish_title(organiser_browser):
    event = make_event(title="Congreso", status="draft")
    response = organiser_browser.post(url(event, "/sessions/new"),
                                      session_form(event, title="Water workshop", tr_es_title="Taller del agua",
                                                   tr_es_description="Con alcaldes de la región."))
    assert response.status_code == 302
    session = db.session.scalar(select(AgendaSession).where(AgendaSession.event_id == event.id))
    assert session.translations == {"es": {"title": "Taller del agua", "description": "Con alcaldes de la región."}}


def test_a_text_in_the_main_language_is_not_kept_as_a_translation():
    event = _event(language="fr", title="Villes pour le climat",
                   translations={"fr": {"title": "Doublon"}, "en": {"title": "Cities for Climate"}})
    assert event.translations == {"en": {"title": "Cities for Climate"}}


# Visitors read their language.

def test_a_spanish_visitor_sees_the_spanish_title_and_the_main_summary_where_none_is_given(client):
    event = _event()
    page = client.get(f"/events/{event.slug}", headers=SPANISH).get_data(as_text=True)
    assert "Ciudades por el clima" in page and "Three days of local action." in page
    english = client.get(f"/events/{event.slug}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Cities for Climate" in english and "Ciudades por el clima" not in english


def test_the_agenda_shows_a_session_in_the_visitors_language(client):
    event = _event()
    _agenda(event)
    spanish = client.get(f"/events/{event.slug}/agenda", headers=SPANISH).get_data(as_text=True)
    french = client.get(f"/events/{event.slug}/agenda", headers=FRENCH).get_data(as_text=True)
    assert "Plenaria de apertura" in spanish
    assert "Opening plenary" in french and "Plenaria de apertura" not in french  # no French title: the main one


# Feeds and exports.

def test_the_agenda_feed_is_in_the_language_its_link_names_and_lists_the_other_titles(client):
    event = _event()
    _agenda(event)
    spanish = Calendar.from_ical(client.get(f"/events/{event.slug}/agenda.ics?lang=es").data)
    entry = spanish.walk("VEVENT")[0]
    assert str(entry["SUMMARY"]) == "Plenaria de apertura"
    assert entry["SUMMARY"].params["LANGUAGE"] == "es"
    assert "English: Opening plenary" in str(entry["DESCRIPTION"])
    assert str(spanish["X-WR-CALNAME"]) == "Ciudades por el clima"
    main = Calendar.from_ical(client.get(f"/events/{event.slug}/agenda.ics").data)
    entry = main.walk("VEVENT")[0]
    assert str(entry["SUMMARY"]) == "Opening plenary" and entry["SUMMARY"].params["LANGUAGE"] == "en"
    assert "Español: Plenaria de apertura" in str(entry["DESCRIPTION"])


def test_a_personal_feed_is_in_the_language_of_its_owners_emails(client):
    from eventhub.agenda import signups

    event = _event()
    session = _agenda(event)
    registration = make_registration(event, full_name="Ana Souza")
    registration.locale = "es"
    db.session.commit()
    signups.star(registration, session)
    feed = Calendar.from_ical(client.get(f"/calendar/{registration.calendar_token}.ics", headers=FRENCH).data)
    assert str(feed.walk("VEVENT")[0]["SUMMARY"]) == "Plenaria de apertura"


def test_the_frab_export_follows_the_language_asked_for_and_keeps_each_apart(client):
    event = _event()
    _agenda(event)
    spanish = client.get(f"/events/{event.slug}/schedule.xml", headers=SPANISH).get_data(as_text=True)
    main = client.get(f"/events/{event.slug}/schedule.xml").get_data(as_text=True)
    assert "<title>Plenaria de apertura</title>" in spanish and "<title>Ciudades por el clima</title>" in spanish
    assert "<title>Opening plenary</title>" in main
    as_json = client.get(f"/events/{event.slug}/schedule.json?lang=es").json
    talk = next(iter(as_json["schedule"]["conference"]["days"][0]["rooms"].values()))[0]
    assert talk["title"] == "Plenaria de apertura"


# The API.

def _headers(user, **extra):
    _token, secret = make_token(user, "tests")
    return {"Authorization": f"Bearer {secret}", **extra}


def test_the_api_takes_and_gives_translations_and_shows_the_language_asked_for(client, organiser):
    body = {"kind": "congress", "title": "Cities for Climate", "timezone": "Europe/Lisbon", "language": "en",
            "start": "2027-06-15T09:00:00", "end": "2027-06-17T18:00:00",
            "translations": {"pt-BR": {"title": "Cidades pelo clima"}, "fr": {"title": "Villes pour le climat"}}}
    created = client.post("/api/v1/events", json=body, headers=_headers(organiser))
    assert created.status_code == 201, created.json
    assert created.json["translations"] == {"pt_BR": {"title": "Cidades pelo clima"},
                                            "fr": {"title": "Villes pour le climat"}}
    slug = created.json["slug"]
    shown = client.get(f"/api/v1/events/{slug}", headers=_headers(organiser, **{"Accept-Language": "pt-BR"})).json
    assert shown["title"] == "Cities for Climate"  # what a client writes back stays the main language's
    assert shown["display"] == {"language": "pt_BR", "title": "Cidades pelo clima", "summary": None,
                                "description": None}
    patched = client.patch(f"/api/v1/events/{slug}", json={"translations": {"es": {"title": "Ciudades"}}},
                           headers=_headers(organiser))
    assert patched.json["translations"] == {"es": {"title": "Ciudades"}}  # sent whole, replaced whole


def test_the_api_refuses_a_language_it_does_not_speak_and_changes_nothing(client, organiser):
    event = _event()
    response = client.patch(f"/api/v1/events/{event.slug}", headers=_headers(organiser),
                            json={"title": "Renamed", "translations": {"xx": {"title": "?"}}})
    assert response.status_code == 422
    assert "translations" in response.json["errors"]["json"]
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == "Cities for Climate"


def test_the_api_gives_session_translations_and_documents_them(client, organiser):
    event = _event()
    session = _agenda(event)
    got = client.get(f"/api/v1/sessions/{session.id}?lang=es", headers=_headers(organiser)).json
    assert got["translations"] == {"es": {"title": "Plenaria de apertura"}}
    assert got["display"]["title"] == "Plenaria de apertura" and got["title"] == "Opening plenary"
    spec = client.get("/api/v1/openapi.json").json
    schemas = spec["components"]["schemas"]
    assert "translations" in schemas["Event"]["properties"] and "display" in schemas["Session"]["properties"]
    assert "translations" in schemas["SessionInput"]["properties"]


def test_the_session_form_shows_the_events_other_languages(organiser_browser):
    event = make_event(title="Congresso", status="draft", language="pt_BR")
    page = organiser_browser.get(url(event, "/sessions/new")).get_data(as_text=True)
    assert 'id="translation-en"' in page and 'id="translation-pt_BR"' not in page
    # A new session is spoken, most likely, in the event's language.
    assert '<option selected value="pt">' in page


def test_an_event_now_is_untouched_by_a_missing_translation_dict():
    event = make_event(title="Plain")
    event.translations = None
    assert event.localized("title", "fr") == "Plain"
    assert utcnow()  # the factory's event is in the future, nothing else


def test_the_seeded_session_kinds_read_in_the_visitors_language_and_an_organisers_own_as_typed(client):
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from eventhub.agenda.models import SessionKind

    event = _event()
    workshop = db.session.scalar(select(SessionKind).where(SessionKind.name == "Workshop"))
    own = SessionKind(name="Mesa redonda")
    db.session.add(own)
    db.session.commit()
    make_session(event, title="Water", kind_id=workshop.id)
    make_session(event, title="Energy", kind_id=own.id, start=at(event, 12), end=at(event, 13))
    publish_agenda(event)
    with force_locale("fr"):
        atelier = _("Workshop")
    assert atelier != "Workshop"
    page = client.get(f"/events/{event.slug}/agenda", headers=FRENCH).get_data(as_text=True)
    assert atelier in page and "Mesa redonda" in page
    assert db.session.get(SessionKind, workshop.id).name == "Workshop"  # stored as seeded
