"""The organisers' contact (e-mail and phone) of an event: entered on the event form or through the API,
checked, audited, and shown on the event page. Its use in mails is in tests/test_mail.py."""
import re

import pytest
from sqlalchemy import select

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from tests.factories import make_event, make_token
from tests.test_events_pages import field_error, form_data, input_value, stored


@pytest.fixture
def headers(organiser):
    _token, secret = make_token(organiser, "tests")
    return {"Authorization": f"Bearer {secret}"}


def contact_entries(event_id: int) -> list[dict]:
    """The changes of the event's audit entries that touched its contact, oldest first."""
    query = select(AuditEntry).where(AuditEntry.subject_type == "event", AuditEntry.subject_id == event_id)
    changes = [entry.changes or {} for entry in db.session.scalars(query.order_by(AuditEntry.id))]
    return [{k: v for k, v in c.items() if k.startswith("contact_")} for c in changes
            if any(k.startswith("contact_") for k in c)]


def test_the_form_saves_the_contact_and_the_event_page_links_it(organiser_browser, client):
    data = form_data(contact_email="Congresso@SaoPaulo.SP.gov.br", contact_phone="0055 (11) 3396-1234")
    response = organiser_browser.post("/manage/events/new", data=data)
    assert response.status_code == 302
    event = stored("congresso-mundial-sao-paulo")
    # The domain is lower-cased by email-validator; "00" is written as the "+" it means.
    assert (event.contact_email, event.contact_phone) == ("Congresso@saopaulo.sp.gov.br", "+55 (11) 3396-1234")
    organiser_browser.post(f"/manage/events/{event.slug}/publish")
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    contact = re.search(r'<dd id="contact">(.*?)</dd>', page, re.S).group(1)
    assert 'href="mailto:Congresso@saopaulo.sp.gov.br"' in contact
    assert 'href="tel:+551133961234"' in contact and "+55 (11) 3396-1234" in contact


def test_the_edit_form_shows_the_contact_and_a_change_is_audited(organiser_browser):
    event = make_event(contact_email="forum@seoul.go.kr")
    page = organiser_browser.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    assert input_value(page, "contact_email") == "forum@seoul.go.kr"
    assert 'type="email"' in re.search(r'<input[^>]*id="contact_email"[^>]*>', page).group(0)
    assert 'type="tel"' in re.search(r'<input[^>]*id="contact_phone"[^>]*>', page).group(0)
    data = form_data(title=event.title, slug=event.slug, timezone=event.timezone,
                     contact_email="urban@seoul.go.kr", contact_phone="+82 2 120")
    page = organiser_browser.post(f"/manage/events/{event.slug}/edit", data=data).get_data(as_text=True)
    assert field_error(page, "contact_phone"), "7 digits at least: a 3-digit local hotline cannot be dialled"
    data["contact_phone"] = "+82 2-120-0000"
    assert organiser_browser.post(f"/manage/events/{event.slug}/edit", data=data).status_code == 302
    assert contact_entries(event.id)[-1] == {"contact_email": ["forum@seoul.go.kr", "urban@seoul.go.kr"],
                                             "contact_phone": [None, "+82 2-120-0000"]}


@pytest.mark.parametrize("field, value", [
    ("contact_email", "organisers at city hall"),
    ("contact_email", "info@localhost"),
    ("contact_email", "jörg@stadt.de"),  # a non-ASCII mailbox needs SMTPUTF8, which relays do not all speak
    ("contact_phone", "030 1234567"),  # no country code: cannot be dialled from abroad
    ("contact_phone", "+49 30 CALL-NOW"),
    ("contact_phone", "+1 555 0100 0199 4477 1234"),  # more digits than any number has
    ("contact_phone", "+49 30\n1234567"),
])
def test_a_bad_contact_is_refused_with_a_message_and_nothing_is_saved(organiser_browser, field, value):
    event = make_event(contact_email="before@example.org", contact_phone="+49 30 1234567")
    data = form_data(title=event.title, slug=event.slug, timezone=event.timezone, summary="Neu",
                     contact_email="before@example.org", contact_phone="+49 30 1234567")
    data[field] = value
    response = organiser_browser.post(f"/manage/events/{event.slug}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and field_error(page, field)
    assert "Nothing was saved" in page
    if "\n" not in value:
        assert input_value(page, field) == value, "what was typed comes back to be corrected"
    event = stored(event.slug)
    assert (event.summary, event.contact_email, event.contact_phone) == (None, "before@example.org", "+49 30 1234567")


def test_an_event_without_contact_says_so_to_its_organisers_and_shows_none_to_the_public(organiser_browser, client):
    event = make_event()
    page = organiser_browser.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    assert "has no contact e-mail yet" in page
    assert 'id="contact"' not in client.get(f"/events/{event.slug}").get_data(as_text=True)


def test_publishing_without_a_contact_is_allowed_but_reminds_the_organiser(organiser_browser):
    event = make_event(status="draft")
    page = organiser_browser.post(f"/manage/events/{event.slug}/publish", follow_redirects=True).get_data(as_text=True)
    assert stored(event.slug).status == "published"
    assert "Participants cannot reach you yet" in page


def test_names_in_any_script_and_idn_domains_survive(organiser_browser):
    data = form_data(title="Москва 2027", contact_email="info@москва.рф", contact_phone="+7 495 777-77-77")
    assert organiser_browser.post("/manage/events/new", data=data).status_code == 302
    assert stored("moskva-2027").contact_email == "info@москва.рф"


def test_the_api_reads_and_writes_the_contact(client, headers):
    event = make_event(contact_email="forum@seoul.go.kr")
    body = client.get(f"/api/v1/events/{event.slug}").json
    assert (body["contact_email"], body["contact_phone"]) == ("forum@seoul.go.kr", None)
    response = client.patch(f"/api/v1/events/{event.slug}", headers=headers,
                            json={"contact_email": "urban@seoul.go.kr", "contact_phone": "+82 2 2133 0000"})
    assert response.status_code == 200, response.json
    assert (response.json["contact_email"], response.json["contact_phone"]) == ("urban@seoul.go.kr", "+82 2 2133 0000")
    assert contact_entries(event.id)[-1]["contact_email"] == ["forum@seoul.go.kr", "urban@seoul.go.kr"]
    # Removing it is allowed (null), as on the form.
    response = client.patch(f"/api/v1/events/{event.slug}", headers=headers, json={"contact_phone": None})
    assert response.status_code == 200 and response.json["contact_phone"] is None


def test_the_api_refuses_a_bad_contact_naming_the_field(client, headers):
    event = make_event(contact_email="forum@seoul.go.kr")
    response = client.patch(f"/api/v1/events/{event.slug}", headers=headers,
                            json={"contact_email": "not an address", "contact_phone": "12", "title": "Changed"})
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"contact_email", "contact_phone"}
    assert stored(event.slug).title != "Changed"
    documented = client.get("/api/v1/openapi.json").json["components"]["schemas"]["Event"]["properties"]
    assert {"contact_email", "contact_phone"} <= set(documented)
