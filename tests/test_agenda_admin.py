"""Organisers set up the agenda: rooms, tracks, kinds, and sessions through the session form."""
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from eventhub.agenda.models import AgendaSession, Room, SessionKind, Track
from eventhub.extensions import db
from tests.factories import make_event, make_organisation, make_registration

BASE = "/manage/events/{slug}/agenda"


@pytest.fixture
def event():
    """A draft congress in São Paulo, so local and UTC times differ."""
    return make_event(status="draft", timezone="America/Sao_Paulo", title="Congresso Mundial")


@pytest.fixture
def rooms(event):
    made = [Room(event_id=event.id, name=name, capacity=cap, position=n)
            for n, (name, cap) in enumerate([("Auditório Ibirapuera", 500), ("Sala Łódź", 40), ("会議室 A", 30)])]
    db.session.add_all(made)
    db.session.commit()
    return made


def url(event, path=""):
    return BASE.format(slug=event.slug) + path


def day(event, n=0) -> str:
    """The event's n-th day as YYYY-MM-DD in its timezone."""
    from datetime import timedelta

    return (event.start_at.astimezone(ZoneInfo(event.timezone)).date() + timedelta(days=n)).isoformat()


def session_form(event, **values) -> dict:
    data = {"title": "Sessão", "start": f"{day(event)}T09:00", "end": f"{day(event)}T10:30", "language": "pt",
            "status": "scheduled", "kind_id": "", "track_id": "", "room_id": ""}
    data.update(values)
    return data


def test_rooms_are_added_edited_reordered_and_deleted(organiser_browser, event):
    page = organiser_browser.post(url(event, "/rooms"), {"name": "Sala São Paulo", "capacity": "120", "location": "2º andar",
                                                         "accessibility": "Rampa à esquerda"}, follow_redirects=True)
    assert "Sala São Paulo" in page.get_data(as_text=True)
    organiser_browser.post(url(event, "/rooms"), {"name": "Зал Москва"})
    first, second = db.session.scalars(select(Room).order_by(Room.position)).all()
    assert (first.name, first.capacity, first.location) == ("Sala São Paulo", 120, "2º andar")
    organiser_browser.post(url(event, f"/rooms/{second.id}/move"), {"direction": "up"})
    db.session.expire_all()
    assert [r.name for r in db.session.scalars(select(Room).order_by(Room.position))] == ["Зал Москва", "Sala São Paulo"]
    organiser_browser.post(url(event, f"/rooms/{first.id}"), {"name": "Sala Paulista", "capacity": "90"})
    db.session.expire_all()
    assert db.session.get(Room, first.id).name == "Sala Paulista"
    organiser_browser.post(url(event, f"/rooms/{first.id}/delete"), {"confirm": "y"})
    assert db.session.get(Room, first.id) is None


def test_a_room_name_is_unique_and_errors_keep_the_input(organiser_browser, event, rooms):
    page = organiser_browser.post(url(event, "/rooms"), {"name": "sala łódź", "location": "Piso 3"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "already exists" in html and 'value="Piso 3"' in html
    assert db.session.scalar(select(db.func.count()).select_from(Room)) == 3


def test_a_room_with_sessions_is_not_deleted(organiser_browser, event, rooms):
    organiser_browser.post(url(event, "/sessions/new"), session_form(event, room_id=rooms[1].id))
    page = organiser_browser.post(url(event, f"/rooms/{rooms[1].id}/delete"), {"confirm": "y"}, follow_redirects=True)
    assert "move them to another room first" in page.get_data(as_text=True)
    assert db.session.get(Room, rooms[1].id) is not None


def test_another_events_room_is_404(organiser_browser, event, rooms):
    other = make_event(status="draft")
    assert organiser_browser.get(url(other, f"/rooms/{rooms[0].id}")).status_code == 404
    assert organiser_browser.get(url(event, "/rooms/999999")).status_code == 404
    assert organiser_browser.get(BASE.format(slug="no-such-event") + "/rooms").status_code == 404


def test_tracks_have_a_colour(organiser_browser, event):
    organiser_browser.post(url(event, "/tracks"), {"name": "Clima e Energia", "colour": "#2E7D32"})
    track = db.session.scalars(select(Track)).one()
    assert (track.name, track.colour) == ("Clima e Energia", "#2e7d32")
    assert 'type="color"' in organiser_browser.get(url(event, "/tracks")).get_data(as_text=True)
    page = organiser_browser.post(url(event, f"/tracks/{track.id}"), {"name": "Clima", "colour": "green"})
    assert "Use a colour such as" in page.get_data(as_text=True)
    organiser_browser.post(url(event, f"/tracks/{track.id}/delete"), {"confirm": "y"})
    assert db.session.scalars(select(Track)).first() is None


def test_kinds_are_listed_added_and_renamed(organiser_browser, event):
    assert "Site visit" in organiser_browser.get(url(event, "/kinds")).get_data(as_text=True)
    organiser_browser.post(url(event, "/kinds"), {"name": "Mesa redonda"})
    kind = db.session.scalars(select(SessionKind).where(SessionKind.name == "Mesa redonda")).one()
    organiser_browser.post(url(event, f"/kinds/{kind.id}"), {"name": "Roundtable"})
    db.session.expire_all()
    assert db.session.get(SessionKind, kind.id).name == "Roundtable"


def test_a_day_of_parallel_sessions_in_the_event_timezone(organiser_browser, event, rooms):
    for room, title in zip(rooms, ("Plenária de abertura", "Oficina de Łódź", "東京セッション")):
        response = organiser_browser.post(url(event, "/sessions/new"), session_form(event, title=title, room_id=room.id))
        assert response.status_code == 302
    sessions = db.session.scalars(select(AgendaSession).order_by(AgendaSession.room_id)).all()
    assert [s.title for s in sessions] == ["Plenária de abertura", "Oficina de Łódź", "東京セッション"]
    for s in sessions:
        # 09:00 in São Paulo (UTC-3) is 12:00 UTC.
        assert (s.start_at.hour, s.start_at.minute, s.start_at.utcoffset().total_seconds()) == (12, 0, 0)
        assert s.language == "pt"
    html = organiser_browser.get(url(event, f"/sessions/{sessions[0].id}")).get_data(as_text=True)
    assert f'value="{day(event)}T09:00"' in html


def test_a_room_double_booking_names_the_other_session_and_saves_nothing(organiser_browser, event, rooms):
    organiser_browser.post(url(event, "/sessions/new"), session_form(event, title="Plenária de abertura", room_id=rooms[0].id))
    page = organiser_browser.post(url(event, "/sessions/new"), session_form(
        event, title="Conflito", description="Texto que não se perde", room_id=rooms[0].id,
        start=f"{day(event)}T10:00", end=f"{day(event)}T11:00"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "already booked for “Plenária de abertura”" in html
    assert 'value="Conflito"' in html and "Texto que não se perde" in html
    assert db.session.scalar(select(db.func.count()).select_from(AgendaSession)) == 1


def test_end_before_start_is_shown_next_to_the_field(organiser_browser, event):
    page = organiser_browser.post(url(event, "/sessions/new"), session_form(event, end=f"{day(event)}T08:00"))
    assert page.status_code == 200 and "must end after it starts" in page.get_data(as_text=True)


def test_people_editor_with_a_registration_and_an_external_speaker(organiser_browser, event, rooms):
    registration = make_registration(event, full_name="Zoë Ångström")
    city = make_organisation(name="Ciudad de México", country="MX")
    form = session_form(event, room_id=rooms[0].id, **{
        "people-0-role": "moderator", "people-0-registration_id": registration.id,
        "people-1-role": "speaker", "people-1-registration_id": "", "people-1-name": "Αλέξανδρος Παπαδόπουλος",
        "people-1-position_title": "Mayor", "people-1-organisation_id": city.id,
    })
    organiser_browser.post(url(event, "/sessions/new"), form)
    session = db.session.scalars(select(AgendaSession)).one()
    assert [(p.role, p.name, p.registration_id, p.organisation_id) for p in session.people] == [
        ("moderator", "Zoë Ångström", registration.id, None),
        ("speaker", "Αλέξανδρος Παπαδόπουλος", None, city.id),
    ]
    html = organiser_browser.get(url(event, f"/sessions/{session.id}")).get_data(as_text=True)
    assert "Αλέξανδρος Παπαδόπουλος" in html and "people-3-name" in html


def test_add_more_rows_without_javascript_keeps_the_input(organiser_browser, event):
    page = organiser_browser.post(url(event, "/sessions/new"), session_form(event, title="Mais pessoas", add_rows="y"))
    html = page.get_data(as_text=True)
    assert 'value="Mais pessoas"' in html and 'name="people-3-name"' in html
    assert db.session.scalars(select(AgendaSession)).first() is None


def test_a_new_session_link_from_the_timetable_prefills_room_and_start(organiser_browser, event, rooms):
    html = organiser_browser.get(url(event, f"/sessions/new?room_id={rooms[1].id}&start={day(event)}T14:15")).get_data(as_text=True)
    assert f'value="{day(event)}T14:15"' in html and f'value="{day(event)}T15:15"' in html
    assert f'<option selected value="{rooms[1].id}">' in html or f'value="{rooms[1].id}" selected' in html


def test_a_draft_is_deleted_after_confirmation_a_published_session_is_not(organiser_browser, event, rooms):
    organiser_browser.post(url(event, "/sessions/new"), session_form(event, status="draft"))
    session = db.session.scalars(select(AgendaSession)).one()
    organiser_browser.post(url(event, f"/sessions/{session.id}/delete"), {})
    assert db.session.get(AgendaSession, session.id) is not None
    organiser_browser.post(url(event, f"/sessions/{session.id}/delete"), {"confirm": "y"})
    assert db.session.get(AgendaSession, session.id) is None

    organiser_browser.post(url(event, "/sessions/new"), session_form(event, status="scheduled"))
    organiser_browser.post(url(event, "/publish"), {})
    session = db.session.scalars(select(AgendaSession)).one()
    page = organiser_browser.post(url(event, f"/sessions/{session.id}/delete"), {"confirm": "y"}, follow_redirects=True)
    assert "cancelled, not deleted" in page.get_data(as_text=True)
    assert db.session.get(AgendaSession, session.id) is not None
