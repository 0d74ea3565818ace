"""/api/v1: an event's meeting tables, slots and meetings, for organisers only."""
from eventhub.audit.services import REGISTRANT
from eventhub.core.transaction import atomic
from eventhub.meetings import services
from tests.factories import (
    make_meeting_request,
    make_meeting_setup,
    make_registration,
    make_token,
    make_user,
    open_event,
)


def test_organisers_read_tables_slots_and_meetings_with_the_venues_times(client, organiser):
    event = open_event(timezone="Asia/Tokyo")
    tables, slots = make_meeting_setup(event, tables=("Table 7", "Table 8"))
    one = make_registration(event, full_name="Ana Lima", listed=True)
    other = make_registration(event, full_name="佐藤 花子", listed=True)
    with atomic():
        meeting = services.accept(make_meeting_request(one, other, slots[1:2]), slots[1].id, other, REGISTRANT)
        cancelled = services.accept(make_meeting_request(other, one, slots[2:3]), slots[2].id, one, REGISTRANT)
        services.cancel_meeting(cancelled, one, REGISTRANT)
    headers = {"Authorization": f"Bearer {make_token(organiser)[1]}"}
    base = f"/api/v1/events/{event.slug}"
    assert [a["name"] for a in client.get(base + "/meeting-areas", headers=headers).json] == ["Table 7", "Table 8"]
    listed = client.get(base + "/meeting-slots", headers=headers).json
    assert listed[1] == {"id": slots[1].id, "window_id": slots[1].window_id, "start": listed[1]["start"],
                         "end": listed[1]["end"], "booked": 1, "free_tables": 1}
    assert listed[1]["start"].endswith("T10:20:00+09:00") and listed[2]["booked"] == 0
    page = client.get(base + "/meetings", headers=headers).json
    assert page["total"] == 2
    confirmed = client.get(base + "/meetings?status=confirmed", headers=headers).json["items"]
    assert [(m["id"], m["area"]["name"]) for m in confirmed] == [(meeting.id, "Table 7")]
    assert {p["full_name"] for p in confirmed[0]["participants"]} == {"Ana Lima", "佐藤 花子"}
    assert client.get(base + "/meetings?status=maybe", headers=headers).status_code == 422


def test_the_meetings_api_is_for_organisers_only(client):
    event = open_event()
    make_meeting_setup(event)
    staff = {"Authorization": f"Bearer {make_token(make_user(roles=['checkin']))[1]}"}
    for path in ("meeting-areas", "meeting-slots", "meetings"):
        assert client.get(f"/api/v1/events/{event.slug}/{path}").status_code == 401
        assert client.get(f"/api/v1/events/{event.slug}/{path}", headers=staff).status_code == 403
