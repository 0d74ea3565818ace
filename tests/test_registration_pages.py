"""The public registration form, the organisation type-ahead and the personal manage page."""
import html
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage
from eventhub.registration.models import Registration
from tests.factories import (confirm_from_mail, last_message, make_event, make_network, make_organisation, make_question,
                             make_registration, open_event)

NAMES = ["Łucja Wiśniewska", "Дмитрий", "서지원", "محمد"]


def form(**values) -> dict:
    """A complete registration form as a browser sends it (unticked boxes are simply absent)."""
    data = {"full_name": "Ana Lima", "email": "ana@example.org", "position": "Mayor", "organisation": "",
            "organisation_id": "", "organisation_name": "", "category": "delegate", "privacy_consent": "y"}
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


def text(response) -> str:
    """The page as a person reads it: entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def field_error(page: str, field_id: str) -> str:
    """The error shown right after a field, or '' when there is none."""
    match = re.search(rf'<small id="{re.escape(field_id)}-errors"[^>]*>(.*?)</small>', page, re.S)
    return html.unescape(match.group(1)) if match else ""


def input_value(page: str, field_id: str) -> str:
    """The value a text input is rendered with."""
    tag = re.search(rf'<input[^>]*\bid="{re.escape(field_id)}"[^>]*>', page).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return html.unescape(value.group(1)) if value else ""


def registration(email: str) -> Registration:
    """The stored registration, as the database has it now."""
    db.session.expire_all()
    return db.session.scalar(select(Registration).where(Registration.email == email))


def outbox_count(recipient: str) -> int:
    """Messages queued for one address."""
    query = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.recipient == recipient)
    return db.session.scalar(query)


def register(browser, event, **values):
    """Send the registration form."""
    return browser.post(f"/events/{event.slug}/register", form(**values))


@pytest.fixture
def sao_paulo():
    return make_organisation(name="São Paulo", local_name="Prefeitura de São Paulo", country="BR")


@pytest.fixture
def seoul():
    return make_organisation(name="Seoul", local_name="서울특별시", country="KR")


# --- Registering -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_a_visitor_registers_and_lands_on_their_manage_page(browser, sao_paulo, name):
    event = open_event(capacity=10)
    page = text(browser.get(f"/events/{event.slug}/register"))
    assert 'name="full_name"' in page and "organisation-picker.js" in page and 'id="position-suggestions"' in page

    response = register(browser, event, full_name=name, organisation="São Paulo", organisation_id=str(sao_paulo.id))
    # No private link before the address is proven: the page says to check the e-mail.
    assert response.status_code == 302 and response.location.endswith(f"/events/{event.slug}/register/check-your-email")
    assert "We have sent a message to ana@example.org" in text(browser.get(response.location))
    assert registration("ana@example.org").status == "unconfirmed" and outbox_count("ana@example.org") == 1

    confirmed = confirm_from_mail(browser, "ana@example.org")
    saved = registration("ana@example.org")
    assert confirmed.status_code == 302 and confirmed.location.endswith(f"/registrations/{saved.manage_token}")
    assert (saved.full_name, saved.status, saved.organisation_id) == (name, "confirmed", sao_paulo.id)
    manage = text(browser.get(confirmed.location))
    assert "your place is confirmed" in manage and name in manage
    assert input_value(manage, "full_name") == name
    assert outbox_count("ana@example.org") == 2


def test_a_full_event_waitlists_and_shows_the_position(browser):
    event = open_event(capacity=1)
    make_registration(event)
    register(browser, event, email="first@example.org", organisation_name="Villa Nueva", not_listed="y")
    register(browser, event, email="second@example.org", organisation_name="Villa Nueva", not_listed="y")
    confirm_from_mail(browser, "first@example.org")
    response = confirm_from_mail(browser, "second@example.org")
    second = registration("second@example.org")
    assert second.status == "waitlisted"
    page = text(browser.get(response.location))
    assert "you are number 2 on the waiting list" in page
    assert "On the waiting list</mark> (number 2)" in page


def test_non_members_wait_for_approval_when_the_event_says_so(browser):
    event = open_event(non_member_policy="approve")
    register(browser, event, not_listed="y", organisation_name="Ciudad Nueva")
    response = confirm_from_mail(browser, "ana@example.org")
    saved = registration("ana@example.org")
    assert (saved.status, saved.organisation_id, saved.organisation_name) == ("pending", None, "Ciudad Nueva")
    assert "awaits approval by the organisers" in text(browser.get(response.location))


def test_a_network_meeting_explains_why_an_outsider_cannot_register(browser, sao_paulo):
    outsider = make_organisation(name="Lisboa", country="PT")
    network = make_network("Cities for Climate", members=[sao_paulo])
    event = open_event(kind="network_meeting", network_id=network.id)
    response = register(browser, event, full_name="Łucja Wiśniewska", organisation="Lisboa",
                        organisation_id=str(outsider.id))
    page = text(response)
    assert response.status_code == 200 and registration("ana@example.org") is None
    explanation = "open only to members of Cities for Climate, and Lisboa is not one of them"
    assert explanation in page.split("<form")[0] and explanation in field_error(page, "organisation")
    assert input_value(page, "full_name") == "Łucja Wiśniewska" and input_value(page, "organisation") == "Lisboa"


def test_registering_a_registered_address_again_answers_as_for_a_new_one_and_mails_its_owner(browser):
    """The form must not tell anyone who is registered: same page, and the owner gets their link."""
    event = open_event()
    register(browser, event, email="ana@example.org", not_listed="y", organisation_name="Villa")
    confirm_from_mail(browser, "ana@example.org")
    before = outbox_count("ana@example.org")
    again = register(browser, event, email="ANA@Example.org", full_name="Ana Again", not_listed="y",
                     organisation_name="Villa")
    new = register(browser, event, email="bea@example.org", full_name="Bea", not_listed="y", organisation_name="Villa")
    assert again.status_code == new.status_code == 302 and again.location == new.location
    assert "already registered" not in text(browser.get(again.location))
    assert outbox_count("ana@example.org") == before + 1
    assert "Here is the link to your registration" in last_message("ana@example.org").text_body
    assert registration("ana@example.org").full_name == "Ana Lima"  # nothing changed by the second form

    before = outbox_count("ana@example.org")
    answer = browser.post(f"/events/{event.slug}/resend", {"email": "ANA@example.org"}, follow_redirects=True)
    assert outbox_count("ana@example.org") == before + 1
    unknown = browser.post(f"/events/{event.slug}/resend", {"email": "nobody@example.org"}, follow_redirects=True)
    assert outbox_count("nobody@example.org") == 0
    # The same answer either way, so nobody can find out who is registered.
    neutral = "its manage link is on its way to that address"
    assert neutral in text(answer) and neutral in text(unknown)


def test_an_organisation_over_its_quota_is_told_next_to_the_organisation(browser, sao_paulo):
    event = open_event(delegate_quota=1)
    make_registration(event, organisation_id=sao_paulo.id, organisation_name=None)
    page = text(register(browser, event, organisation="São Paulo", organisation_id=str(sao_paulo.id)))
    assert "at most 1 delegates per organisation" in field_error(page, "organisation")
    assert registration("ana@example.org") is None


def test_a_closed_registration_shows_why_and_no_form(browser):
    soon = datetime.now(timezone.utc) + timedelta(days=2)
    event = make_event(registration_opens=soon)
    page = text(browser.get(f"/events/{event.slug}/register"))
    assert "Registration has not opened yet." in page and 'name="full_name"' not in page
    register(browser, event, not_listed="y", organisation_name="Villa")
    assert registration("ana@example.org") is None


def test_the_event_page_invites_to_register_or_says_why_not(client):
    open_now = open_event()
    assert f'href="/events/{open_now.slug}/register"' in client.get(f"/events/{open_now.slug}").get_data(as_text=True)
    later = make_event(registration_opens=datetime.now(timezone.utc) + timedelta(days=2))
    page = text(client.get(f"/events/{later.slug}"))
    assert "Registration has not opened yet." in page and f"/events/{later.slug}/register" not in page


def test_categories_are_limited_to_the_public_ones_and_hidden_when_only_one(browser):
    single = open_event()
    assert '<select id="category"' not in browser.get(f"/events/{single.slug}/register").get_data(as_text=True)
    several = open_event(public_categories="delegate,press")
    page = browser.get(f"/events/{several.slug}/register").get_data(as_text=True)
    assert 'value="press"' in page and 'value="staff"' not in page
    response = register(browser, several, category="staff", not_listed="y", organisation_name="Villa")
    assert "Choose one of: delegate, press." in field_error(text(response), "category")
    register(browser, several, category="press", not_listed="y", organisation_name="Villa")
    assert registration("ana@example.org").category == "press"


# --- Custom questions --------------------------------------------------------------------------


@pytest.fixture
def questioned_event():
    event = open_event()
    for data in (
        {"key": "arrival", "label": "Arrival date", "kind": "short_text", "required": True,
         "help_text": "As on your ticket."},
        {"key": "access", "label": "Accessibility needs", "kind": "long_text"},
        {"key": "diet", "label": "Diet", "kind": "single_choice", "options": ["Vegan", "Halal", "None"],
         "required": True},
        {"key": "language", "label": "Interpretation", "kind": "multiple_choice",
         "options": ["English", "한국어", "العربية"], "required": True},
        {"key": "photos", "label": "I agree to be photographed", "kind": "checkbox", "required": True},
        {"key": "country", "label": "Country of residence", "kind": "country"},
    ):
        make_question(event, data)
    return event


def test_every_kind_of_question_is_asked_with_its_required_marks(browser, questioned_event):
    page = text(browser.get(f"/events/{questioned_event.slug}/register"))
    assert re.search(r'<textarea[^>]*id="answer_access"', page)
    assert 'type="radio"' in page and 'value="Halal"' in page
    assert re.search(r'<input[^>]*type="checkbox"[^>]*value="한국어"', page)
    assert re.search(r'<input[^>]*id="answer_photos"[^>]*type="checkbox"', page)
    assert re.search(r'<select[^>]*id="answer_country"', page) and 'value="KR"' in page
    assert "As on your ticket." in page and "Arrival date <span aria-hidden=\"true\">*</span>" in page


def test_missing_required_answers_are_shown_next_to_each_question(browser, questioned_event):
    page = text(register(browser, questioned_event, not_listed="y", organisation_name="Villa", full_name="서지원",
                         answer_access="Ramp"))
    assert field_error(page, "answer_arrival") == "This question needs an answer."
    assert field_error(page, "answer_diet") == "This question needs an answer."
    assert field_error(page, "answer_language") == "Choose at least one."
    assert field_error(page, "answer_photos") == "Please tick this box."
    assert field_error(page, "answer_access") == ""
    assert input_value(page, "full_name") == "서지원" and re.search(r">\s*Ramp</textarea>", page)
    assert registration("ana@example.org") is None


def test_answers_of_every_kind_are_stored(browser, questioned_event):
    data = form(not_listed="y", organisation_name="Villa", answer_arrival="2027-06-14", answer_access="Ramp",
                answer_diet="Halal", answer_photos="y", answer_country="KR")
    data["answer_language"] = ["한국어", "العربية"]
    browser.post(f"/events/{questioned_event.slug}/register", data)
    assert registration("ana@example.org").answers == {
        "arrival": "2027-06-14", "access": "Ramp", "diet": "Halal", "language": ["한국어", "العربية"],
        "photos": True, "country": "KR",
    }


# --- The organisation without JavaScript -------------------------------------------------------


def test_typed_text_matching_one_record_is_used(browser, sao_paulo):
    event = open_event()
    register(browser, event, organisation="sao")
    assert registration("ana@example.org").organisation_id == sao_paulo.id


def test_typed_text_matching_several_records_offers_a_choice(browser):
    event = open_event()
    springfield = make_organisation(name="Springfield", country="US")
    make_organisation(name="Springvale", country="AU")
    page = text(register(browser, event, organisation="spring", full_name="Дмитрий"))
    assert "Several organisations match “spring”" in field_error(page, "organisation")
    assert re.search(rf'<input[^>]*name="organisation_choice"[^>]*value="{springfield.id}"', page)
    assert "Springvale" in page
    assert input_value(page, "full_name") == "Дмитрий" and registration("ana@example.org") is None

    register(browser, event, organisation="spring", organisation_choice=str(springfield.id))
    assert registration("ana@example.org").organisation_id == springfield.id


def test_typed_text_matching_nothing_offers_the_not_listed_name(browser):
    event = open_event()
    make_organisation(name="Springfield", country="US")
    page = text(register(browser, event, organisation="Atlantis"))
    assert "No member record matches “Atlantis”" in field_error(page, "organisation")
    assert input_value(page, "organisation_name") == "Atlantis" and 'id="not_listed"' in page
    register(browser, event, organisation="Atlantis", not_listed="y", organisation_name="Atlantis")
    saved = registration("ana@example.org")
    assert (saved.organisation_id, saved.organisation_name) == (None, "Atlantis")


def test_a_stale_picked_id_does_not_override_retyped_text(browser, sao_paulo, seoul):
    event = open_event()
    register(browser, event, organisation="Seoul", organisation_id=str(sao_paulo.id))
    assert registration("ana@example.org").organisation_id == seoul.id


def test_no_organisation_at_all_is_asked_for(browser):
    event = open_event()
    page = text(register(browser, event, full_name="", privacy_consent=None))
    assert "Choose your organisation" in field_error(page, "organisation")
    assert field_error(page, "full_name") == "This field is required."
    assert "privacy notice" in field_error(page, "privacy_consent")


# --- The type-ahead endpoint -------------------------------------------------------------------


def test_the_type_ahead_ignores_accents_and_finds_local_names(client, sao_paulo, seoul):
    event = open_event()
    found = client.get(f"/events/{event.slug}/organisations?q=sao").get_json()
    assert found == [
        {"id": sao_paulo.id, "name": "São Paulo", "local_name": "Prefeitura de São Paulo", "country": "BR"}]
    assert [o["name"] for o in client.get(f"/events/{event.slug}/organisations?q=서울").get_json()] == ["Seoul"]
    assert client.get(f"/events/{event.slug}/organisations?q=").get_json() == []


def test_the_type_ahead_answers_at_most_ten(client):
    event = open_event()
    for n in range(12):
        make_organisation(name=f"Villa {n:02d}")
    assert len(client.get(f"/events/{event.slug}/organisations?q=villa").get_json()) == 10


# --- The manage page ---------------------------------------------------------------------------


def test_the_manage_page_edits_details_and_answers(browser, questioned_event, seoul):
    person = make_registration(questioned_event, email="ana@example.org", answers={
        "arrival": "2027-06-14", "diet": "Vegan", "language": ["English"], "photos": True})
    url = f"/registrations/{person.manage_token}"
    page = text(browser.get(url))
    assert input_value(page, "answer_arrival") == "2027-06-14" and input_value(page, "organisation_name") == "Testville"
    data = form(full_name="محمد", email="Mohammed@Example.org", organisation="서울", answer_arrival="2027-06-15",
                answer_diet="Halal", answer_photos="y")
    data["answer_language"] = ["العربية"]
    response = browser.post(url, data)
    assert response.status_code == 302
    saved = registration("mohammed@example.org")
    assert (saved.full_name, saved.organisation_id, saved.organisation_name) == ("محمد", seoul.id, None)
    assert saved.answers["diet"] == "Halal" and saved.answers["language"] == ["العربية"]
    assert "Your changes are saved." in text(browser.get(url))


def test_the_manage_page_keeps_what_was_typed_when_something_is_wrong(browser):
    person = make_registration(open_event(), email="ana@example.org")
    url = f"/registrations/{person.manage_token}"
    data = form(full_name="Дмитрий", email="not-an-address", not_listed="y", organisation_name="Villa")
    page = text(browser.post(url, data))
    assert "is not an email address" in field_error(page, "email")
    assert input_value(page, "full_name") == "Дмитрий" and input_value(page, "email") == "not-an-address"
    assert registration("ana@example.org").full_name != "Дмитрий"


def test_cancelling_a_confirmed_place_promotes_the_first_on_the_waiting_list(browser):
    event = open_event(capacity=1)
    confirmed = make_registration(event, email="first@example.org")
    waiting = make_registration(event, email="second@example.org")
    later = make_registration(event, email="third@example.org")
    url = f"/registrations/{confirmed.manage_token}/cancel"
    assert "Yes, cancel this registration" in text(browser.get(url))
    unconfirmed = text(browser.post(url, {}))
    assert field_error(unconfirmed, "confirm") == "Tick the box to confirm."
    assert registration("first@example.org").status == "confirmed"

    response = browser.post(url, {"confirm": "y"})
    assert response.location.endswith(f"/registrations/{confirmed.manage_token}")
    assert [registration(e).status for e in ("first@example.org", "second@example.org", "third@example.org")] == [
        "cancelled", "confirmed", "waitlisted"]
    assert "number 1 on the waiting list" in text(browser.get(f"/registrations/{later.manage_token}"))
    page = text(browser.get(f"/registrations/{confirmed.manage_token}"))
    assert "This registration is cancelled." in page and 'name="full_name"' not in page
    assert waiting.manage_token not in page


# --- Not found, rate limits, headers ---------------------------------------------------------


def test_drafts_and_unknown_events_and_tokens_are_not_found(client):
    draft = make_event(status="draft", registration_opens=datetime.now(timezone.utc) - timedelta(days=1))
    for url in (f"/events/{draft.slug}/register", f"/events/{draft.slug}/organisations?q=a",
                "/events/no-such-event/register", "/registrations/not-a-token", "/registrations/not-a-token/cancel"):
        assert client.get(url).status_code == 404, url


def test_registration_posts_are_rate_limited_per_client(app, browser, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTRATION_RATE_LIMIT", "2 per minute")
    event = open_event()
    statuses = [
        register(browser, event, email=f"p{n}@example.org", not_listed="y", organisation_name="Villa").status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert browser.get(f"/events/{event.slug}/register").status_code == 200


def test_resending_is_rate_limited_too(app, browser, monkeypatch):
    monkeypatch.setitem(app.config, "RESEND_RATE_LIMIT", "1 per minute")
    event = open_event()
    assert browser.post(f"/events/{event.slug}/resend", {"email": "a@example.org"}).status_code == 302
    assert browser.post(f"/events/{event.slug}/resend", {"email": "a@example.org"}).status_code == 429


def test_manage_pages_send_no_referrer(client):
    person = make_registration(open_event())
    for url in (f"/registrations/{person.manage_token}", f"/registrations/{person.manage_token}/cancel",
                "/registrations/not-a-token"):
        response = client.get(url)
        assert response.headers["Referrer-Policy"] == "no-referrer", url
        assert "no-store" in response.headers["Cache-Control"]


def test_forms_need_their_csrf_token(client):
    event = open_event()
    response = client.post(f"/events/{event.slug}/register", data=form(not_listed="y", organisation_name="Villa"))
    assert response.status_code == 400 and registration("ana@example.org") is None


def test_while_the_organisation_is_being_chosen_every_other_problem_is_named_too(browser):
    event = open_event()
    make_organisation(name="Springfield", country="US"), make_organisation(name="Springvale", country="AU")
    page = text(register(browser, event, organisation="spring", email="not-an-address", privacy_consent=None))
    assert "Several organisations match “spring”" in field_error(page, "organisation")
    assert "is not an email address" in field_error(page, "email")
    assert "Please accept the privacy notice" in page
    assert registration("not-an-address") is None
