"""event.ics SEQUENCE: a calendar app that imported the event updates its entry when dates, place or status change.

RFC 5545 3.8.7.4: SEQUENCE starts at 0 and goes up with every significant change, while the UID
stays the same; a change that is not significant (a typo in the title) leaves it alone.
"""
from datetime import datetime

import pytest
from icalendar import Calendar

from eventhub.events import services
from tests.factories import make_event


@pytest.fixture
def event():
    """A published three-day congress in Berlin with a venue."""
    return make_event(slug="wk27", title="Weltkongress 2027", timezone="Europe/Berlin",
                      start=datetime(2027, 6, 15, 9), end=datetime(2027, 6, 17, 18),
                      venue_name="Estrel Berlin", venue_address="Sonnenallee 225\n12057 Berlin")


def entry(client, slug="wk27"):
    """The one VEVENT of /events/<slug>/event.ics, parsed back."""
    response = client.get(f"/events/{slug}/event.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    (found,) = Calendar.from_ical(response.data).walk("VEVENT")
    return found


def test_a_new_published_event_starts_at_sequence_0(client, event):
    # Creating the draft and publishing it are not revisions: no calendar could hold the draft.
    found = entry(client)
    assert found["SEQUENCE"] == 0 and str(found["STATUS"]) == "CONFIRMED"


def test_moving_the_dates_keeps_the_uid_and_raises_the_sequence(client, event):
    before = entry(client)
    services.save_event({"start": "2027-06-22T09:00", "end": "2027-06-24T18:00"}, event)
    after = entry(client)
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after["DTSTART"].to_ical() == b"20270622" and after["DTEND"].to_ical() == b"20270625"


def test_cancelling_says_cancelled_with_a_higher_sequence(client, event):
    before = entry(client)
    services.cancel_event(event)
    after = entry(client)
    assert after["UID"] == before["UID"]
    assert str(after["STATUS"]) == "CANCELLED" and after["SEQUENCE"] > before["SEQUENCE"]


def test_reinstating_a_cancelled_event_raises_it_again(client, event):
    services.cancel_event(event)
    cancelled = entry(client)["SEQUENCE"]
    services.publish_event(event)
    after = entry(client)
    assert str(after["STATUS"]) == "CONFIRMED" and after["SEQUENCE"] > cancelled


def test_a_summary_or_title_fix_leaves_the_sequence_alone(client, event):
    services.save_event({"summary": "Städte für das Klima", "title": "Weltkongress 2027 · Конгресс"}, event)
    after = entry(client)
    assert str(after["SUMMARY"]) == "Weltkongress 2027 · Конгресс" and after["SEQUENCE"] == 0


@pytest.mark.parametrize("change", [
    {"venue_name": "Messe Berlin"},
    {"venue_address": "Messedamm 22\n14055 Berlin"},
    {"timezone": "Europe/Lisbon"},
])
def test_a_new_place_or_zone_raises_the_sequence(client, event, change):
    services.save_event(change, event)
    assert entry(client)["SEQUENCE"] == 1


def test_giving_a_value_the_event_already_has_changes_nothing(event):
    services.publish_event(event)
    services.save_event({"start": "2027-06-15T09:00"}, event)  # the stored start, given again
    assert event.sequence == 0


def test_unpublishing_and_publishing_again_leaves_a_higher_sequence(client, event):
    before = entry(client)["SEQUENCE"]
    services.save_event({"venue_name": "Messe Berlin"}, event)
    services.unpublish_event(event)
    assert client.get("/events/wk27/event.ics").status_code == 404
    services.save_event({"end": "2027-06-18T18:00"}, event)
    services.publish_event(event)
    assert entry(client)["SEQUENCE"] > before + 1


def test_a_title_fix_through_the_organiser_form_leaves_the_sequence_alone(organiser_browser, client, event):
    # The form sends every field back, times as local wall-clock minutes; only the title differs.
    response = organiser_browser.post(f"/manage/events/{event.slug}/edit", {
        "kind": "congress", "title": "Weltkongreß 2027", "slug": event.slug, "summary": "", "description": "",
        "host_organisation_id": "", "venue_name": "Estrel Berlin", "venue_address": "Sonnenallee 225\n12057 Berlin",
        "latitude": "", "longitude": "", "timezone": "Europe/Berlin", "start": "2027-06-15T09:00",
        "end": "2027-06-17T18:00", "registration_opens": "", "registration_closes": "", "capacity": "",
        "network_id": "", "non_member_policy": "confirm", "public_categories": "delegate",
    })
    assert response.status_code == 302
    found = entry(client)
    assert str(found["SUMMARY"]) == "Weltkongreß 2027" and found["SEQUENCE"] == 0


def test_one_save_that_changes_several_things_is_one_revision(client, event):
    services.save_event({"start": "2027-06-16T09:00", "venue_name": "Messe Berlin", "title": "WK 2027"}, event)
    assert entry(client)["SEQUENCE"] == 1
