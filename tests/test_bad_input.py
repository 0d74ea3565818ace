"""Bad input gets a clear message and changes nothing: never an error page, never a corrupt record.

Each case below was reproduced against the earlier code (a 500, or a record that then broke other pages).
"""
import html
from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select

from eventhub.core.transaction import atomic
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage
from eventhub.mail.sender import build_email
from eventhub.members.models import Organisation
from eventhub.registration.models import Registration
from tests.factories import make_event, make_organisation, make_registration, make_token, open_event, publish_agenda
from tests.test_events_pages import form_data

HUGE = "9" * 30


def text(response) -> str:
    """The page as a person reads it (entities decoded)."""
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("path", ["/members/", "/manage/events/", "/manage/events/{slug}/registrations"])
@pytest.mark.parametrize("page", [HUGE, "-3", "two", "1e9"])
def test_any_page_number_shows_a_page_of_the_list(organiser_browser, path, page):
    event = open_event(title="Bonn Summit")
    make_organisation(name="Bonn")
    make_registration(event, full_name="Ana Souza")
    response = organiser_browser.get(path.format(slug=event.slug), query_string={"page": page})
    assert response.status_code == 200
    assert {"/members/": "Bonn", "/manage/events/": "Bonn Summit"}.get(path, "Ana Souza") in text(response)


@pytest.mark.parametrize("title", ["Bonn\r\nBcc: everyone@example.org", "Bonn\nSummit", "Bonn\rSummit"])
def test_a_line_break_in_an_event_title_is_refused_on_the_form(organiser_browser, title):
    response = organiser_browser.post("/manage/events/new", form_data(title=title))
    assert response.status_code == 200 and "Keep this on one line." in text(response)
    assert db.session.scalar(select(Event)) is None


def test_a_line_break_in_a_title_is_refused_by_the_api(client, organiser):
    headers = {"Authorization": f"Bearer {make_token(organiser)[1]}"}
    event = publish_agenda(open_event())
    body = {"kind": "congress", "title": "Bonn\r\nSummit", "timezone": "Europe/Berlin",
            "start": "2027-06-15T09:00:00", "end": "2027-06-17T18:00:00"}
    refused = client.post("/api/v1/events", json=body, headers=headers)
    assert refused.status_code == 422 and refused.json["errors"]["json"]["title"] == ["Keep this on one line."]
    session = {"title": "Opening\nplenary", "start": "2027-06-15T09:00:00", "end": "2027-06-15T10:00:00"}
    refused = client.post(f"/api/v1/events/{event.slug}/sessions", json=session, headers=headers)
    assert refused.status_code == 422 and "title" in refused.json["errors"]["json"]


def test_a_title_saved_before_line_breaks_were_refused_still_downloads_and_mails(client):
    """Rows written by the earlier code keep working: the calendar and the e-mail take the title on one line."""
    event = publish_agenda(open_event())
    person = make_registration(event)
    event.title = "Bonn\r\nSummit"  # as the earlier code let it through
    db.session.commit()
    response = client.get(f"/events/{event.slug}/event.ics")
    assert response.status_code == 200
    assert "Bonn" in Calendar.from_ical(response.data).walk("VEVENT")[0]["SUMMARY"]
    with atomic():
        from eventhub.registration.notifications import notify

        notify(person, "manage_link")
    message = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert "\n" not in message.subject and "Bonn Summit" in message.subject
    assert "Bonn Summit" in build_email(message)["Subject"]


@pytest.mark.parametrize("start", ["0001-01-01T09:00", "9999-06-15T09:00", "1850-06-15T09:00"])
def test_an_event_outside_a_sane_range_of_years_is_refused(organiser_browser, start):
    response = organiser_browser.post("/manage/events/new", form_data(start=start))
    assert response.status_code == 200
    assert "Give a date between the years 1900 and 2200." in text(response)
    assert db.session.scalar(select(Event)) is None


def test_a_session_in_year_one_is_refused_on_the_timetable(organiser_browser):
    event = make_event(status="draft")
    url = f"/manage/events/{event.slug}/agenda/sessions/new"
    response = organiser_browser.post(url, {"title": "Opening", "start": "0001-01-01T09:00", "end": "0001-01-01T10:00",
                                            "status": "draft", "language": "en"})
    assert response.status_code == 200 and "Give a date between the years 1900 and 2200." in text(response)


@pytest.mark.parametrize("typed, stored", [
    ("Ali\u202eexe.gpj", "Aliexe.gpj"),  # right-to-left override: shown reversed in the lists
    ("\u2066Bob\u2069 Smith", "Bob Smith"),  # isolates
    ("Zo\u200be\ufeff", "Zoe"),  # zero-width space and a stray BOM
    ("Ma\x07ria\x1b", "Maria"),  # control characters pasted from a terminal
])
def test_invisible_controls_are_dropped_from_names_at_the_input(client, typed, stored):
    event = open_event()
    make_registration(event, full_name=typed, organisation_name=f"City of {typed}")
    registration = db.session.scalar(select(Registration))
    assert (registration.full_name, registration.organisation_name) == (stored, f"City of {stored}")
    make_organisation(name=typed, country="DE")
    assert db.session.scalar(select(Organisation.name)) == stored


def test_joiners_that_spell_words_are_kept():
    """ZWNJ spells Persian and ZWJ Indic scripts; LRM/RLM only nudge punctuation: none of them is stripped."""
    for name in ("می\u200cخواهم", "क्\u200dष", "Cairo \u200fالقاهرة"):
        make_organisation(name=name, country="IR")
    assert set(db.session.scalars(select(Organisation.name))) == {"می\u200cخواهم", "क्\u200dष", "Cairo \u200fالقاهرة"}


def test_the_event_form_shows_every_problem_at_once(organiser_browser):
    """The form's own checks (a missing title, a number that is no number) and the rules behind it (the
    registration window, the coordinates) used to take a round each."""
    response = organiser_browser.post("/manage/events/new", form_data(
        title="", capacity="lots", latitude="52.5", registration_opens="2027-06-10T09:00",
        registration_closes="2027-06-20T09:00"))
    page = text(response)
    assert response.status_code == 200
    for message in ("This field is required.", "Not a valid integer value.",
                    "Give both latitude and longitude, or neither.",
                    "Registration cannot close after the event has ended."):
        assert message in page, message
    assert 'value="52.5"' in page  # nothing typed is lost
    assert db.session.scalar(select(Event)) is None


def test_the_member_form_shows_the_duplicate_with_the_other_problems(organiser_browser):
    make_organisation(name="Bonn", country="DE")
    response = organiser_browser.post("/members/new", {"name": "Bonn", "kind": "city", "country": "DE",
                                                       "website": "not a url", "status": "member"})
    page = text(response)
    assert "Bonn (DE) is already in the member records." in page and "is not a web address" in page


def test_a_room_form_shows_the_duplicate_name_with_a_bad_capacity(organiser_browser):
    event = make_event(status="draft")
    url = f"/manage/events/{event.slug}/agenda/rooms"
    assert organiser_browser.post(url, {"name": "Sala Ipê", "capacity": "40"}).status_code == 302
    page = text(organiser_browser.post(url, {"name": "sala ipê", "capacity": "-1"}))
    assert "“Sala Ipê” already exists." in page and "Number must be at least 0." in page


@pytest.mark.parametrize("value", ["abc", HUGE, "-1", "1.5"])
def test_ids_that_cannot_be_ids_are_field_errors(client, value):
    event = open_event()
    response = client.get(f"/events/{event.slug}/register")
    assert response.status_code == 200
    from eventhub.core.errors import ValidationError
    from eventhub.registration.cleaning import clean_registration

    with pytest.raises(ValidationError) as refused:
        clean_registration(event, {"full_name": "Ana", "email": "ana@example.org", "organisation_id": value}, True)
    assert "organisation_id" in refused.value.errors


def test_organiser_urls_with_impossible_ids_are_not_found(organiser_browser):
    event = open_event()
    for url in (f"/members/{HUGE}", f"/manage/events/{event.slug}/registrations/{HUGE}",
                f"/manage/events/{event.slug}/agenda/rooms/{HUGE}", f"/members/networks/{HUGE}/edit"):
        assert organiser_browser.get(url).status_code == 404, url


def test_numbers_beyond_the_columns_are_refused(organiser_browser):
    response = organiser_browser.post("/manage/events/new", form_data(capacity=HUGE))
    assert response.status_code == 200 and db.session.scalar(select(Event)) is None
    response = organiser_browser.post("/members/new", {"name": "Bonn", "kind": "city", "country": "DE",
                                                       "population": "99 999 999 999", "status": "member"})
    assert response.status_code == 200 and "At most" in text(response)


def test_times_are_still_read_in_the_event_zone():
    """The range check sits before the conversion: ordinary dates keep their meaning."""
    event = make_event(timezone="Pacific/Kiritimati", start="2027-01-01T00:30", end="2027-01-02T00:30")
    assert event.start_at == datetime(2026, 12, 31, 10, 30, tzinfo=UTC)
