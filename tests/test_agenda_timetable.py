"""The timetable editor: the grid, moving sessions (form and script), clashes and publishing."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from eventhub.agenda import services
from eventhub.agenda.models import AgendaSession, Room, Track
from eventhub.audit.services import SYSTEM
from eventhub.core.errors import ValidationError
from eventhub.core.transaction import atomic
from eventhub.extensions import db
from tests.factories import make_event, make_registration, make_user

BASE = "/manage/events/{slug}/agenda"
JSON = {"Accept": "application/json"}


@pytest.fixture
def event():
    """A three-day draft congress in São Paulo, 08:00 on the first day to 18:00 on the last, local time."""
    first = datetime.combine(datetime.now().date() + timedelta(days=30), datetime.min.time())
    return make_event(status="draft", timezone="America/Sao_Paulo", start=first + timedelta(hours=8),
                      end=first + timedelta(days=2, hours=18))


@pytest.fixture
def rooms(event):
    made = [Room(event_id=event.id, name=name, capacity=cap, position=n)
            for n, (name, cap) in enumerate([("Auditório", 500), ("Sala Łódź", 40)])]
    db.session.add_all(made)
    db.session.commit()
    return made


def url(event, path=""):
    return BASE.format(slug=event.slug) + path


def local_day(event):
    return event.start_at.astimezone(ZoneInfo(event.timezone)).date()


def at(event, hours, minutes=0) -> str:
    """A wall-clock time on the event's first day, as the datetime-local input sends it."""
    return (datetime.combine(local_day(event), datetime.min.time()) + timedelta(hours=hours, minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


def make_session(event, **values):
    data = {"title": "Sessão", "start": at(event, 10), "end": at(event, 11), "status": "scheduled"}
    data.update(values)
    with atomic():
        return services.save_session(event, data, SYSTEM)


def local_hour(event, value):
    local = value.astimezone(ZoneInfo(event.timezone))
    return local.hour, local.minute


def test_the_grid_shows_rooms_sessions_tracks_and_speakers(organiser_browser, event, rooms):
    track = Track(event_id=event.id, name="Clima", colour="#2e7d32")
    db.session.add(track)
    db.session.commit()
    session = make_session(event, title="Plenária de abertura", room_id=rooms[1].id, track_id=track.id)
    services.set_people(session, [{"role": "speaker", "name": "Søren Kierkegaard"}], SYSTEM)
    html = organiser_browser.get(url(event, "/")).get_data(as_text=True)
    assert "Auditório" in html and "Sala Łódź" in html and "Søren Kierkegaard" in html
    block = re.search(r'<article class="tt-session[^>]*id="session-%d"[^>]*>' % session.id, html).group(0)
    # Rows are 5 minutes from 08:00 and start at 2 under the room names: 10:00 is row 26, 11:00 row 38;
    # the second room is column 3.
    assert "grid-row: 26 / 38" in block and "grid-column: 3" in block and "#2e7d32" in block
    # An empty slot links to the new-session form with its room and time.
    assert f"sessions/new?room_id={rooms[0].id}&amp;start={at(event, 8, 15)}" in html


def test_day_tabs_and_a_later_day(organiser_browser, event, rooms):
    later = (local_day(event) + timedelta(days=1)).isoformat()
    make_session(event, title="Segundo dia", room_id=rooms[0].id, start=f"{later}T09:00", end=f"{later}T10:00")
    first = organiser_browser.get(url(event, "/")).get_data(as_text=True)
    assert "Segundo dia" not in first and f"day={later}" in first
    assert "Segundo dia" in organiser_browser.get(url(event, f"/?day={later}")).get_data(as_text=True)


def test_move_by_form_post(organiser_browser, event, rooms):
    session = make_session(event, room_id=rooms[0].id)
    response = organiser_browser.post(url(event, f"/sessions/{session.id}/move"),
                                      {"room_id": rooms[1].id, "start": at(event, 14), "duration": "90"})
    assert response.status_code == 302
    db.session.expire_all()
    assert session.room_id == rooms[1].id and local_hour(event, session.start_at) == (14, 0)
    assert local_hour(event, session.end_at) == (15, 30) and session.sequence == 1


def test_move_by_script_answers_json_and_409_when_the_room_is_taken(organiser_browser, event, rooms):
    plenary = make_session(event, title="Plenária", room_id=rooms[0].id, start=at(event, 9), end=at(event, 10))
    session = make_session(event, title="Oficina", room_id=rooms[1].id)
    taken = organiser_browser.post(url(event, f"/sessions/{session.id}/move"),
                                   {"room_id": rooms[0].id, "start": at(event, 9, 30), "end": at(event, 10, 30)}, headers=JSON)
    assert taken.status_code == 409 and "Plenária" in taken.get_json()["message"]
    db.session.expire_all()
    assert session.room_id == rooms[1].id and session.sequence == 0
    moved = organiser_browser.post(url(event, f"/sessions/{session.id}/move"),
                                   {"room_id": rooms[0].id, "start": at(event, 10), "end": at(event, 11, 15)}, headers=JSON)
    assert moved.status_code == 200 and "message" in moved.get_json()
    db.session.expire_all()
    assert session.room_id == rooms[0].id and local_hour(event, session.end_at) == (11, 15) and session.sequence == 1
    assert plenary.sequence == 0


def test_a_refused_form_move_flashes_the_reason(organiser_browser, event, rooms):
    make_session(event, title="Plenária", room_id=rooms[0].id)
    session = make_session(event, title="Oficina", room_id=rooms[1].id)
    page = organiser_browser.post(url(event, f"/sessions/{session.id}/move"),
                                  {"room_id": rooms[0].id, "start": at(event, 10), "duration": "30"}, follow_redirects=True)
    assert "already booked for “Plenária”" in page.get_data(as_text=True)
    bad = organiser_browser.post(url(event, f"/sessions/{session.id}/move"), {"room_id": rooms[0].id, "start": "soon"},
                                 headers=JSON)
    assert bad.status_code == 422


def test_a_speaker_clash_is_shown_and_fixed_by_moving(organiser_browser, event, rooms):
    speaker = make_registration(event, full_name="Zoë Ångström")
    a = make_session(event, title="Sessão A", room_id=rooms[0].id)
    b = make_session(event, title="Sessão B", room_id=rooms[1].id, start=at(event, 10, 30), end=at(event, 11, 30))
    for s in (a, b):
        services.set_people(s, [{"role": "speaker", "registration_id": speaker.id}], SYSTEM)
    html = organiser_browser.get(url(event, "/")).get_data(as_text=True)
    block = html[html.index(f'id="session-{b.id}"'):]
    block = block[:block.index("</article>")]
    assert "Zoë Ångström is in “Sessão A” and “Sessão B” at the same time." in block
    assert "Zoë Ångström is in" in organiser_browser.get(url(event, "/clashes")).get_data(as_text=True)
    organiser_browser.post(url(event, f"/sessions/{b.id}/move"), {"room_id": rooms[1].id, "start": at(event, 11), "duration": "60"})
    assert "Zoë Ångström is in" not in organiser_browser.get(url(event, "/")).get_data(as_text=True)
    assert "No clashes" in organiser_browser.get(url(event, "/clashes")).get_data(as_text=True)


def test_publishing_is_blocked_by_a_room_clash_and_succeeds_after_fixing(organiser_browser, event, rooms):
    a = make_session(event, title="Plenária", room_id=rooms[0].id)
    b = make_session(event, title="Outra", room_id=rooms[1].id)
    # Forced past the service, as an import or an older bug might leave it.
    b.room_id = rooms[0].id
    db.session.commit()
    page = organiser_browser.post(url(event, "/publish"), {"next": url(event, "/clashes")}, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "not published" in html and "is double-booked" in html and f"sessions/{a.id}" in html
    db.session.expire_all()
    assert event.agenda_published_at is None
    organiser_browser.post(url(event, f"/sessions/{b.id}/move"), {"room_id": rooms[1].id, "start": at(event, 10), "duration": "60"})
    page = organiser_browser.post(url(event, "/publish"), {"next": url(event, "/")}, follow_redirects=True)
    assert "The agenda is published." in page.get_data(as_text=True)
    db.session.expire_all()
    assert event.agenda_published_at is not None
    organiser_browser.post(url(event, "/unpublish"), {})
    db.session.expire_all()
    assert event.agenda_published_at is None


def test_the_clashes_page_lists_errors_before_warnings(organiser_browser, event, rooms):
    make_session(event, title="Fora das datas", room_id=rooms[1].id, capacity=90)
    a, b = make_session(event, title="Uma", room_id=rooms[0].id, start=at(event, 14), end=at(event, 15)), \
        make_session(event, title="Duas", room_id=rooms[1].id, start=at(event, 14), end=at(event, 15))
    b.room_id = a.room_id
    db.session.commit()
    html = organiser_browser.get(url(event, "/clashes")).get_data(as_text=True)
    assert html.index("is double-booked") < html.index("takes 90 people")


def test_another_events_session_is_404(organiser_browser, event, rooms):
    session = make_session(event, room_id=rooms[0].id)
    other = make_event(status="draft")
    assert organiser_browser.get(url(other, f"/sessions/{session.id}")).status_code == 404
    assert organiser_browser.post(url(other, f"/sessions/{session.id}/move"), {"start": at(event, 9), "duration": "30"}).status_code == 404


def _fill(event, rooms, count):
    """`count` sessions with a speaker each, spread over the rooms and the first day."""
    for n in range(count):
        room = rooms[n % len(rooms)]
        start = 8 * 60 + (n // len(rooms)) * 15
        s = make_session(event, title=f"Sessão {n}", room_id=room.id,
                         start=at(event, 0, start), end=at(event, 0, start + 15))
        services.set_people(s, [{"role": "speaker", "name": f"Pessoa {n}"}], SYSTEM)


def test_the_timetable_runs_a_fixed_number_of_queries(organiser_browser, event, rooms, count_queries):
    more = [Room(event_id=event.id, name=f"Sala {n}", position=10 + n) for n in range(4)]
    db.session.add_all(more)
    db.session.commit()
    _fill(event, rooms + more, 10)
    with count_queries() as small:
        assert organiser_browser.get(url(event, "/")).status_code == 200
    db.session.execute(AgendaSession.__table__.delete())
    db.session.commit()
    _fill(event, rooms + more, 60)
    with count_queries() as big:
        html = organiser_browser.get(url(event, "/")).get_data(as_text=True)
    assert "Sessão 59" in html
    assert len(big) == len(small)


def _move(browser, event, session, headers=JSON, **values):
    data = {"room_id": session.room_id or "", "start": at(event, 10), "end": at(event, 11), **values}
    return browser.post(url(event, f"/sessions/{session.id}/move"), data, headers=headers)


@pytest.mark.parametrize("who, status", [(None, 401), ("checkin", 403)])
def test_only_organisers_move_sessions(client, browser, event, rooms, who, status):
    session = make_session(event, room_id=rooms[0].id)
    if who:
        browser.login(make_user(roles=[who]))
    assert _move(browser, event, session, room_id=rooms[1].id, start=at(event, 15), end=at(event, 16)).status_code == status
    form = _move(browser, event, session, headers={}, room_id=rooms[1].id, start=at(event, 15), end=at(event, 16))
    assert form.status_code == 403 if who else "/auth/login" in form.headers["Location"]
    db.session.expire_all()
    assert session.room_id == rooms[0].id and local_hour(event, session.start_at) == (10, 0) and session.sequence == 0


def test_a_move_without_the_csrf_token_changes_nothing(client, organiser_browser, event, rooms):
    session = make_session(event, room_id=rooms[0].id)
    answer = client.post(url(event, f"/sessions/{session.id}/move"), headers=JSON,
                         data={"room_id": rooms[1].id, "start": at(event, 15), "end": at(event, 16)})
    assert answer.status_code == 400
    db.session.expire_all()
    assert session.room_id == rooms[0].id and session.sequence == 0


def test_a_move_answers_where_the_session_is_and_every_clash(organiser_browser, event, rooms):
    speaker = make_registration(event, full_name="Zoë Ångström")
    a = make_session(event, title="Sessão A", room_id=rooms[0].id)
    b = make_session(event, title="Sessão B", room_id=rooms[1].id, start=at(event, 14), end=at(event, 15))
    for s in (a, b):
        services.set_people(s, [{"role": "speaker", "registration_id": speaker.id}], SYSTEM)
    db.session.commit()
    answer = _move(organiser_browser, event, b, start=at(event, 10, 10), end=at(event, 11, 10), sequence=0)
    assert answer.status_code == 200
    body = answer.get_json()
    day = local_day(event).isoformat()
    assert body["session"] == {
        "id": b.id, "title": "Sessão B", "room_id": rooms[1].id, "sequence": 1, "start": f"{day}T10:10",
        "end": f"{day}T11:10", "day": day, "day_label": body["session"]["day_label"], "times": "10:10–11:10",
        "room": "Sala Łódź"}
    assert [c["severity"] for c in body["clashes"][str(a.id)]] == ["warning"]
    assert "Zoë Ångström is in" in body["clashes"][str(b.id)][0]["message"]
    assert (body["errors"], body["warnings"]) == (0, 1) and body["summary"] == "0 errors and 1 warning on the clashes page."
    assert "“Sessão B” is saved" in body["message"] and "10:10–11:10, Sala Łódź" in body["message"]


def test_a_move_from_an_out_of_date_page_is_refused_and_says_where_the_session_is(organiser_browser, event, rooms):
    session = make_session(event, title="Oficina", room_id=rooms[0].id)
    # Someone else moved it to 14:00 since the page (showing sequence 0) was loaded.
    _move(organiser_browser, event, session, start=at(event, 14), end=at(event, 15), sequence=0)
    stale = _move(organiser_browser, event, session, room_id=rooms[1].id, start=at(event, 9), end=at(event, 10), sequence=0)
    assert stale.status_code == 409 and stale.get_json()["reason"] == "changed"
    assert "changed elsewhere" in stale.get_json()["message"]
    assert stale.get_json()["session"]["start"].endswith("T14:00") and stale.get_json()["session"]["sequence"] == 1
    db.session.expire_all()
    assert session.room_id == rooms[0].id and local_hour(event, session.start_at) == (14, 0) and session.sequence == 1
    # The form of an out-of-date page says so too, and changes nothing.
    page = organiser_browser.post(url(event, f"/sessions/{session.id}/move"),
                                  {"room_id": rooms[1].id, "start": at(event, 9), "duration": "60", "sequence": "0"},
                                  follow_redirects=True)
    assert "changed elsewhere" in page.get_data(as_text=True)
    db.session.expire_all()
    assert session.room_id == rooms[0].id and session.sequence == 1


def test_a_session_taken_out_of_its_room_waits_in_the_tray(organiser_browser, event, rooms):
    session = make_session(event, title="Visita técnica", room_id=rooms[0].id)
    later = make_session(event, title="Sem sala no segundo dia", start=at(event, 24 + 9), end=at(event, 24 + 10))
    answer = _move(organiser_browser, event, session, room_id="", sequence=0)
    assert answer.status_code == 200 and answer.get_json()["session"]["room_id"] is None
    db.session.expire_all()
    assert session.room_id is None and local_hour(event, session.start_at) == (10, 0)
    html = organiser_browser.get(url(event, "/")).get_data(as_text=True)
    tray = html[html.index('class="tt-tray"'):html.index('class="tt-scroll"')]
    grid = html[html.index('class="tt-scroll"'):html.index('class="tt-forms"')]
    # Every session without a room, of any day, is in the tray; none of them on the grid.
    assert f'id="session-{session.id}"' in tray and f'id="session-{later.id}"' in tray
    assert 'id="session-' not in grid and "(2)" in tray
    # The day's move forms still list it, with "No room" chosen.
    forms = html[html.index('class="tt-forms"'):]
    assert f'id="move-{session.id}"' in forms and f'id="move-{later.id}"' not in forms


def test_sessions_are_drawn_at_five_minute_rows(organiser_browser, event, rooms):
    lunch = make_session(event, title="Almoço", room_id=rooms[0].id, start=at(event, 12, 10), end=at(event, 12, 55))
    odd = make_session(event, title="Pela API", room_id=rooms[1].id, start=at(event, 12, 7), end=at(event, 12, 21))
    html = organiser_browser.get(url(event, "/")).get_data(as_text=True)

    def rows(session):
        block = re.search(r'<article class="tt-session[^>]*id="session-%d"[^>]*>' % session.id, html, re.S).group(0)
        return re.search(r"grid-row: (\d+) / (\d+)", block).groups()

    # 08:00 is row 2: 12:10 is 50 rows of 5 minutes later, and 45 minutes are 9 rows.
    assert rows(lunch) == ("52", "61")
    # Times off the 5-minute mark (only the API stores them) are drawn from the mark before to the one after.
    assert rows(odd) == ("51", "55")
    assert 'data-first="480" data-rows="132"' in html


def test_sessions_dropped_into_one_room_at_once_never_double_book_it(app, event, rooms):
    """Six organisers at once, three dragging on the timetable and three through the API: one gets the room."""
    from tests.conftest import Browser
    from tests.factories import make_token
    from tests.test_registration_concurrency import run_together

    sessions = [make_session(event, title=f"Oficina {n}", room_id=rooms[1].id, start=at(event, 8 + n),
                             end=at(event, 8 + n, 30)) for n in range(6)]
    jobs = []
    for n, session in enumerate(sessions):
        user = make_user(email=f"organiser{n}@example.org")
        if n % 2:
            client, secret = app.test_client(), make_token(user)[1]
            jobs.append(lambda client=client, secret=secret, session=session: client.patch(
                f"/api/v1/sessions/{session.id}", headers={"Authorization": f"Bearer {secret}"},
                json={"room_id": rooms[0].id, "start": at(event, 15) + ":00", "end": at(event, 16) + ":00"}).status_code)
        else:
            browser = Browser(app.test_client())
            browser.login(user)
            jobs.append(lambda browser=browser, session=session: _move(
                browser, event, session, room_id=rooms[0].id, start=at(event, 15), end=at(event, 16), sequence=0).status_code)

    codes = run_together(app, jobs)
    assert sorted(codes) == [200, 409, 409, 409, 409, 409]
    db.session.expire_all()
    assert sum(s.room_id == rooms[0].id for s in sessions) == 1


# --- Unscheduled drafts: a session without a time waits in the tray -----------------------------------


def test_a_draft_may_wait_without_a_time_but_nothing_else_may(event):
    waiting = make_session(event, title="Oficina por marcar", start="", end="", status="draft")
    assert (waiting.start_at, waiting.end_at, waiting.status) == (None, None, "draft")
    for values, field in (({"status": "scheduled"}, "start"), ({"end": ""}, "end"), ({"start": ""}, "start")):
        data = {"start": "", "end": "", **values} if "status" in values else {"status": "draft", **values}
        with pytest.raises(ValidationError) as refused:
            make_session(event, title="Meia sessão", **data)
        assert field in refused.value.errors
    # Giving it a time later, and publishing it, works as for any session.
    with atomic():
        services.save_session(event, {"start": at(event, 9), "end": at(event, 10), "status": "scheduled"}, SYSTEM,
                              waiting)
    assert local_hour(event, waiting.start_at) == (9, 0)


def test_a_session_made_without_a_time_shows_in_the_tray_and_nowhere_public(organiser_browser, client, event, rooms):
    response = organiser_browser.post(url(event, "/sessions/new"), {
        "title": "Visita técnica por marcar", "status": "draft", "language": "en", "start": "", "end": "",
        "room_id": "", "kind_id": "", "track_id": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = organiser_browser.get(url(event, "/")).get_data(as_text=True)
    tray = page[page.index('class="tt-tray"'):page.index('class="tt-scroll"')]
    assert "Visita técnica por marcar" in tray and "No time yet" in tray and 'data-start=""' in tray
    assert "No clashes" in page
    # Scheduling it by a drop (the script sends a time and a room) keeps it a draft until published.
    waiting = db.session.scalar(db.select(AgendaSession).where(AgendaSession.title == "Visita técnica por marcar"))
    moved = _move(organiser_browser, event, waiting, room_id=rooms[1].id, start=at(event, 15), end=at(event, 16))
    assert moved.status_code == 200 and moved.get_json()["session"]["times"] == "15:00–16:00"
    db.session.expire_all()
    assert (waiting.room_id, waiting.status) == (rooms[1].id, "draft")
    # The session form of an unscheduled draft opens, with empty times.
    blank = db.session.scalar(db.select(AgendaSession).where(AgendaSession.id == make_session(
        event, title="Outra por marcar", start="", end="", status="draft").id))
    form = organiser_browser.get(url(event, f"/sessions/{blank.id}")).get_data(as_text=True)
    assert 'name="start"' in form and "Outra por marcar" in form
