"""The .ics invitation of a confirmation e-mail, parsed back as a calendar app would read it."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from eventhub.registration.invitation import CONTENT_TYPE, invitation_attachment, invitation_ics
from eventhub.registration.notifications import manage_url
from tests.factories import last_message, make_registration, open_event


@pytest.fixture
def seoul_forum():
    """A three-day forum in Seoul, 09:00 on the first day to 17:00 on the last, local time."""
    return open_event(
        title="서울 Urban Forum", timezone="Asia/Seoul", start=datetime(2099, 6, 15, 9), end=datetime(2099, 6, 17, 17),
        venue_name="COEX Convention Centre", venue_address="513 Yeongdong-daero\nGangnam-gu, Seoul",
        summary="Three days on liveable cities.",
    )


def parse(registration):
    """The invitation as a calendar app sees it: the calendar and its one event."""
    calendar = Calendar.from_ical(invitation_ics(registration, manage_url(registration)))
    return calendar, calendar.walk("VEVENT")[0]


def test_invitation_is_a_request_from_the_organiser_to_the_registrant(app, seoul_forum):
    registration = make_registration(seoul_forum, full_name="Łucja Wiśniewska", email="lucja@example.org")
    calendar, entry = parse(registration)
    assert calendar["METHOD"] == "REQUEST" and calendar["VERSION"] == "2.0" and calendar["PRODID"]
    organizer = entry["ORGANIZER"]
    assert organizer == "mailto:noreply@localhost" and organizer.params["CN"] == "EventHub"
    [attendee] = entry.attendees
    assert attendee == "mailto:lucja@example.org"
    assert attendee.params["CN"] == "Łucja Wiśniewska"


def test_times_are_the_real_span_in_the_event_timezone_with_its_vtimezone(seoul_forum):
    calendar, entry = parse(make_registration(seoul_forum))
    seoul = ZoneInfo("Asia/Seoul")
    assert entry["DTSTART"].params["TZID"] == "Asia/Seoul" and entry["DTEND"].params["TZID"] == "Asia/Seoul"
    assert entry.start == datetime(2099, 6, 15, 9, tzinfo=seoul)
    assert entry.end == datetime(2099, 6, 17, 17, tzinfo=seoul)
    assert [tz.tz_name for tz in calendar.timezones] == ["Asia/Seoul"]
    assert calendar.get_missing_tzids() == set()


def test_summary_location_description_and_url(app, seoul_forum):
    registration = make_registration(seoul_forum)
    _calendar, entry = parse(registration)
    assert entry["SUMMARY"] == "서울 Urban Forum"
    assert entry["LOCATION"] == "COEX Convention Centre, 513 Yeongdong-daero, Gangnam-gu, Seoul"
    assert "Three days on liveable cities." in entry["DESCRIPTION"]
    assert manage_url(registration) in entry["DESCRIPTION"]
    assert entry["URL"] == f"{app.config['BASE_URL']}/events/{seoul_forum.slug}"


def test_uid_is_stable_per_registration_and_differs_between_registrations(seoul_forum):
    first, second = make_registration(seoul_forum), make_registration(seoul_forum)
    assert parse(first)[1]["UID"] == parse(first)[1]["UID"]
    assert parse(first)[1]["UID"] != parse(second)[1]["UID"]


def test_the_file_follows_the_line_rules_of_rfc_5545(seoul_forum):
    """CRLF line ends, and lines folded at 75 octets even with multi-byte names."""
    long_name = "Ελένη Παπαδοπούλου-Καραγιάννη " * 3
    text = invitation_ics(make_registration(seoul_forum, full_name=long_name), "https://x.test/r")
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "\n" not in "".join(lines)
    assert max(len(line.encode("utf-8")) for line in lines) <= 75


def test_attachment_is_named_after_the_event_and_declares_the_method(seoul_forum):
    registration = make_registration(seoul_forum)
    attachment = invitation_attachment(registration, manage_url(registration))
    assert attachment["filename"] == f"{seoul_forum.slug}.ics"
    assert attachment["content_type"] == CONTENT_TYPE == "text/calendar; method=REQUEST; charset=utf-8"
    assert attachment["content"].startswith("BEGIN:VCALENDAR")


def test_an_address_typed_in_a_browser_stays_on_one_line(seoul_forum):
    seoul_forum.venue_address = "513 Yeongdong-daero\r\nGangnam-gu, Seoul\r\n"
    _calendar, entry = parse(make_registration(seoul_forum))
    assert entry["LOCATION"] == "COEX Convention Centre, 513 Yeongdong-daero, Gangnam-gu, Seoul"


def test_a_later_invitation_after_the_event_moved_carries_a_higher_sequence(seoul_forum):
    from eventhub.events.services import save_event

    registration = make_registration(seoul_forum)
    _calendar, before = parse(registration)
    save_event({"start": datetime(2099, 6, 16, 9), "end": datetime(2099, 6, 18, 17)}, seoul_forum)
    _calendar, after = parse(registration)
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]


def cancel_attachment(registration) -> Calendar:
    """The .ics of the last message queued to the registrant, which must be a CANCEL."""
    [attachment] = last_message(registration).attachments
    assert attachment["content_type"] == "text/calendar; method=CANCEL; charset=utf-8"
    return Calendar.from_ical(attachment["content"])


@pytest.mark.parametrize("leave", ["cancel", "reject"])
def test_losing_a_place_withdraws_the_invitation_from_the_calendar(seoul_forum, leave):
    from eventhub.audit.services import Actor
    from eventhub.registration import services

    registration = make_registration(seoul_forum)
    _calendar, invited = parse(registration)
    if leave == "cancel":
        services.cancel(registration)
    else:
        services.reject(registration, Actor("organiser@example.org"))
    calendar = cancel_attachment(registration)
    [withdrawn] = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "CANCEL" and withdrawn["STATUS"] == "CANCELLED"
    assert withdrawn["UID"] == invited["UID"]
    assert withdrawn["SEQUENCE"] > invited["SEQUENCE"]
    assert calendar.get_missing_tzids() == set()


def test_someone_who_never_had_a_place_gets_no_withdrawal(seoul_forum):
    from eventhub.registration import services

    seoul_forum.capacity = 1
    make_registration(seoul_forum)
    waiting = make_registration(seoul_forum)
    services.cancel(waiting)
    assert last_message(waiting).attachments == []


def test_coming_back_sends_an_invitation_that_outranks_the_withdrawal(browser, seoul_forum):
    from eventhub.registration import services

    registration = make_registration(seoul_forum, email="back@example.org")
    services.cancel(registration)
    [withdrawn] = cancel_attachment(registration).walk("VEVENT")
    again = make_registration(seoul_forum, email="back@example.org")
    assert again.id == registration.id
    _calendar, invited = parse(again)
    assert invited["UID"] == withdrawn["UID"] and invited["SEQUENCE"] > withdrawn["SEQUENCE"]


def test_an_event_with_a_contact_is_the_organizer_so_questions_from_the_calendar_reach_the_organisers(app):
    forum = open_event(title="Foro Urbano de Bogotá", contact_email="foro@bogota.example.org")
    _calendar, entry = parse(make_registration(forum))
    organizer = entry["ORGANIZER"]
    assert organizer == "mailto:foro@bogota.example.org" and organizer.params["CN"] == "Foro Urbano de Bogotá"
