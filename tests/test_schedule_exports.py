"""Schedule exports: frab XML/JSON that validate against the c3voc schemas, and the agenda as CSV."""
import csv
import io
import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from lxml import etree
from sqlalchemy import select

from eventhub.agenda import services
from eventhub.agenda.models import AgendaSession
from eventhub.audit.services import SYSTEM
from eventhub.extensions import db
from eventhub.core.types import utcnow
from eventhub.events.models import Event
from tests.factories import (at, bulk_sessions, make_agenda_parts, make_event, make_organisation, make_registration,
                             make_session, open_event)

SCHEMAS = Path(__file__).resolve().parent / "schemas"  # vendored from voc/schedule: see schemas/README.md
EXPORTS = ("schedule.xml", "schedule.json", "agenda.csv")


def schema_file(name: str) -> Path:
    """A schema from tests/schemas; missing is a failure, never a skip: the check is the point."""
    path = SCHEMAS / name
    assert path.is_file(), f"{path} is missing: the schedule schemas are part of the repository (tests/schemas)"
    return path


def publish(event):
    event.agenda_published_at = utcnow()
    db.session.commit()
    return event


@pytest.fixture
def event():
    return publish(open_event(timezone="America/Sao_Paulo", title="Congresso Mundial"))


@pytest.fixture
def parts(event):
    return make_agenda_parts(event)


@pytest.fixture
def agenda(event, parts):
    """Two days, speakers in several scripts, a registrant speaker, a cancelled and a draft session."""
    kyiv = make_organisation(name="Kyiv", local_name="Київ", country="UA")
    rooms, tracks, kinds = parts["rooms"], parts["tracks"], parts["kinds"]
    speaker = make_registration(event, full_name="Zoë Łukasiewicz")
    energy = make_session(event, title="Transição energética", room_id=rooms[0].id, track_id=tracks[0].id,
                          kind_id=kinds["Plenary"].id, language="pt", start=at(event, 9), end=at(event, 10, 30),
                          description="Cities share plans.\n\nLong part\x0b with a stray control character.")
    services.set_people(energy, [{"registration_id": speaker.id},
                                 {"name": "Олена Коваль", "organisation_id": kyiv.id, "role": "moderator"}], SYSTEM)
    water = make_session(event, title="水と都市", room_id=rooms[1].id, track_id=tracks[1].id,
                         kind_id=kinds["Workshop"].id, start=at(event, 9, day=1), end=at(event, 11, day=1))
    services.set_people(water, [{"name": "김민준"}, {"name": "مريم الحسن", "role": "panellist"},
                                {"name": "Олена Коваль"}], SYSTEM)
    untracked = make_session(event, title="=SUM(A1) lunch", start=at(event, 12, day=1), end=at(event, 13, day=1))
    cancelled = make_session(event, title="Mobility breakfast", room_id=rooms[0].id, start=at(event, 11), end=at(event, 12))
    services.save_session(event, {"status": "cancelled"}, SYSTEM, cancelled)
    draft = make_session(event, title="Secret draft", status="draft", start=at(event, 14), end=at(event, 15))
    return {"energy": energy, "water": water, "untracked": untracked, "cancelled": cancelled, "draft": draft,
            "speaker": speaker}


def get_json(client, event):
    response = client.get(f"/events/{event.slug}/schedule.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def get_xml(client, event):
    response = client.get(f"/events/{event.slug}/schedule.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    return response.data


def all_events(data):
    return [item for day in data["schedule"]["conference"]["days"] for items in day["rooms"].values() for item in items]


def validate_json(data):
    schema = json.loads(schema_file("schedule.json.schema.json").read_text())
    jsonschema.validate(data, schema, cls=jsonschema.Draft6Validator, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
    # jsonschema checks "date-time" and "uuid" only with optional extras; check them here instead.
    days = data["schedule"]["conference"]["days"]
    stamps = [day[key] for day in days for key in ("day_start", "day_end")]
    stamps += [item[key] for item in all_events(data) for key in ("date", "end")]
    assert all(datetime.fromisoformat(stamp).utcoffset() is not None for stamp in stamps), stamps
    assert all(uuid.UUID(item["guid"]) for item in all_events(data))


def validate_xml(body):
    schema = etree.XMLSchema(etree.parse(str(schema_file("schedule.xml.xsd"))))
    document = etree.fromstring(body)
    assert schema.validate(document), schema.error_log
    return document


@pytest.mark.parametrize("name", EXPORTS)
def test_exports_exist_only_for_a_public_event_with_a_published_agenda(client, name):
    draft = publish(make_event(status="draft"))
    unpublished = open_event()
    assert client.get(f"/events/{draft.slug}/{name}").status_code == 404
    assert client.get(f"/events/{unpublished.slug}/{name}").status_code == 404
    assert client.get(f"/events/no-such-event/{name}").status_code == 404
    assert client.get(f"/events/{publish(unpublished).slug}/{name}").status_code == 200


def test_schedule_json_validates_against_the_c3voc_schema(client, event, agenda):
    validate_json(get_json(client, event))


def test_schedule_xml_validates_against_the_frab_xsd(client, event, agenda):
    validate_xml(get_xml(client, event))


def test_an_agenda_without_sessions_still_validates(client, event):
    data = get_json(client, event)
    validate_json(data)
    validate_xml(get_xml(client, event))
    assert data["schedule"]["conference"]["daysCount"] >= 1 and all_events(data) == []


def test_schedule_lists_scheduled_sessions_on_the_venue_clock(app, client, event, agenda):
    data = get_json(client, event)
    conference = data["schedule"]["conference"]
    assert conference["acronym"] == event.slug.replace("-", "_") and conference["title"] == "Congresso Mundial"
    assert conference["time_zone_name"] == "America/Sao_Paulo"
    assert conference["tracks"] == [{"name": "Energy", "color": "#2e7d32"}, {"name": "Вода", "color": "#0277bd"}]
    titles = [item["title"] for item in all_events(data)]
    assert titles == ["Transição energética", "水と都市", "=SUM(A1) lunch"]
    energy = next(item for item in all_events(data) if item["id"] == agenda["energy"].id)
    assert energy["guid"] == agenda["energy"].uuid
    assert (energy["start"], energy["duration"], energy["room"], energy["track"], energy["type"]) == (
        "09:00", "01:30", "Plenary hall", "Energy", "Plenary")
    assert energy["date"].endswith("T09:00:00-03:00")
    assert energy["abstract"] == "Cities share plans."
    base = app.config["BASE_URL"].rstrip("/")
    assert energy["url"] == f"{base}/events/{event.slug}/sessions/{agenda['energy'].id}"
    assert [day["index"] for day in conference["days"]] == list(range(1, len(conference["days"]) + 1))
    assert list(conference["days"][1]["rooms"]) == ["Sala Ipê", event.venue_name or event.title]


def test_names_in_any_script_survive_in_json_and_xml(client, event, agenda):
    data = get_json(client, event)
    names = [p["name"] for item in all_events(data) for p in item["persons"]]
    assert names == ["Zoë Łukasiewicz", "Олена Коваль", "김민준", "مريم الحسن", "Олена Коваль"]
    document = validate_xml(get_xml(client, event))
    assert [p.text for p in document.iter("person")] == names
    assert "水と都市" in [t.text for t in document.iter("title")]


def test_people_have_stable_ids_and_guids(client, event, agenda):
    persons = {p["name"]: p for item in all_events(get_json(client, event)) for p in item["persons"]}
    assert persons["Zoë Łukasiewicz"]["id"] == agenda["speaker"].id
    assert "id" not in persons["김민준"]
    olena = [p for item in all_events(get_json(client, event)) for p in item["persons"] if p["name"] == "Олена Коваль"]
    assert len(olena) == 2 and olena[0]["guid"] == olena[1]["guid"]
    assert len({p["guid"] for p in persons.values()}) == len(persons)
    assert all(uuid.UUID(p["guid"]) for p in persons.values())


def test_moving_a_session_keeps_its_guid_and_changes_the_version(client, event, agenda, parts):
    before = get_json(client, event)
    services.save_session(event, {"start": at(event, 15), "end": at(event, 16), "room_id": parts["rooms"][1].id},
                          SYSTEM, agenda["energy"])
    after = get_json(client, event)
    moved = next(item for item in all_events(after) if item["id"] == agenda["energy"].id)
    assert (moved["guid"], moved["start"], moved["room"]) == (agenda["energy"].uuid, "15:00", "Sala Ipê")
    assert after["schedule"]["version"] != before["schedule"]["version"]


def test_drafts_and_cancelled_sessions_stay_out_of_the_schedule(client, event, agenda):
    body = get_xml(client, event).decode()
    for key in ("draft", "cancelled"):
        assert agenda[key].uuid not in body
        assert agenda[key].id not in [item["id"] for item in all_events(get_json(client, event))]


def test_an_unchanged_schedule_answers_304(client, event, agenda):
    first = client.get(f"/events/{event.slug}/schedule.xml")
    again = client.get(f"/events/{event.slug}/schedule.xml", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def read_csv(client, event, **filters):
    response = client.get(f"/events/{event.slug}/agenda.csv", query_string=filters)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_agenda_csv_lists_the_public_agenda_in_the_event_timezone(client, event, agenda):
    rows = read_csv(client, event)
    assert rows[0] == ["day", "start", "end", "room", "track", "kind", "title", "speakers", "status"]
    first_day = at(event, 0)[:10]
    assert rows[1] == [first_day, "09:00", "10:30", "Plenary hall", "Energy", "Plenary", "Transição energética",
                       "Zoë Łukasiewicz; Олена Коваль", "scheduled"]
    assert rows[2][6:] == ["Mobility breakfast", "", "cancelled"]
    assert rows[3][4:8] == ["Вода", "Workshop", "水と都市", "김민준; مريم الحسن; Олена Коваль"]
    # A title starting with "=" must not run as a spreadsheet formula.
    assert rows[4][6] == "'=SUM(A1) lunch"
    assert "Secret draft" not in {row[6] for row in rows}


def test_agenda_csv_honours_the_agenda_filters(client, event, agenda, parts):
    by_track = read_csv(client, event, track=parts["tracks"][1].id)
    assert [row[6] for row in by_track[1:]] == ["水と都市"]
    by_day = read_csv(client, event, day=at(event, 0, day=1)[:10])
    assert [row[6] for row in by_day[1:]] == ["水と都市", "'=SUM(A1) lunch"]
    by_room = read_csv(client, event, room=parts["rooms"][0].id)
    assert [row[6] for row in by_room[1:]] == ["Transição energética", "Mobility breakfast"]


@pytest.mark.parametrize("name", EXPORTS)
def test_exports_run_a_fixed_number_of_queries(client, event, parts, count_queries, name):
    organisations = [make_organisation(name=f"Cidade {n}", local_name=f"都市 {n}") for n in range(3)]
    bulk_sessions(event, parts, organisations, 5)
    with count_queries() as small:
        assert "Спикер 4-0" in client.get(f"/events/{event.slug}/{name}").get_data(as_text=True)
    db.session.query(AgendaSession).delete()
    db.session.commit()
    bulk_sessions(event, parts, organisations, 40)
    with count_queries() as large:
        assert "Спикер 39-0" in client.get(f"/events/{event.slug}/{name}").get_data(as_text=True)
    assert len(large) == len(small), large


# --- Rooms: schedule apps draw the events of one room side by side in time, never on top of each other ---


def json_rooms(data) -> list[tuple[str, list[tuple[datetime, datetime, int]]]]:
    """(room, [(start, end, id)]) for every room of every day, in the file's order."""
    return [(name, [(datetime.fromisoformat(e["date"]), datetime.fromisoformat(e["end"]), e["id"]) for e in events])
            for day in data["schedule"]["conference"]["days"] for name, events in day["rooms"].items()]


def xml_rooms(body) -> list[tuple[str, list[tuple[datetime, datetime, int]]]]:
    """The same from the XML, where an event has a date and a duration."""
    def span(event):
        start = datetime.fromisoformat(event.findtext("date"))
        hours, minutes = event.findtext("duration").split(":")
        return start, start + timedelta(hours=int(hours), minutes=int(minutes)), int(event.get("id"))
    return [(room.get("name"), [span(event) for event in room.iter("event")])
            for room in validate_xml(body).findall("day/room")]


def overlapping(rooms) -> list[tuple[str, int, int]]:
    """Every pair of events of one room (and day) that overlap: what apps draw on top of each other."""
    found = []
    for name, events in rooms:
        ordered = sorted(events)
        found += [(name, a[2], b[2]) for a, b in zip(ordered, ordered[1:]) if b[0] < a[1]]
    return found


def test_sessions_without_a_room_get_rooms_by_kind_and_a_second_lane_when_they_overlap(client, event, parts):
    kinds = parts["kinds"]
    roomless = [("Harbour walk", "Site visit", 13, 16), ("Eco-district by bike", "Site visit", 13, 15),
                ("Waste plant", "Site visit", 16, 17), ("Coffee", "Break", 10, 10.5), ("Lunch", "Break", 12, 13),
                ("Reception", "Networking", 19, 21), ("Press corner", None, 9, 12), ("Film", None, 11, 12)]
    for title, kind, start, end in roomless:
        make_session(event, title=title, kind_id=kinds[kind].id if kind else None,
                     start=at(event, int(start), int(start % 1 * 60)), end=at(event, int(end), int(end % 1 * 60)))
    make_session(event, title="Opening", room_id=parts["rooms"][0].id, kind_id=kinds["Plenary"].id,
                 start=at(event, 9), end=at(event, 10))
    data, body = get_json(client, event), get_xml(client, event)
    validate_json(data)
    venue = event.venue_name or event.title
    names = [room["name"] for room in data["schedule"]["conference"]["rooms"]]
    assert names == ["Plenary hall", "Breaks", "Networking", "Site visits", "Site visits 2", venue, f"{venue} 2"]
    by_title = {e["title"]: e["room"] for e in all_events(data)}
    assert (by_title["Harbour walk"], by_title["Eco-district by bike"], by_title["Waste plant"]) == (
        "Site visits", "Site visits 2", "Site visits")  # the lane is free again at 16:00
    assert (by_title["Coffee"], by_title["Reception"], by_title["Opening"]) == ("Breaks", "Networking", "Plenary hall")
    assert overlapping(json_rooms(data)) == [] and overlapping(xml_rooms(body)) == []
    # The XML says the same: same rooms in the same order, each event in the room its <room> element names.
    assert [(name, sorted(ids)) for name, ids in xml_rooms(body)] == [(name, sorted(ids)) for name, ids in
                                                                      json_rooms(data)]
    assert all(e.findtext("room") == room.get("name") for room in validate_xml(body).findall("day/room")
               for e in room.iter("event"))
    guids = {room["name"]: room["guid"] for room in data["schedule"]["conference"]["rooms"]}
    assert len(set(guids.values())) == len(guids)
    assert {room.get("name"): room.get("guid") for room in validate_xml(body).findall("day/room")} == guids


def test_rooms_and_lanes_are_the_same_in_every_export(client, event, parts):
    for n in range(3):
        make_session(event, title=f"Visit {n}", kind_id=parts["kinds"]["Site visit"].id,
                     start=at(event, 13, 10 * n), end=at(event, 16))
    first = get_json(client, event)
    make_session(event, title="Later visit", kind_id=parts["kinds"]["Site visit"].id,
                 start=at(event, 13, day=1), end=at(event, 14, day=1))  # added on another day
    again = get_json(client, event)
    lanes = {e["title"]: e["room"] for e in all_events(first)}
    assert lanes == {"Visit 0": "Site visits", "Visit 1": "Site visits 2", "Visit 2": "Site visits 3"}
    assert {e["title"]: e["room"] for e in all_events(again) if e["title"] in lanes} == lanes
    assert first["schedule"]["conference"]["rooms"] == again["schedule"]["conference"]["rooms"]


def test_a_virtual_room_never_takes_the_name_of_a_real_one(client, event):
    parts = make_agenda_parts(event, rooms=("Breaks", "Sala Ipê"))
    make_session(event, title="Coffee", kind_id=parts["kinds"]["Break"].id, start=at(event, 10), end=at(event, 11))
    make_session(event, title="Briefing", room_id=parts["rooms"][0].id, start=at(event, 10), end=at(event, 11))
    data = get_json(client, event)
    assert {e["title"]: e["room"] for e in all_events(data)} == {"Briefing": "Breaks", "Coffee": "Breaks 2"}
    assert overlapping(json_rooms(data)) == []


@pytest.fixture(scope="module")
def demo_congress(app):
    """The demo congress with its whole agenda (breaks, site visits and receptions have no room)."""
    from tests.demo_support import seed_once

    return seed_once(app, "--members", "40", "--attendees", "0")[1]


def test_no_two_events_of_a_room_overlap_in_the_demo_congress(client, demo_congress):
    from tests.demo_support import restore

    restore(demo_congress)
    event = db.session.scalars(select(Event).where(Event.kind == "congress")).one()
    data, body = get_json(client, event), get_xml(client, event)
    validate_json(data)
    scheduled = db.session.scalars(select(AgendaSession).where(AgendaSession.event_id == event.id,
                                                                AgendaSession.status == "scheduled")).all()
    assert sorted(e["id"] for e in all_events(data)) == sorted(s.id for s in scheduled) and len(scheduled) > 100
    assert overlapping(json_rooms(data)) == [] and overlapping(xml_rooms(body)) == []
    names = [room["name"] for room in data["schedule"]["conference"]["rooms"]]
    assert {"Breaks", "Site visits", "Site visits 2", "Networking"} <= set(names)
    assert [name for name, _events in xml_rooms(body)] == [name for name, _events in json_rooms(data)]


def test_a_markdown_description_reaches_schedule_apps_as_plain_text(client, event):
    make_session(event, title="Mercados", start=at(event, 9), end=at(event, 10),
                 description="Bring **your** plan:\n\n- [the template](https://example.org/t)\n- a <b>map</b>")
    services.publish_agenda(event, SYSTEM)
    [item] = all_events(get_json(client, event))
    assert item["abstract"] == "Bring your plan:"
    assert item["description"] == "Bring your plan:\n\n- the template (https://example.org/t)\n- a <b>map</b>"
    assert "**" not in get_xml(client, event).decode()
