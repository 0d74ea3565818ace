"""The printable programme: a PDF booklet of the published agenda, in any script, fonts embedded."""
import io
import unicodedata
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from eventhub.agenda import services
from eventhub.agenda.models import AgendaSession
from eventhub.audit.services import SYSTEM
from eventhub.extensions import db
from eventhub.core.types import utcnow
from tests.factories import (at, bulk_sessions, make_agenda_parts, make_organisation, make_session, make_user,
                             open_event)

ENERGY_GREEN = "#2e7d32"


@pytest.fixture
def host():
    return make_organisation(name="Rabat", local_name="الرباط", country="MA")


@pytest.fixture
def event(host):
    event = open_event(title="Congrès mondial 2027", timezone="Africa/Casablanca", host_organisation_id=host.id,
                       venue_name="Bab Rouah", summary="Villes et climat")
    event.agenda_published_at = utcnow()
    db.session.commit()
    return event


@pytest.fixture
def parts(event):
    tracks = (("Energy", ENERGY_GREEN), ("Вода", "#0277bd"))
    return make_agenda_parts(event, rooms=("Plenary hall", "Salle Atlas"), tracks=tracks)


@pytest.fixture
def agenda(event, parts):
    """Two days; speakers from cities in many scripts; a cancelled and a draft session."""
    kyiv = make_organisation(name="Kyiv", local_name="Київ", country="UA")
    rooms, tracks, kinds = parts["rooms"], parts["tracks"], parts["kinds"]
    energy = make_session(event, title="Transition énergétique", room_id=rooms[0].id, track_id=tracks[0].id,
                          kind_id=kinds["Plenary"].id, language="fr", start=at(event, 9), end=at(event, 10, 30))
    services.set_people(energy, [{"name": "Zoë Łukasiewicz", "position_title": "Mayor"},
                                 {"name": "Олена Коваль", "organisation_id": kyiv.id}], SYSTEM)
    water = make_session(event, title="水と都市 — 서울의 물", room_id=rooms[1].id, track_id=tracks[1].id,
                         kind_id=kinds["Workshop"].id, start=at(event, 9, day=1), end=at(event, 11, day=1))
    services.set_people(water, [{"name": "김민준"}, {"name": "Γιώργος Παπαδόπουλος"}, {"name": "مريم"}], SYSTEM)
    arabic = make_session(event, title="التمويل الأخضر للمدن", room_id=rooms[0].id, start=at(event, 14, day=1),
                          end=at(event, 15, day=1))
    cancelled = make_session(event, title="Mobility breakfast", room_id=rooms[0].id,
                             start=at(event, 11), end=at(event, 12))
    services.save_session(event, {"status": "cancelled"}, SYSTEM, cancelled)
    draft = make_session(event, title="Secret draft", status="draft", start=at(event, 14), end=at(event, 15))
    return {"energy": energy, "water": water, "arabic": arabic, "cancelled": cancelled, "draft": draft}


def get_pdf(client, event, **headers):
    return client.get(f"/events/{event.slug}/programme.pdf", headers=headers)


def pages_text(response) -> list[str]:
    """The text of each page, as a reader's search or copy would find it."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages]


def test_programme_is_a_pdf_with_a_cover_and_a_page_per_day(client, event, agenda):
    response = get_pdf(client, event)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'inline; filename="{event.slug}-programme.pdf"'
    cover, first_day, second_day = pages_text(response)
    assert "Congrès mondial 2027" in cover and "Villes et climat" in cover and "Bab Rouah" in cover
    assert "Rabat" in cover and "Morocco" in cover and "Proof" not in cover
    assert "Energy" in cover and "Вода" in cover  # the track legend
    assert "Transition énergétique" in first_day and "Mobility breakfast" in first_day
    assert "水と都市 — 서울의 물" in second_day and "Transition" not in second_day


def test_day_headings_and_times_are_on_the_venue_clock(client, event, agenda):
    _, first_day, second_day = pages_text(get_pdf(client, event))
    for page, session in ((first_day, agenda["energy"]), (second_day, agenda["water"])):
        local = session.start_at.astimezone(ZoneInfo(event.timezone))
        assert local.strftime("%A, %B %-d, %Y") in page  # e.g. "Tuesday, April 27, 2027"
    assert "9:00 AM" in first_day and "10:30 AM" in first_day
    assert "9:00 AM" in second_day and "11:00 AM" in second_day


def test_speakers_print_with_their_cities_in_their_own_scripts(client, event, agenda):
    text = "\n".join(pages_text(get_pdf(client, event)))
    for name in ("Zoë Łukasiewicz, Mayor", "Олена Коваль — Kyiv", "김민준", "Γιώργος Παπαδόπουλος"):
        assert name in text


def test_arabic_is_shaped_into_joined_letters(client, event, agenda):
    text = "\n".join(pages_text(get_pdf(client, event)))
    # Shaped Arabic is drawn with the joining forms (initial, medial, final), which readers extract
    # as presentation forms; unshaped text would show only the isolated letters.
    forms = [c for c in text if 0xFB50 <= ord(c) <= 0xFEFF]
    assert forms, "no shaped Arabic in the programme"
    assert set("التمويل") <= set(unicodedata.normalize("NFKC", text))


def test_every_font_is_embedded(client, event, agenda):
    reader = PdfReader(io.BytesIO(get_pdf(client, event).data))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert any("EventHubSans" in name for name in fonts) and any("DroidSansFallback" in name for name in fonts)
    for name, font in fonts.items():
        assert "/FontFile2" in font["/FontDescriptor"], f"{name} is not embedded"


def test_sessions_carry_their_track_colour(client, event, agenda):
    from reportlab.lib.colors import HexColor
    from reportlab.lib.rl_accel import fp_str

    reader = PdfReader(io.BytesIO(get_pdf(client, event).data))
    green = f"{fp_str(*HexColor(ENERGY_GREEN).rgb())} rg".encode()
    assert green in reader.pages[1].get_contents().get_data()  # the Energy session's colour bar


def test_cancelled_sessions_are_marked_and_drafts_left_out(client, event, agenda):
    text = "\n".join(pages_text(get_pdf(client, event)))
    assert "Mobility breakfast — Cancelled" in text
    assert "Secret draft" not in text


@pytest.mark.parametrize("published", ["draft event", "unpublished agenda"])
def test_no_programme_before_the_agenda_is_public(client, event, agenda, published):
    if published == "draft event":
        event.status = "draft"
    else:
        event.agenda_published_at = None
    db.session.commit()
    assert get_pdf(client, event).status_code == 404


def test_an_unchanged_programme_answers_304_and_a_moved_session_a_new_one(client, event, agenda):
    first = get_pdf(client, event)
    etag = first.headers["ETag"]
    again = get_pdf(client, event, **{"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    services.save_session(event, {"start": at(event, 16), "end": at(event, 17)}, SYSTEM, agenda["energy"])
    moved = get_pdf(client, event, **{"If-None-Match": etag})
    assert moved.status_code == 200 and moved.headers["ETag"] != etag
    assert "4:00 PM" in pages_text(moved)[1]


def test_a_new_track_colour_makes_a_new_programme(client, event, agenda, parts):
    etag = get_pdf(client, event).headers["ETag"]
    parts["tracks"][0].colour = "#d32f2f"
    db.session.commit()
    assert get_pdf(client, event, **{"If-None-Match": etag}).status_code == 200


def test_an_agenda_without_sessions_still_prints_its_cover(client, event):
    cover, *rest = pages_text(get_pdf(client, event))
    assert "Congrès mondial 2027" in cover
    assert "No sessions have been published yet." in "\n".join([cover, *rest])


def test_programme_runs_a_fixed_number_of_queries(client, event, parts, count_queries):
    cities = [make_organisation(name=f"Cidade {n}", local_name=f"都市 {n}") for n in range(3)]
    bulk_sessions(event, parts, cities, 5)
    with count_queries() as small:
        assert "Спикер 4-0" in "\n".join(pages_text(get_pdf(client, event)))
    db.session.query(AgendaSession).delete()
    db.session.commit()
    bulk_sessions(event, parts, cities, 40)
    with count_queries() as large:
        assert "Спикер 39-0" in "\n".join(pages_text(get_pdf(client, event)))
    assert len(large) == len(small), large


def test_organisers_get_a_marked_proof_before_the_agenda_is_public(organiser_browser, event, agenda):
    event.agenda_published_at = None
    db.session.commit()
    response = organiser_browser.get(f"/events/{event.slug}/programme.pdf")
    assert response.status_code == 200
    assert response.cache_control.private
    cover, first_day, _ = pages_text(response)
    assert "Proof — not published yet" in cover and "Proof — not published yet" in first_day
    assert "Transition énergétique" in first_day and "Secret draft" not in first_day


@pytest.mark.parametrize("roles", [None, ("checkin",)])
def test_nobody_else_sees_the_proof(browser, event, agenda, roles):
    event.agenda_published_at = None
    db.session.commit()
    if roles:
        browser.login(make_user(roles=roles))
    assert browser.get(f"/events/{event.slug}/programme.pdf").status_code == 404


@pytest.mark.parametrize("public", [True, False])
def test_the_timetable_links_to_the_programme(organiser_browser, event, agenda, public):
    if not public:
        event.agenda_published_at = None
        db.session.commit()
    page = organiser_browser.get(f"/manage/events/{event.slug}/agenda/").get_data(as_text=True)
    assert f'href="/events/{event.slug}/programme.pdf"' in page
    assert ("Printable programme (PDF)" if public else "Proof of the printable programme (PDF)") in page


def test_the_public_agenda_links_to_the_programme(client, event, agenda):
    page = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    assert f'href="/events/{event.slug}/programme.pdf"' in page


def test_a_session_with_more_speakers_than_a_page_holds_still_prints(client, event, parts):
    crowded = make_session(event, title="Mayors' roll call", room_id=parts["rooms"][0].id)
    people = [{"name": f"Mayor {n}", "position_title": "Mayor of a city with a long official name, region"}
              for n in range(45)]
    services.set_people(crowded, people, SYSTEM)
    response = get_pdf(client, event)
    assert response.status_code == 200
    text = "\n".join(pages_text(response))
    assert "Mayor 19," in text and "Mayor 20," not in text
    assert "and 25 more: see the online agenda" in text
