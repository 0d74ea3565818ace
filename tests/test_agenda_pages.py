"""The public agenda and session pages: who sees them, filters, search, times, and a fixed query count."""
import re
from zoneinfo import ZoneInfo

import pytest

from eventhub.agenda import services
from eventhub.agenda.models import Room, SessionKind, Track
from eventhub.audit.services import SYSTEM
from eventhub.extensions import db
from eventhub.core.types import utcnow
from tests.factories import at, bulk_sessions, make_event, make_organisation, make_session, open_event


def publish(event):
    event.agenda_published_at = utcnow()
    db.session.commit()
    return event


@pytest.fixture
def event():
    return publish(open_event(timezone="America/Sao_Paulo", title="Congresso Mundial"))


@pytest.fixture
def parts(event):
    rooms = [Room(event_id=event.id, name="Plenary hall", capacity=800, location="Level 0",
                  accessibility="Step-free entrance, hearing loop"),
             Room(event_id=event.id, name="Sala Ipê", capacity=30, position=1)]
    tracks = [Track(event_id=event.id, name="Energy", colour="#2e7d32"), Track(event_id=event.id, name="Water", colour="#0277bd")]
    db.session.add_all(rooms + tracks)
    db.session.commit()
    kinds = {k.name: k for k in db.session.query(SessionKind)}
    return {"rooms": rooms, "tracks": tracks, "kinds": kinds}


@pytest.fixture
def agenda(event, parts):
    """A small agenda over two days, with speakers from cities written in several scripts."""
    sao_paulo = make_organisation(name="São Paulo", country="BR")
    kyiv = make_organisation(name="Kyiv", local_name="Київ", country="UA")
    seoul = make_organisation(name="Seoul", local_name="서울특별시", country="KR")
    rooms, tracks, kinds = parts["rooms"], parts["tracks"], parts["kinds"]
    energy = make_session(event, title="Transição Energía urbana", room_id=rooms[0].id, track_id=tracks[0].id,
                          kind_id=kinds["Plenary"].id, language="pt", interpretation=True, start=at(event, 9), end=at(event, 10))
    services.set_people(energy, [{"name": "Ana Souza", "organisation_id": sao_paulo.id},
                                 {"name": "Олена Коваль", "organisation_id": kyiv.id, "role": "moderator"}], SYSTEM)
    water = make_session(event, title="Water resilience", room_id=rooms[1].id, track_id=tracks[1].id,
                         kind_id=kinds["Workshop"].id, language="en", signup_required=True, start=at(event, 9, day=1),
                         end=at(event, 11, day=1), description="Hands-on session on flood maps.")
    services.set_people(water, [{"name": "김민준", "organisation_id": seoul.id},
                                {"name": "مريم الحسن", "role": "panellist"}], SYSTEM)
    cancelled = make_session(event, title="Mobility breakfast", room_id=rooms[0].id, start=at(event, 11), end=at(event, 12))
    services.save_session(event, {"status": "cancelled"}, SYSTEM, cancelled)
    draft = make_session(event, title="Secret draft", status="draft", start=at(event, 14), end=at(event, 15))
    return {"energy": energy, "water": water, "cancelled": cancelled, "draft": draft}


def page(client, event, **filters):
    response = client.get(f"/events/{event.slug}/agenda", query_string=filters)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_agenda_exists_only_for_a_public_event_with_a_published_agenda(client):
    draft = make_event(status="draft")
    draft.agenda_published_at = utcnow()
    unpublished = make_event()
    db.session.commit()
    assert client.get(f"/events/{draft.slug}/agenda").status_code == 404
    assert client.get(f"/events/{unpublished.slug}/agenda").status_code == 404
    assert client.get("/events/no-such-event/agenda").status_code == 404
    assert "/agenda" not in client.get(f"/events/{unpublished.slug}").get_data(as_text=True)
    publish(unpublished)
    assert client.get(f"/events/{unpublished.slug}/agenda").status_code == 200
    assert f"/events/{unpublished.slug}/agenda" in client.get(f"/events/{unpublished.slug}").get_data(as_text=True)


def test_agenda_lists_sessions_by_day_with_speakers_and_cities_in_any_script(client, event, agenda):
    html = page(client, event, day="all")
    # Cards name the cities; their local names (Київ, 서울특별시) are on the session pages, to keep a day light.
    for text in ("Transição Energía urbana", "Ana Souza", "São Paulo", "Олена Коваль", "Kyiv", "김민준", "Seoul",
                 "مريم الحسن", "Plenary hall", "Sala Ipê", "Energy", "#2e7d32", "Portuguese", "interpretation",
                 "Sign-up required", "30 places left"):
        assert text in html, text
    assert html.count('class="agenda-day"') == 2
    assert html.index("Transição Energía urbana") < html.index("Water resilience")


def test_cancelled_sessions_stay_listed_as_cancelled_and_drafts_are_hidden(client, event, agenda):
    html = page(client, event)  # the first day, where both are
    assert "Mobility breakfast" in html and "Secret draft" not in html
    article = html[html.index(f'id="session-{agenda["cancelled"].id}"'):]
    assert "is-cancelled" in html and "Cancelled" in article[:article.index("</article>")]
    assert client.get(f"/events/{event.slug}/sessions/{agenda['draft'].id}").status_code == 404
    response = client.get(f"/events/{event.slug}/sessions/{agenda['cancelled'].id}")
    assert "This session has been cancelled." in response.get_data(as_text=True)


def test_times_are_shown_in_the_event_timezone_with_the_zone_named(client, event, agenda):
    html = page(client, event)
    # 09:00 in São Paulo is 12:00 UTC: the venue's clock is what delegates see.
    assert re.search(r"<p>9:00\sAM – 10:00\sAM <small>Plenary hall</small></p>", html)
    assert "America/Sao_Paulo" in html
    html = client.get(f"/events/{event.slug}/sessions/{agenda['energy'].id}").get_data(as_text=True)
    assert re.search(r'datetime="[^"]+T12:00:00\+00:00">9:00\sAM</time>', html)


@pytest.mark.parametrize("name, value, found, hidden", [
    ("track", lambda p: p["tracks"][1].id, "Water resilience", "Transição Energía urbana"),
    ("room", lambda p: p["rooms"][0].id, "Transição Energía urbana", "Water resilience"),
    ("kind", lambda p: p["kinds"]["Workshop"].id, "Water resilience", "Transição Energía urbana"),
    ("language", lambda p: "pt", "Transição Energía urbana", "Water resilience"),
])
def test_each_filter_narrows_the_agenda(client, event, parts, agenda, name, value, found, hidden):
    html = page(client, event, **{name: value(parts)})
    assert found in html and hidden not in html


def test_day_filter_shows_one_day(client, event, agenda):
    second_day = agenda["water"].start_at.astimezone(ZoneInfo(event.timezone)).date()
    html = page(client, event, day=second_day.isoformat())
    assert "Water resilience" in html and "Transição Energía urbana" not in html
    assert "1 session." in html


@pytest.mark.parametrize("term, found", [
    ("sao paulo", "Transição Energía urbana"),  # a speaker's city, typed without accents
    ("energia", "Transição Energía urbana"),    # the title, typed without accents
    ("КИЇВ", "Transição Energía urbana"),       # a city's local name, another case
    ("flood", "Water resilience"),              # the description
    ("김민준", "Water resilience"),              # a speaker's name in Hangul
])
def test_text_search_ignores_accents_and_case(client, event, agenda, term, found):
    html = page(client, event, q=term)  # on whichever day it is found
    assert found in html
    assert html.count("<article") == 1


def test_junk_filters_are_ignored(client, event, agenda):
    html = page(client, event, track="abc", day="not-a-day")  # the first day, unfiltered
    assert "Transição Energía urbana" in html and "Mobility breakfast" in html
    html = page(client, event, track="abc", day="all")
    assert "Water resilience" in html and "Transição Energía urbana" in html


def test_session_page_shows_room_people_places_and_description(client, event, agenda):
    html = client.get(f"/events/{event.slug}/sessions/{agenda['water'].id}").get_data(as_text=True)
    for text in ("Water resilience", "Sala Ipê", "Workshop", "Water", "English", "30 places, 30 left",
                 "김민준", "서울특별시", "Panellists", "مريم الحسن", "Hands-on session on flood maps."):
        assert text in html, text
    html = client.get(f"/events/{event.slug}/sessions/{agenda['energy'].id}").get_data(as_text=True)
    for text in ("Level 0", "Step-free entrance, hearing loop", "interpretation", "Moderators", "Олена Коваль"):
        assert text in html, text


def test_session_page_is_hidden_with_the_agenda(client, event, agenda):
    url = f"/events/{event.slug}/sessions/{agenda['energy'].id}"
    assert client.get(url).status_code == 200
    other = open_event()
    assert client.get(f"/events/{other.slug}/sessions/{agenda['energy'].id}").status_code == 404
    event.agenda_published_at = None
    db.session.commit()
    assert client.get(url).status_code == 404


def test_print_stylesheet_is_linked(client, app, event, agenda):
    html = page(client, event)
    assert "css/agenda.css" in html
    css = client.get("/static/css/agenda.css").get_data(as_text=True)
    assert "@media print" in css and "break-before: page" in css


def test_agenda_page_runs_a_fixed_number_of_queries(client, event, parts, count_queries):
    organisations = [make_organisation(name=f"Cidade {n}", local_name=f"Город {n}") for n in range(5)]
    bulk_sessions(event, parts, organisations, 20, speakers=2)
    with count_queries() as small:
        assert "Спикер 19-1" in page(client, event, day="all")
    bulk_sessions(event, parts, organisations, 280, speakers=2)
    with count_queries() as large:
        html = page(client, event, day="all")
    assert "Спикер 279-1" in html and "Cidade 4" in html
    assert len(large) == len(small), large
