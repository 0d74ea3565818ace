"""The public pages link to the calendars and exports, and every link answers with the right kind of file."""
import html
import re
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from icalendar import Calendar

from eventhub.agenda.models import Room, Track
from eventhub.extensions import db
from eventhub.core.types import utcnow
from tests.factories import at, make_event, make_session, open_event

MIMETYPES = {"agenda.ics": "text/calendar", "agenda.csv": "text/csv", "schedule.xml": "application/xml",
             "schedule.json": "application/json"}


# Absolute links (UIDs, feed URLs) with the BASE_URL production would have.
pytestmark = pytest.mark.usefixtures("public_base_url")


@pytest.fixture
def agenda():
    """A public event in Seoul with a published agenda: two sessions in different rooms and tracks, on two days."""
    event = open_event(slug="seoul-27", title="세계 도시 정상회의 2027", timezone="Asia/Seoul")
    rooms = [Room(event_id=event.id, name="Hall Ö", capacity=500), Room(event_id=event.id, name="Зал 2", capacity=40)]
    tracks = [Track(event_id=event.id, name="Énergie"), Track(event_id=event.id, name="水")]
    db.session.add_all(rooms + tracks)
    db.session.commit()
    sessions = [make_session(event, title="Opening · 개회식", room_id=rooms[0].id, track_id=tracks[0].id),
                make_session(event, title="Water · 水", room_id=rooms[1].id, track_id=tracks[1].id,
                             start=at(event, 14, day=1), end=at(event, 15, day=1))]
    event.agenda_published_at = utcnow()
    db.session.commit()
    return SimpleNamespace(event=event, rooms=rooms, tracks=tracks, sessions=sessions)


@pytest.fixture
def event(agenda):
    """The event of that agenda."""
    return agenda.event


def links(page: str) -> list[str]:
    """Every href on the page, unescaped."""
    return [html.unescape(href) for href in re.findall(r'href="([^"]+)"', page)]


def link_to(page: str, path_end: str, scheme: str | None = None) -> str:
    """The one link whose path ends with path_end (and has this scheme, when given)."""
    found = [href for href in links(page) if urlsplit(href).path.endswith(path_end)
             and (scheme is None or urlsplit(href).scheme == scheme)]
    assert len(found) == 1, (path_end, scheme, found)
    return found[0]


def follow(client, href: str):
    """Fetch a link as the browser (or, for webcal://, the calendar app over https) would, on this site."""
    parts = urlsplit(href)
    assert parts.scheme in ("", "https", "webcal") and parts.netloc in ("", "events.example.org"), href
    return client.get(parts.path, query_string=parts.query)


def agenda_page(client, event, **filters) -> str:
    """The public agenda page's HTML, filtered as asked."""
    response = client.get(f"/events/{event.slug}/agenda", query_string=filters)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_agenda_page_links_to_the_feed_and_every_export(client, event):
    page = agenda_page(client, event)
    assert "Take the agenda with you" in page
    # In the page's language: calendar apps send no cookie to say it.
    assert link_to(page, "/agenda.ics", "webcal") == "webcal://events.example.org/events/seoul-27/agenda.ics?lang=en"
    assert link_to(page, "/agenda.ics", "https") == "https://events.example.org/events/seoul-27/agenda.ics?lang=en"
    for path_end, mimetype in MIMETYPES.items():
        href = link_to(page, f"/{path_end}", "https" if path_end.endswith(".ics") else "")
        response = follow(client, href)
        assert response.status_code == 200, href
        assert response.mimetype == mimetype, href
    assert '<section class="take-away no-print"' in page  # like the day tabs, not on paper
    assert "programme PDF" not in page  # the placeholder is a Jinja comment, never sent


def test_an_unfiltered_agenda_gives_the_whole_agenda_in_the_feed(client, event):
    feed = follow(client, link_to(agenda_page(client, event), "/agenda.ics", "webcal"))
    titles = {str(e["SUMMARY"]) for e in Calendar.from_ical(feed.data).walk("VEVENT")}
    assert titles == {"Opening · 개회식", "Water · 水"}


def test_a_filtered_agenda_keeps_its_filters_in_the_links(client, agenda, event):
    track = agenda.tracks[1].id
    page = agenda_page(client, event, track=track, kind="", q="", day="", room="", language="")
    webcal = link_to(page, "/agenda.ics", "webcal")
    # blank filters are left out
    assert parse_qs(urlsplit(webcal).query) == {"track": [str(track)], "lang": ["en"]}
    assert parse_qs(urlsplit(link_to(page, "/agenda.ics", "https")).query) == {"track": [str(track)], "lang": ["en"]}
    assert parse_qs(urlsplit(link_to(page, "/agenda.csv")).query) == {"track": [str(track)]}
    feed = Calendar.from_ical(follow(client, webcal).data)
    assert [str(e["SUMMARY"]) for e in feed.walk("VEVENT")] == ["Water · 水"]
    csv = follow(client, link_to(page, "/agenda.csv")).get_data(as_text=True)
    assert "Water · 水" in csv and "개회식" not in csv
    # The apps' schedule is always the whole agenda.
    assert urlsplit(link_to(page, "/schedule.xml")).query == ""


def test_day_and_room_reach_the_feed_and_every_filter_reaches_the_csv(client, agenda, event):
    room, day = agenda.rooms[0].id, at(event, 0)[:10]
    page = agenda_page(client, event, room=room, day=day, q="Opening")
    assert parse_qs(urlsplit(link_to(page, "/agenda.ics", "webcal")).query) == {"room": [str(room)], "day": [day],
                                                                               "lang": ["en"]}
    assert parse_qs(urlsplit(link_to(page, "/agenda.csv")).query) == {"room": [str(room)], "day": [day], "q": ["Opening"]}
    assert "the spreadsheet keeps every filter" in page
    feed = Calendar.from_ical(follow(client, link_to(page, "/agenda.ics", "https")).data)
    assert [str(e["SUMMARY"]) for e in feed.walk("VEVENT")] == ["Opening · 개회식"]


def test_the_session_page_links_to_its_calendar_file(client, agenda, event):
    session_id = agenda.sessions[0].id
    page = client.get(f"/events/{event.slug}/sessions/{session_id}").get_data(as_text=True)
    href = link_to(page, f"/sessions/{session_id}.ics")
    assert "Add to my calendar (.ics)" in page
    response = follow(client, href)
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert [str(e["SUMMARY"]) for e in Calendar.from_ical(response.data).walk("VEVENT")] == ["Opening · 개회식"]


@pytest.mark.parametrize("status", ["published", "cancelled"])
def test_the_event_page_links_to_event_ics(client, status):
    event = make_event(slug="forum-27", title="Forum Łódź 2027", status=status)
    page = client.get("/events/forum-27").get_data(as_text=True)
    response = follow(client, link_to(page, "/events/forum-27/event.ics"))
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    (entry,) = Calendar.from_ical(response.data).walk("VEVENT")
    assert str(entry["SUMMARY"]) == event.title


def test_the_organiser_preview_of_a_draft_offers_no_calendar(organiser_browser):
    make_event(slug="draft-27", status="draft")
    page = organiser_browser.get("/manage/events/draft-27").get_data(as_text=True)
    assert "event.ics" not in page and "Add to my calendar" not in page
