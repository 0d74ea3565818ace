"""One audit trail for every audited object, proved from the organiser pages, the API and the CLI.

Sessions, rooms, tracks, session kinds, custom questions, user accounts and their roles and API
tokens each record who changed what with the values before and after, under stable subject types
(never Python class names), without secrets, and nothing at all when nothing changed; their edit
pages show it in the one history table.
"""
import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from eventhub.agenda.models import AgendaSession, Room, SessionKind, Track
from eventhub.agenda.services import save_session
from eventhub.audit.models import AuditEntry
from eventhub.audit.services import SYSTEM, history
from eventhub.auth.models import ApiToken, User
from eventhub.core.formatting import format_in_zone
from eventhub.core.tokens import digest
from eventhub.core.transaction import atomic
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.members.models import Organisation
from eventhub.registration.models import Question, Registration
from tests.factories import (
    PASSWORD,
    at,
    make_event,
    make_organisation,
    make_registration,
    make_session,
    make_token,
    make_user,
)

AGENDA = "/manage/events/{slug}/agenda"
KNOWN_SUBJECT_TYPES = {"event", "organisation", "network", "region", "registration", "delegation", "question",
                       "session", "room", "track", "session_kind", "signup", "user", "api_token", "checkin",
                       "meeting_settings", "meeting_area", "meeting_window", "meeting_request", "meeting",
                       "visa_letter"}


# --- helpers ---------------------------------------------------------------------------------------

def entries(subject_type: str, subject_id: int | None = None) -> list[AuditEntry]:
    """Entries about one object (or every object of a type), oldest first, as stored now."""
    db.session.expire_all()
    query = select(AuditEntry).where(AuditEntry.subject_type == subject_type)
    if subject_id is not None:
        query = query.where(AuditEntry.subject_id == subject_id)
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def actions(subject_type: str, subject_id: int | None = None) -> list[str]:
    return [entry.action for entry in entries(subject_type, subject_id)]


def every_entry() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def as_json(entry: AuditEntry) -> str:
    """Everything an entry holds, as one JSON text (what a leak would be found in)."""
    columns = {column.name: getattr(entry, column.key) for column in AuditEntry.__mapper__.columns}
    return json.dumps(columns, default=str, ensure_ascii=False)


def prefilled(page: str, field: str) -> dict[str, list[str]]:
    """What the browser sends back when the page's form holding `field` is submitted untouched."""
    form = next(f for f in lxml.html.fromstring(page).forms if f.get("method") == "post" and field in f.fields)
    values: dict[str, list[str]] = {}
    for name, value in form.form_values():
        values.setdefault(name, []).append(value)
    return values


def history_rows(page: str) -> list[tuple[str, str, str]]:
    """(who, what, changes) of each row of the page's history table, top row first, whitespace collapsed."""
    section = lxml.html.fromstring(page).get_element_by_id("history")
    rows = []
    for row in section.xpath(".//tbody/tr"):
        _when, who, _what, changes = (" ".join(cell.text_content().split()) for cell in row.xpath("./td"))
        # "What" says it in words, with the action as recorded beneath: the recorded one is compared.
        rows.append((who, row.xpath("./td[3]//code")[0].text_content(), changes))
    return rows


def utc(event, local: str) -> str:
    """A wall-clock time of the event ("2027-06-15T09:00") as the trail stores it: UTC ISO text."""
    moment = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(event.timezone))
    return moment.astimezone(UTC).isoformat()


def on_the_clock(app, event, local: str) -> str:
    """A wall-clock time of the event as the history table shows it (the event's clock, the page's locale),
    whitespace collapsed like history_rows does."""
    with app.test_request_context():
        shown = format_in_zone(datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(event.timezone)), event.timezone)
    return " ".join(shown.split())


def day(event) -> str:
    """The event's first day, YYYY-MM-DD on its own clock."""
    return at(event, 0)[:10]


def bearer(user) -> dict:
    _token, secret = make_token(user, "tests")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def event():
    """A draft congress in São Paulo, so the event's clock and UTC differ."""
    return make_event(status="draft", timezone="America/Sao_Paulo", title="Congresso Mundial")


@pytest.fixture
def rooms(event):
    made = [Room(event_id=event.id, name=name, capacity=capacity, position=n)
            for n, (name, capacity) in enumerate([("Auditório Ibirapuera", 500), ("Sala Łódź", 40)])]
    db.session.add_all(made)
    db.session.commit()
    return made


@pytest.fixture
def plenary(event, rooms):
    """A scheduled session with a registered moderator and an external speaker, made by the system."""
    zoe = make_registration(event, full_name="Zoë Ångström")
    city = make_organisation(name="Ciudad de México", country="MX")
    return make_session(event, title="Plenária de abertura", room_id=rooms[0].id, description="Linha 1\nLinha 2",
                        language="pt", capacity=300, interpretation=True, people=[
                            {"role": "moderator", "registration_id": zoe.id},
                            {"role": "speaker", "name": "Αλέξανδρος Παπαδόπουλος", "position_title": "Mayor",
                             "organisation_id": city.id}])


# --- sessions ----------------------------------------------------------------------------------------

BEFORE_PEOPLE = ["Zoë Ångström (moderator)", "Αλέξανδρος Παπαδόπουλος (speaker)"]
AFTER_PEOPLE = ["Zoë Ångström (moderator)", "서지원 (panellist)"]


def expected_session_changes(event, rooms) -> dict:
    return {
        "title": ["Plenária de abertura", "Plenária das cidades"],
        "room": [rooms[0].name, rooms[1].name],
        "start_at": [utc(event, f"{day(event)}T10:00"), utc(event, f"{day(event)}T14:00")],
        "end_at": [utc(event, f"{day(event)}T11:00"), utc(event, f"{day(event)}T15:30")],
        "people": [BEFORE_PEOPLE, AFTER_PEOPLE],
    }


def test_a_session_edited_on_its_form_records_title_room_times_and_people_before_and_after(
        app, organiser_browser, organiser, event, rooms, plenary):
    url = AGENDA.format(slug=event.slug) + f"/sessions/{plenary.id}"
    data = prefilled(organiser_browser.get(url).get_data(as_text=True), "title")
    data.update({"title": ["Plenária das cidades"], "room_id": [str(rooms[1].id)],
                 "start": [f"{day(event)}T14:00"], "end": [f"{day(event)}T15:30"],
                 "people-1-role": ["panellist"], "people-1-name": ["서지원"], "people-1-position_title": [""],
                 "people-1-organisation_id": [""]})
    response = organiser_browser.post(url, data)
    assert response.status_code == 302, response.get_data(as_text=True)

    created, updated = entries("session", plenary.id)
    assert (created.action, created.actor) == ("session.created", "system")
    assert (updated.action, updated.actor, updated.user_id, updated.event_id) == (
        "session.updated", organiser.email, organiser.id, event.id)
    assert updated.changes == expected_session_changes(event, rooms)  # the title too: never an empty list

    rows = history_rows(organiser_browser.get(url).get_data(as_text=True))
    assert [(who, what) for who, what, _changes in rows] == [
        (organiser.email, "session.updated"), ("system", "session.created")]
    changes = rows[0][2]
    assert "title: Plenária de abertura → Plenária das cidades" in changes
    assert "room: Auditório Ibirapuera → Sala Łódź" in changes
    # Times on the event's clock (São Paulo), as they were and as they are; never the stored UTC text.
    clock = {hour: on_the_clock(app, event, f"{day(event)}T{hour}") for hour in ("10:00", "11:00", "14:00", "15:30")}
    assert f"start_at: {clock['10:00']} → {clock['14:00']}" in changes
    assert f"end_at: {clock['11:00']} → {clock['15:30']}" in changes
    assert "+00:00" not in changes
    assert f"people: {', '.join(BEFORE_PEOPLE)} → {', '.join(AFTER_PEOPLE)}" in changes


def test_a_session_edited_through_the_api_records_the_token_owner_and_before_and_after(
        organiser_browser, client, organiser, event, rooms, plenary):
    zoe = db.session.scalar(select(Registration).where(Registration.full_name == "Zoë Ångström"))
    body = {"title": "Plenária das cidades", "room_id": rooms[1].id,
            "start": f"{day(event)}T14:00:00", "end": f"{day(event)}T15:30:00",  # no offset: the event's clock
            "people": [{"role": "moderator", "registration_id": zoe.id}, {"role": "panellist", "name": "서지원"}]}
    headers = bearer(organiser)
    response = client.patch(f"/api/v1/sessions/{plenary.id}", json=body, headers=headers)
    assert response.status_code == 200, response.json

    updated = entries("session", plenary.id)[-1]
    assert (updated.action, updated.actor, updated.user_id, updated.event_id) == (
        "session.updated", organiser.email, organiser.id, event.id)
    assert updated.changes == expected_session_changes(event, rooms)

    # The same change sent again changes nothing, and records nothing.
    assert client.patch(f"/api/v1/sessions/{plenary.id}", json=body, headers=headers).status_code == 200
    assert actions("session", plenary.id) == ["session.created", "session.updated"]
    # The organiser's page shows the API's change like any other.
    page = organiser_browser.get(AGENDA.format(slug=event.slug) + f"/sessions/{plenary.id}").get_data(as_text=True)
    assert history_rows(page)[0][:2] == (organiser.email, "session.updated")


def test_a_session_form_saved_untouched_records_nothing(organiser_browser, event, rooms, plenary):
    track = Track(event_id=event.id, name="Clima e Energia", colour="#2e7d32")
    db.session.add(track)
    db.session.commit()
    kind = db.session.scalar(select(SessionKind).where(SessionKind.name == "Plenary"))
    with_everything = {"kind_id": kind.id, "track_id": track.id, "signup_required": True, "status": "scheduled"}
    make_session(event, title="Outra sessão", start=at(event, 16), end=at(event, 17), **with_everything)
    with atomic():
        save_session(event, with_everything, SYSTEM, db.session.get(AgendaSession, plenary.id))
    before = actions("session")

    for session in db.session.scalars(select(AgendaSession)).all():
        url = AGENDA.format(slug=event.slug) + f"/sessions/{session.id}"
        data = prefilled(organiser_browser.get(url).get_data(as_text=True), "title")
        # A browser sends a textarea's line breaks as CRLF.
        data["description"] = [value.replace("\n", "\r\n") for value in data.get("description", [])]
        assert organiser_browser.post(url, data).status_code == 302
    assert actions("session") == before


def test_a_new_session_on_the_form_is_recorded_with_its_values_and_the_new_form_has_no_history(
        organiser_browser, organiser, event, rooms):
    base = AGENDA.format(slug=event.slug)
    assert 'id="history"' not in organiser_browser.get(base + "/sessions/new").get_data(as_text=True)
    response = organiser_browser.post(base + "/sessions/new", {
        "title": "東京セッション", "start": f"{day(event)}T09:00", "end": f"{day(event)}T10:30", "language": "pt",
        "status": "scheduled", "kind_id": "", "track_id": "", "room_id": str(rooms[1].id),
        "people-0-role": "speaker", "people-0-name": "Łucja Wiśniewska"})
    assert response.status_code == 302
    session = db.session.scalar(select(AgendaSession))
    [entry] = entries("session", session.id)
    assert (entry.action, entry.actor, entry.event_id) == ("session.created", organiser.email, event.id)
    assert entry.changes == {
        "title": "東京セッション", "room": "Sala Łódź", "language": "pt", "status": "scheduled",
        "start_at": utc(event, f"{day(event)}T09:00"), "end_at": utc(event, f"{day(event)}T10:30"),
        "interpretation": False, "signup_required": False, "people": ["Łucja Wiśniewska (speaker)"],
    }


def test_a_session_dragged_on_the_timetable_records_its_new_room_and_times(
        organiser_browser, organiser, event, rooms, plenary):
    drop = {"room_id": rooms[1].id, "start": f"{day(event)}T14:00", "end": f"{day(event)}T15:30"}
    moved = organiser_browser.post(AGENDA.format(slug=event.slug) + f"/sessions/{plenary.id}/move", drop,
                                   headers={"Accept": "application/json"})
    assert moved.status_code == 200, moved.get_json()
    entry = entries("session", plenary.id)[-1]
    assert (entry.action, entry.actor, entry.user_id) == ("session.updated", organiser.email, organiser.id)
    expected = expected_session_changes(event, rooms)
    assert entry.changes == {field: expected[field] for field in ("room", "start_at", "end_at")}


def test_a_refused_session_change_records_nothing_on_the_page_or_through_the_api(organiser_browser, client, organiser,
                                                                                  event, rooms, plenary):
    other = make_session(event, title="Oficina", room_id=rooms[1].id, start=at(event, 14), end=at(event, 15))
    before = actions("session")
    url = AGENDA.format(slug=event.slug) + f"/sessions/{other.id}"
    data = prefilled(organiser_browser.get(url).get_data(as_text=True), "title")
    # Into the plenary's room and hour: refused, with the new title and people not saved halfway.
    data.update({"title": ["Oficina renomeada"], "room_id": [str(rooms[0].id)], "start": [f"{day(event)}T10:30"],
                 "end": [f"{day(event)}T11:30"], "people-0-name": ["Łucja"]})
    assert organiser_browser.post(url, data).status_code == 200
    # A valid room and time with a person that cannot be (people-0-registration_id=abc): nothing at all.
    data.update({"room_id": [str(rooms[1].id)], "start": [f"{day(event)}T16:00"], "end": [f"{day(event)}T17:00"],
                 "people-0-registration_id": ["abc"]})
    assert organiser_browser.post(url, data).status_code == 200
    headers = bearer(organiser)
    taken = client.patch(f"/api/v1/sessions/{other.id}", headers=headers,
                         json={"title": "Oficina renomeada", "room_id": rooms[0].id, "start": f"{day(event)}T10:30:00"})
    assert taken.status_code == 409
    invalid = client.patch(f"/api/v1/sessions/{other.id}", headers=headers,
                           json={"title": "Oficina renomeada", "people": [{"registration_id": 999_999}]})
    assert invalid.status_code == 422
    assert actions("session") == before
    assert db.session.get(AgendaSession, other.id).title == "Oficina"


def test_a_change_at_the_end_of_a_long_description_is_recorded(organiser_browser, organiser, event, rooms):
    session = make_session(event, title="Sessão longa", description="Cidades " * 50)  # 400 characters
    url = AGENDA.format(slug=event.slug) + f"/sessions/{session.id}"
    data = prefilled(organiser_browser.get(url).get_data(as_text=True), "title")
    data["description"] = ["Cidades " * 45 + "e vilas."]
    assert organiser_browser.post(url, data).status_code == 302
    assert db.session.get(AgendaSession, session.id).description.endswith("e vilas.")  # saved...
    updated = entries("session", session.id)[-1]  # ...and the trail says that it changed
    assert (updated.action, updated.actor, list(updated.changes)) == (
        "session.updated", organiser.email, ["description"])


def test_deleting_a_session_records_what_it_was(organiser_browser, organiser, event, rooms):
    session = make_session(event, title="Rascunho", status="draft", room_id=rooms[0].id)
    base = AGENDA.format(slug=event.slug)
    assert organiser_browser.post(base + f"/sessions/{session.id}/delete", {"confirm": "y"}).status_code == 302
    deleted = entries("session", session.id)[-1]
    assert (deleted.action, deleted.actor, deleted.event_id) == ("session.deleted", organiser.email, event.id)
    assert deleted.changes == {"title": "Rascunho", "room": "Auditório Ibirapuera",
                               "start_at": utc(event, f"{day(event)}T10:00"),
                               "end_at": utc(event, f"{day(event)}T11:00")}


# --- rooms, tracks, session kinds --------------------------------------------------------------------

def test_rooms_created_updated_moved_and_deleted_on_their_pages_are_recorded_and_shown(
        organiser_browser, organiser, event):
    base = AGENDA.format(slug=event.slug)
    organiser_browser.post(base + "/rooms", {"name": "Sala São Paulo", "capacity": "120", "location": "2º andar",
                                             "accessibility": ""})
    organiser_browser.post(base + "/rooms", {"name": "Зал Москва"})
    room, other = db.session.scalars(select(Room).order_by(Room.position)).all()
    [created] = entries("room", room.id)
    assert (created.action, created.actor, created.user_id, created.event_id) == (
        "room.created", organiser.email, organiser.id, event.id)
    assert created.changes == {"name": "Sala São Paulo", "capacity": 120, "location": "2º andar"}  # blanks left out

    url = base + f"/rooms/{room.id}"
    data = prefilled(organiser_browser.get(url).get_data(as_text=True), "name")
    data.update(name=["Sala Paulista"], capacity=["90"], accessibility=["Rampa à esquerda"])
    assert organiser_browser.post(url, data).status_code == 302
    updated = entries("room", room.id)[-1]
    assert (updated.action, updated.actor) == ("room.updated", organiser.email)
    assert updated.changes == {"name": ["Sala São Paulo", "Sala Paulista"], "capacity": [120, 90],
                               "accessibility": [None, "Rampa à esquerda"]}

    organiser_browser.post(base + f"/rooms/{other.id}/move", {"direction": "up"})
    moved = entries("room", other.id)[-1]
    assert (moved.action, moved.changes) == ("room.moved", {"position": [1, 0]})

    rows = history_rows(organiser_browser.get(url).get_data(as_text=True))
    assert [what for _who, what, _changes in rows] == ["room.updated", "room.created"]
    assert rows[0][0] == organiser.email
    assert "name: Sala São Paulo → Sala Paulista" in rows[0][2] and "capacity: 120 → 90" in rows[0][2]
    assert "accessibility: — → Rampa à esquerda" in rows[0][2]
    assert "name: Sala São Paulo" in rows[1][2] and "→" not in rows[1][2]

    assert organiser_browser.post(base + f"/rooms/{room.id}/delete", {"confirm": "y"}).status_code == 302
    deleted = entries("room", room.id)[-1]
    assert (deleted.action, deleted.actor, deleted.event_id) == ("room.deleted", organiser.email, event.id)
    assert deleted.changes == {"name": "Sala Paulista", "capacity": 90, "location": "2º andar",
                               "accessibility": "Rampa à esquerda"}


def test_a_room_refused_deletion_and_an_untouched_save_record_nothing(organiser_browser, event, rooms):
    make_session(event, room_id=rooms[0].id)
    base = AGENDA.format(slug=event.slug)
    before = actions("room")
    url = base + f"/rooms/{rooms[0].id}"
    untouched = prefilled(organiser_browser.get(url).get_data(as_text=True), "name")
    assert organiser_browser.post(url, untouched).status_code == 302
    organiser_browser.post(base + f"/rooms/{rooms[0].id}/delete", {"confirm": "y"})  # still has a session
    organiser_browser.post(base + f"/rooms/{rooms[1].id}/delete", {})  # box not ticked
    assert actions("room") == before
    assert "No history recorded." in organiser_browser.get(url).get_data(as_text=True)


def test_tracks_created_updated_and_deleted_on_their_pages_are_recorded_and_shown(organiser_browser, organiser, event):
    base = AGENDA.format(slug=event.slug)
    organiser_browser.post(base + "/tracks", {"name": "Clima e Energia", "colour": "#2E7D32"})
    track = db.session.scalar(select(Track))
    url = base + f"/tracks/{track.id}"
    organiser_browser.post(url, {"name": "Clima", "colour": "#0277BD"})
    organiser_browser.post(url, {"name": "Clima", "colour": "#0277bd"})  # the same colour, differently written
    created, updated = entries("track", track.id)
    assert (created.action, created.changes) == ("track.created", {"name": "Clima e Energia", "colour": "#2e7d32"})
    assert (updated.action, updated.actor, updated.event_id) == ("track.updated", organiser.email, event.id)
    assert updated.changes == {"name": ["Clima e Energia", "Clima"], "colour": ["#2e7d32", "#0277bd"]}

    rows = history_rows(organiser_browser.get(url).get_data(as_text=True))
    assert [what for _who, what, _changes in rows] == ["track.updated", "track.created"]
    assert "colour: #2e7d32 → #0277bd" in rows[0][2] and "name: Clima e Energia → Clima" in rows[0][2]

    organiser_browser.post(url + "/delete", {"confirm": "y"})
    deleted = entries("track", track.id)[-1]
    assert (deleted.action, deleted.changes) == ("track.deleted", {"name": "Clima", "colour": "#0277bd"})


def test_session_kinds_added_and_renamed_are_recorded_and_shown(organiser_browser, organiser, event):
    base = AGENDA.format(slug=event.slug)
    organiser_browser.post(base + "/kinds", {"name": "Mesa redonda"})
    kind = db.session.scalar(select(SessionKind).where(SessionKind.name == "Mesa redonda"))
    url = base + f"/kinds/{kind.id}"
    organiser_browser.post(url, {"name": "Roundtable"})
    organiser_browser.post(url, {"name": "Roundtable"})  # nothing changed
    created, renamed = entries("session_kind", kind.id)
    # Kinds are shared by every event: their entries belong to none.
    assert (created.action, created.actor, created.event_id, created.changes) == (
        "session_kind.created", organiser.email, None, {"name": "Mesa redonda"})
    assert (renamed.action, renamed.changes) == ("session_kind.updated", {"name": ["Mesa redonda", "Roundtable"]})
    rows = history_rows(organiser_browser.get(url).get_data(as_text=True))
    assert [(who, what) for who, what, _changes in rows] == [
        (organiser.email, "session_kind.updated"), (organiser.email, "session_kind.created")]
    assert "name: Mesa redonda → Roundtable" in rows[0][2]


def test_a_new_room_does_not_inherit_the_history_of_a_deleted_one(organiser_browser, organiser, event):
    base = AGENDA.format(slug=event.slug)
    organiser_browser.post(base + "/rooms", {"name": "Sala Antiga"})
    old = db.session.scalar(select(Room))
    organiser_browser.post(base + f"/rooms/{old.id}/delete", {"confirm": "y"})
    organiser_browser.post(base + "/rooms", {"name": "Sala Nova"})
    new = db.session.scalar(select(Room))
    rows = history_rows(organiser_browser.get(base + f"/rooms/{new.id}").get_data(as_text=True))
    assert rows == [(organiser.email, "room.created", "name: Sala Nova")]


# --- custom questions --------------------------------------------------------------------------------

def test_questions_created_updated_moved_and_deleted_on_the_organiser_pages(organiser_browser, organiser):
    event = make_event()
    base = f"/manage/events/{event.slug}/questions"
    organiser_browser.post(base, {"label": "Dietary needs", "kind": "single_choice",
                                  "options": "None\nVegetarian\nHalal", "required": "y"})
    organiser_browser.post(base, {"label": "Interpretation language", "key": "language", "kind": "short_text"})
    diet, language = db.session.scalars(select(Question).order_by(Question.position)).all()
    [created] = entries("question", diet.id)
    assert (created.action, created.actor, created.user_id, created.event_id) == (
        "question.created", organiser.email, organiser.id, event.id)
    assert created.changes == {"key": "dietary_needs", "label": "Dietary needs", "kind": "single_choice",
                               "required": True, "options": ["None", "Vegetarian", "Halal"], "position": 1}

    url = f"{base}/{diet.id}"
    data = prefilled(organiser_browser.get(url).get_data(as_text=True), "label")
    data.update(label=["Régime alimentaire"], kind=["multiple_choice"], options=["Végétarien\r\nHalal"])
    del data["required"]
    assert organiser_browser.post(url, data).status_code == 302
    updated = entries("question", diet.id)[-1]
    assert (updated.action, updated.actor) == ("question.updated", organiser.email)
    assert updated.changes == {"label": ["Dietary needs", "Régime alimentaire"],
                               "kind": ["single_choice", "multiple_choice"], "required": [True, False],
                               "options": [["None", "Vegetarian", "Halal"], ["Végétarien", "Halal"]]}

    organiser_browser.post(f"{base}/{language.id}/move", {"direction": "up"})
    moved = entries("question", language.id)[-1]
    assert (moved.action, moved.actor, moved.changes) == ("question.moved", organiser.email, {"position": [2, 1]})

    rows = history_rows(organiser_browser.get(url).get_data(as_text=True))
    assert [what for _who, what, _changes in rows] == ["question.updated", "question.created"]
    assert "label: Dietary needs → Régime alimentaire" in rows[0][2]
    assert "options: None, Vegetarian, Halal → Végétarien, Halal" in rows[0][2]
    moved_rows = history_rows(organiser_browser.get(f"{base}/{language.id}").get_data(as_text=True))
    assert moved_rows[0][1:] == ("question.moved", "position: 2 → 1")

    organiser_browser.post(f"{base}/{language.id}/delete", {})  # not confirmed: nothing happens
    assert actions("question", language.id) == ["question.created", "question.moved"]
    organiser_browser.post(f"{base}/{language.id}/delete", {"confirm": "y"})
    deleted = entries("question", language.id)[-1]
    assert (deleted.action, deleted.actor, deleted.event_id) == ("question.deleted", organiser.email, event.id)
    assert deleted.changes == {"key": "language", "label": "Interpretation language", "kind": "short_text"}


def test_a_question_saved_untouched_records_nothing(organiser_browser):
    event = make_event()
    base = f"/manage/events/{event.slug}/questions"
    organiser_browser.post(base, {"label": "Dietary needs", "kind": "multiple_choice", "options": "Végétarien\nHalal",
                                  "help_text": "Tell the caterers.", "required": "y"})
    organiser_browser.post(base, {"label": "Arrival", "kind": "short_text"})
    before = actions("question")
    for question in db.session.scalars(select(Question)).all():
        url = f"{base}/{question.id}"
        data = prefilled(organiser_browser.get(url).get_data(as_text=True), "label")
        data["options"] = [value.replace("\n", "\r\n") for value in data.get("options", [])]
        assert organiser_browser.post(url, data).status_code == 302
    assert actions("question") == before == ["question.created", "question.created"]


# --- user accounts and roles -------------------------------------------------------------------------

def test_flask_users_create_and_roles_are_recorded_by_the_cli(runner):
    result = runner.invoke(args=["users", "create", "Ana.Lima@Example.org", "--name", "Ana Lima",
                                 "--role", "organiser", "--password", "uma senha longa"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "ana.lima@example.org"))
    [created] = entries("user", user.id)
    assert (created.action, created.actor, created.user_id, created.event_id) == ("user.created", "cli", None, None)
    assert created.changes == {"email": "ana.lima@example.org", "full_name": "Ana Lima", "roles": ["organiser"]}

    result = runner.invoke(args=["users", "roles", "ana.lima@example.org", "--role", "checkin"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "roles", "ana.lima@example.org", "--role", "checkin"])  # the same again
    assert result.exit_code == 0, result.output
    created, updated = entries("user", user.id)
    assert (updated.action, updated.actor, updated.user_id) == ("user.updated", "cli", None)
    assert updated.changes == {"roles": [["organiser"], ["checkin"]]}

    result = runner.invoke(args=["users", "roles", "ana.lima@example.org", "--role", "checkin", "--role", "admin"])
    assert result.exit_code == 0, result.output
    assert entries("user", user.id)[-1].changes == {"roles": [["checkin"], ["admin", "checkin"]]}
    result = runner.invoke(args=["users", "roles", "ana.lima@example.org"])  # every role taken away
    assert result.exit_code == 0, result.output
    assert entries("user", user.id)[-1].changes == {"roles": [["admin", "checkin"], []]}
    assert "uma senha longa" not in "".join(as_json(entry) for entry in every_entry())


def test_changing_ones_password_is_recorded_without_the_password_or_its_hash(browser):
    user = make_user(email="jiwon@example.org", full_name="서지원")
    old_hash = user.password_hash
    browser.login(user)
    refused = browser.post("/auth/password", {"current_password": "not the password", "new_password": "새 비밀번호 길게",
                                              "confirm": "새 비밀번호 길게"})
    assert refused.status_code == 200
    assert actions("user", user.id) == ["user.created"]
    response = browser.post("/auth/password", {"current_password": PASSWORD, "new_password": "새 비밀번호 길게",
                                               "confirm": "새 비밀번호 길게"})
    assert response.status_code == 302
    changed = entries("user", user.id)[-1]
    assert (changed.action, changed.actor, changed.user_id, changed.changes) == (
        "user.password_changed", "jiwon@example.org", user.id, {})
    new_hash = db.session.get(User, user.id).password_hash
    assert new_hash != old_hash
    for entry in every_entry():
        recorded = as_json(entry)
        for secret in (PASSWORD, "새 비밀번호 길게", old_hash, new_hash, old_hash.split("$")[-1], new_hash.split("$")[-1]):
            assert secret not in recorded, (entry.action, secret)
        assert "password" not in json.dumps(entry.changes)


# --- API tokens ---------------------------------------------------------------------------------------

def test_flask_tokens_create_and_revoke_are_recorded_and_no_entry_holds_the_secret(runner, client):
    owner = make_user(email="integrations@example.org", roles=["organiser"])
    result = runner.invoke(args=["tokens", "create", "integrations@example.org", "--name", "Signage Łódź"])
    assert result.exit_code == 0, result.output
    token_id = int(re.search(r"Token (\d+) for", result.output).group(1))
    secret = result.output.strip().splitlines()[-1]
    assert client.get("/api/v1/events", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    [created] = entries("api_token", token_id)
    assert (created.action, created.actor, created.user_id, created.event_id) == (
        "api_token.created", "cli", None, None)
    assert created.changes == {"user": owner.email, "name": "Signage Łódź"}

    result = runner.invoke(args=["tokens", "revoke", str(token_id)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["tokens", "revoke", str(token_id)])  # revoking again changes nothing
    assert result.exit_code == 0, result.output
    created, revoked = entries("api_token", token_id)
    assert (revoked.action, revoked.actor, revoked.changes) == (
        "api_token.revoked", "cli", {"user": owner.email, "name": "Signage Łódź"})
    assert client.get("/api/v1/events", headers={"Authorization": f"Bearer {secret}"}).status_code == 401

    _row, other_secret = make_token(owner)  # a token made by a service call, as the factories do
    stored = {token.token_hash for token in db.session.scalars(select(ApiToken))}
    assert stored == {digest(secret), digest(other_secret)}
    for entry in every_entry():
        recorded = as_json(entry)
        for leak in (secret, other_secret, *stored, secret.removeprefix("eh_"), other_secret.removeprefix("eh_")):
            assert leak not in recorded, entry.action


# --- stable subject types -----------------------------------------------------------------------------

def test_every_audited_model_names_itself_with_a_known_stable_type():
    audited = {mapper.class_.audit_type for mapper in db.Model.registry.mappers if hasattr(mapper.class_, "audit_type")}
    assert audited == KNOWN_SUBJECT_TYPES


def test_a_realistic_flow_writes_only_stable_subject_types(app, organiser_browser, organiser, client, runner):
    """Members, an event, its questions, agenda, registrations, a delegation, a sign-up, accounts and tokens:
    through the pages, the API and the CLI, as people would."""
    headers = bearer(organiser)
    organiser_browser.post("/members/regions", {"name": "Oceania Insular"})
    organiser_browser.post("/members/new", {
        "name": "Warszawa", "local_name": "Miasto Stołeczne Warszawa", "kind": "city", "status": "member",
        "country": "PL", "region": "", "population": "", "member_since": "", "website": "", "external_id": "",
        "notes": ""})
    warsaw = db.session.scalar(select(Organisation.id))
    organiser_browser.post("/members/networks/new",
                           {"name": "Ciudades Ñandú", "description": "", "member_ids": [str(warsaw)]})
    now = datetime.now(UTC).astimezone(ZoneInfo("Europe/Warsaw"))
    opens, first_day = (now - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"), (now + timedelta(days=60)).date()
    response = organiser_browser.post("/manage/events/new", {
        "kind": "congress", "title": "Kongres Miast", "slug": "kongres-miast", "summary": "", "description": "",
        "host_organisation_id": str(warsaw), "venue_name": "", "venue_address": "", "latitude": "", "longitude": "",
        "timezone": "Europe/Warsaw", "start": f"{first_day}T09:00", "end": f"{first_day + timedelta(days=2)}T18:00",
        "registration_opens": opens, "registration_closes": "", "capacity": "",
        "network_id": "", "non_member_policy": "confirm", "public_categories": ["delegate"]})
    assert response.status_code == 302, response.get_data(as_text=True)
    organiser_browser.post("/manage/events/kongres-miast/publish")
    event = db.session.scalar(select(Event).where(Event.slug == "kongres-miast"))
    organiser_browser.post("/manage/events/kongres-miast/questions", {"label": "Dietary needs", "kind": "short_text"})
    base = AGENDA.format(slug=event.slug)
    organiser_browser.post(base + "/rooms", {"name": "Sala Kongresowa", "capacity": "2"})
    organiser_browser.post(base + "/tracks", {"name": "Energia", "colour": "#2e7d32"})
    organiser_browser.post(base + "/kinds", {"name": "Warsztat miejski"})
    room = db.session.scalar(select(Room))
    organiser_browser.post(base + "/sessions/new", {
        "title": "Warsztat", "start": f"{first_day}T14:00", "end": f"{first_day}T16:00", "language": "pl",
        "status": "scheduled", "signup_required": "y", "kind_id": "", "track_id": "", "room_id": str(room.id)})
    session = db.session.scalar(select(AgendaSession))
    registered = client.post(f"/api/v1/events/{event.slug}/registrations", headers=headers,
                             json={"full_name": "Łucja Wiśniewska", "email": "lucja@example.org",
                                   "organisation_id": warsaw})
    assert registered.status_code == 201, registered.json
    signed_up = client.post(f"/api/v1/sessions/{session.id}/signups", headers=headers,
                            json={"registration_id": registered.json["id"]})
    assert signed_up.status_code == 201, signed_up.json
    from eventhub.badges.services import valid_badge

    code = valid_badge(db.session.get(Registration, registered.json["id"])).token
    scanned = client.post(f"/api/v1/events/{event.slug}/checkins", headers=headers,
                          json={"code": code, "station": "Wejście A"})
    assert scanned.json["status"] == "ok", scanned.json
    assert client.post(f"/api/v1/checkins/{scanned.json['checkin_id']}/undo", headers=headers).status_code == 200
    delegation = organiser_browser.post(f"/events/{event.slug}/register/delegation", {
        "head_name": "Дмитрий Иванов", "head_email": "dmitry@example.org", "privacy_consent": "y",
        "organisation": "Warszawa", "organisation_id": str(warsaw),
        "delegates-0-full_name": "Дмитрий Иванов", "delegates-0-email": "dmitry@example.org",
        "delegates-0-position": "", "delegates-0-category": "delegate"})
    assert delegation.status_code == 302, delegation.get_data(as_text=True)
    assert runner.invoke(args=["users", "create", "desk@example.org", "--name", "Desk", "--role", "checkin",
                               "--password", "a long password"]).exit_code == 0
    result = runner.invoke(args=["tokens", "create", "desk@example.org"])
    assert result.exit_code == 0, result.output
    runner.invoke(args=["tokens", "revoke", re.search(r"Token (\d+)", result.output).group(1)])
    _connect_leaders(event)

    written = {entry.subject_type for entry in every_entry()}
    assert written <= KNOWN_SUBJECT_TYPES
    assert written == KNOWN_SUBJECT_TYPES  # the flow touched every kind of audited object
    # Each object's page-side history finds its entries under its stable type.
    kind = db.session.scalar(select(SessionKind).where(SessionKind.name == "Warsztat miejski"))
    for subject in (event, room, session, db.session.scalar(select(Question)), kind):
        assert history(subject), type(subject).__name__


def _connect_leaders(event) -> None:
    """Meeting tables, a window, the request limit, a meeting agreed and a visa letter approved, through the
    services their pages call (tests/test_meetings.py and tests/test_visa_letters.py drive the pages)."""
    from eventhub.audit.services import REGISTRANT, SYSTEM
    from eventhub.meetings import services as meetings, setup
    from tests.factories import make_meeting_request, make_meeting_setup
    from tests.test_access import _letter_values

    _tables, slots = make_meeting_setup(event)
    ana, li = (make_registration(event, full_name=name, listed=True) for name in ("Ana Lima", "Li Wei"))
    with atomic():
        setup.set_max_open_requests(event, 5, SYSTEM)
    asked = make_meeting_request(ana, li, slots[:1])
    with atomic():
        meetings.accept(asked, slots[0].id, li, REGISTRANT)
    _letter_values(event, ana)


def test_the_demo_data_writes_only_stable_subject_types_and_the_pages_find_them(browser, runner):
    """`flask demo` writes its trail in bulk, beside the services: it must file it the same way."""
    result = runner.invoke(args=["demo", "--members", "10", "--attendees", "20", "--sessions", "10"])
    assert result.exit_code == 0, result.output
    written = {entry.subject_type for entry in every_entry()}
    assert {"organisation", "event", "registration", "session", "user"} <= written <= KNOWN_SUBJECT_TYPES
    session = db.session.scalar(select(AgendaSession).order_by(AgendaSession.id))
    browser.login(db.session.scalar(select(User).where(User.email == "organiser@eventhub.test")), "demo-organiser")
    page = browser.get(AGENDA.format(slug=session.event.slug) + f"/sessions/{session.id}")
    assert "session.created" in [what for _who, what, _changes in history_rows(page.get_data(as_text=True))]


def test_migration_0007_files_old_class_name_entries_under_the_stable_types(app):
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    head = script.get_current_head()
    db.session.remove()
    try:
        downgrade(revision="0006")
        with db.engine.begin() as connection:
            connection.execute(AuditEntry.__table__.insert(), [
                {"at": datetime(2026, 11, 1, 9, tzinfo=UTC), "actor": "organiser@example.org",
                 "action": action, "subject_type": old, "subject_id": n, "changes": {}}
                for n, (old, action) in enumerate([("agendasession", "session.updated"),
                                                   ("sessionkind", "session_kind.saved"),
                                                   ("event", "event.created"), ("room", "room.saved")], start=1)])
    finally:
        upgrade()
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head
        rows = connection.execute(text("SELECT subject_id, subject_type FROM audit_entries ORDER BY subject_id")).all()
    assert [tuple(row) for row in rows] == [(1, "session"), (2, "session_kind"), (3, "event"), (4, "room")]



