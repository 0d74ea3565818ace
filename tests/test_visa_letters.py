"""Invitation letters for visas: requested through the manage link, stored encrypted, seen and decided only by
organisers, printed with the person's name and a QR code an embassy checks at a public URL, erased after the event."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from eventhub.audit.models import AuditEntry
from eventhub.audit.services import SYSTEM
from eventhub.core.transaction import atomic
from eventhub.core.types import utcnow
from eventhub.extensions import db
from eventhub.letters import crypto
from eventhub.letters.models import VisaLetter
from eventhub.registration import retention
from eventhub.registration.services import cancel
from tests.badge_support import page_texts, scanned_codes
from tests.factories import last_message, make_registration, make_user, open_event

PASSPORT = "X9K42Q7731"
NAME = "Nguyễn Thị Minh Khai"
DETAILS = {"passport_name": NAME, "nationality": "VN", "passport_number": PASSPORT, "birth_date": "1984-03-09",
           "embassy": "Consulate General, Ho Chi Minh City"}


@pytest.fixture
def event():
    return open_event(title="Cities for Climate Congress", capacity=100, venue_name="Centro de Convenções")


@pytest.fixture
def alice(event):
    return make_registration(event, full_name="Minh Khai Nguyen", email="minh@example.org")


@pytest.fixture
def bongani(event):
    return make_registration(event, full_name="Bongani Dlamini", email="bongani@example.org")


def letter_url(registration) -> str:
    return f"/registrations/{registration.manage_token}/visa-letter"


def only_letter() -> VisaLetter:
    letters = list(db.session.scalars(select(VisaLetter)))
    assert len(letters) == 1
    return letters[0]


def sign_letters(organiser_browser, event):
    response = organiser_browser.post(f"/manage/events/{event.slug}/visa-letters/settings", {
        "signatory_name": "Ana Lúcia Ferreira", "signatory_title": "Secretary General",
        "organisation": "Network of Cities", "letterhead": "Rua Líbero Badaró 425, São Paulo"})
    assert response.status_code == 302


def approved(browser, organiser, event, registration) -> VisaLetter:
    """The registration's request, approved by an organiser."""
    assert browser.post(letter_url(registration), DETAILS).status_code == 302
    browser.login(organiser)
    sign_letters(browser, event)
    letter = only_letter()
    response = browser.post(f"/manage/events/{event.slug}/visa-letters/{letter.id}/approve")
    assert response.status_code == 302
    browser.logout()
    db.session.refresh(letter)
    return letter


def test_a_request_is_stored_encrypted_and_never_in_the_trail_nor_the_logs(browser, alice, caplog):
    caplog.set_level("DEBUG")
    response = browser.post(letter_url(alice), DETAILS)
    assert response.status_code == 302
    assert caplog.records and PASSPORT not in caplog.text and NAME not in caplog.text
    sealed, holder = db.session.execute(text("SELECT sealed, holder_name FROM visa_letters")).one()
    assert holder is None  # the name too stays sealed until a letter is issued
    for secret in (PASSPORT, "1984-03-09", "Consulate General", "passport", "nationality"):
        assert secret not in sealed
    # Sealed, not thrown away: the key opens it again.
    assert crypto.unseal(sealed)["passport_number"] == PASSPORT
    assert only_letter().status == "requested"
    trail = " ".join(str(entry.changes) for entry in db.session.scalars(select(AuditEntry)))
    assert PASSPORT not in trail and "1984" not in trail
    assert "visa_letter.requested" in {entry.action for entry in db.session.scalars(select(AuditEntry))}
    page = browser.get(letter_url(alice)).get_data(as_text=True)
    assert "organisers will tell you" in page and PASSPORT not in page


def test_bad_input_is_refused_with_messages_and_stores_nothing(browser, alice):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = browser.post(letter_url(alice), {**DETAILS, "passport_name": " ", "nationality": "XX",
                                                "passport_number": "AB-12/3", "birth_date": tomorrow})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This field is required." in page or "Please fill this in." in page
    assert "Not a valid choice" in page
    assert "only letters and digits" in page
    assert "cannot be right" in page
    assert db.session.scalar(select(VisaLetter)) is None


def test_only_confirmed_participants_can_ask(browser, event):
    pending = make_registration(event)
    with atomic():
        cancel(pending, SYSTEM)
    response = browser.post(letter_url(pending), DETAILS)
    assert "Only confirmed participants" in response.get_data(as_text=True)
    assert db.session.scalar(select(VisaLetter)) is None


def test_a_second_request_while_one_is_open_is_refused(browser, alice):
    browser.post(letter_url(alice), DETAILS)
    browser.post(letter_url(alice), {**DETAILS, "passport_number": "OTHER123"})
    assert only_letter().status == "requested"


def test_without_a_key_nothing_is_stored(app, browser, alice):
    app.config["VISA_LETTER_KEY"] = None
    try:
        assert "encryption key" in browser.get(letter_url(alice)).get_data(as_text=True)
        response = browser.post(letter_url(alice), DETAILS)
        assert "encryption key" in response.get_data(as_text=True)
    finally:
        app.config["VISA_LETTER_KEY"] = "test-visa-letter-key"
    assert db.session.scalar(select(VisaLetter)) is None


def test_only_organisers_see_the_passport_details(browser, organiser, event, alice):
    browser.post(letter_url(alice), DETAILS)
    url = f"/manage/events/{event.slug}/visa-letters"
    assert "/auth/login" in browser.get(url).headers["Location"]
    browser.login(make_user(roles=["checkin"]))
    assert browser.get(url).status_code == 403
    browser.logout()
    browser.login(organiser)
    response = browser.get(url)
    page = response.get_data(as_text=True)
    assert PASSPORT in page and NAME in page and "Consulate General" in page
    assert "no-store" in response.headers["Cache-Control"]


def test_an_approved_letter_prints_the_name_and_a_qr_code_of_its_public_check(browser, organiser, event, alice):
    with atomic():
        alice.locale = "fr"
    letter = approved(browser, organiser, event, alice)
    assert letter.status == "approved" and letter.code.startswith("VL-")
    response = browser.get(f"/registrations/{alice.manage_token}/visa-letter.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.get_data()
    words = page_texts(pdf)[0]
    for expected in (NAME, PASSPORT, "Ana Lúcia Ferreira", "Secretary General", "Cities for Climate Congress",
                     "Consulate General, Ho Chi Minh City", letter.code):
        assert expected in words
    assert scanned_codes(pdf) == [[f"http://127.0.0.1:5000/letters/{letter.code}"]]
    message = last_message(alice)
    assert "Bonjour" in message.text_body and f"/registrations/{alice.manage_token}/visa-letter" in message.text_body
    assert PASSPORT not in message.text_body


def test_the_public_check_shows_name_event_and_validity_and_nothing_sensitive(browser, organiser, event, alice):
    letter = approved(browser, organiser, event, alice)
    response = browser.get(f"/letters/{letter.code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert NAME in page and "Cities for Climate Congress" in page and "Valid" in page
    for sensitive in (PASSPORT, "1984", "Consulate General", "Vietnam", "Viet Nam", "minh@example.org"):
        assert sensitive not in page
    assert browser.get("/letters/VL-AAAAAAAAAAAAAAAA").status_code == 404


def test_a_request_that_is_not_approved_has_no_public_check_nor_download(browser, alice):
    browser.post(letter_url(alice), DETAILS)
    assert browser.get(f"/registrations/{alice.manage_token}/visa-letter.pdf").status_code == 404


def test_another_persons_link_can_neither_see_nor_download_the_letter(browser, organiser, event, alice, bongani):
    approved(browser, organiser, event, alice)
    page = browser.get(letter_url(bongani)).get_data(as_text=True)
    assert "Download the letter" not in page
    assert browser.get(f"/registrations/{bongani.manage_token}/visa-letter.pdf").status_code == 404
    made_up = "Zm9yZ2VkLXRva2VuLTEyMzQ1Njc4OTAxMjM0NTY"
    assert browser.get(f"/registrations/{made_up}/visa-letter.pdf").status_code == 404
    assert browser.post(f"/registrations/{made_up}/visa-letter", DETAILS).status_code == 404
    assert len(list(db.session.scalars(select(VisaLetter)))) == 1


def test_an_organiser_of_another_event_cannot_decide_through_this_one(browser, organiser, event, alice):
    browser.post(letter_url(alice), DETAILS)
    other = open_event(title="Another congress")
    browser.login(organiser)
    sign_letters(browser, other)
    letter = only_letter()
    assert browser.post(f"/manage/events/{other.slug}/visa-letters/{letter.id}/approve").status_code == 404
    db.session.refresh(letter)
    assert letter.status == "requested"


def test_approving_needs_a_signatory(browser, organiser, event, alice):
    browser.post(letter_url(alice), DETAILS)
    browser.login(organiser)
    letter = only_letter()
    response = browser.post(f"/manage/events/{event.slug}/visa-letters/{letter.id}/approve", follow_redirects=True)
    assert "Name the person who signs" in response.get_data(as_text=True)
    db.session.refresh(letter)
    assert letter.status == "requested" and letter.code is None


def test_refusing_needs_a_reason_then_erases_the_details_and_tells_the_person(browser, organiser, event, alice):
    browser.post(letter_url(alice), DETAILS)
    browser.login(organiser)
    letter = only_letter()
    url = f"/manage/events/{event.slug}/visa-letters/{letter.id}/refuse"
    assert "Please say why" in browser.post(url, {"reason": " "}, follow_redirects=True).get_data(as_text=True)
    db.session.refresh(letter)
    assert letter.status == "requested"
    browser.post(url, {"reason": "The event is full for your delegation."})
    db.session.refresh(letter)
    assert letter.status == "refused" and letter.sealed is None and letter.code is None
    assert "The event is full for your delegation." in last_message(alice).text_body


def test_a_cancelled_registration_withdraws_its_letter(browser, organiser, event, alice):
    letter = approved(browser, organiser, event, alice)
    with atomic():
        cancel(alice, SYSTEM)
    db.session.refresh(letter)
    assert letter.status == "withdrawn" and letter.sealed is None
    assert "Withdrawn" in browser.get(f"/letters/{letter.code}").get_data(as_text=True)


def test_retention_erases_the_details_and_the_check_says_expired(browser, organiser, event, alice):
    letter = approved(browser, organiser, event, alice)
    with atomic():
        event.start_at, event.end_at = utcnow() - timedelta(days=5), utcnow() - timedelta(days=2)
    assert "Expired" in browser.get(f"/letters/{letter.code}").get_data(as_text=True)
    with atomic():
        retention.anonymise(event, SYSTEM)
    db.session.refresh(letter)
    assert letter.sealed is None and letter.holder_name is None and letter.erased_at is not None
    page = browser.get(f"/letters/{letter.code}").get_data(as_text=True)
    assert "Expired" in page and NAME not in page
    row = db.session.execute(text("SELECT sealed, holder_name FROM visa_letters")).one()
    assert tuple(row) == (None, None)


def test_a_fernet_key_is_used_as_it_is_and_any_other_secret_gives_a_key(app):
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    app.config["VISA_LETTER_KEY"] = key
    try:
        sealed = crypto.seal({"passport_number": PASSPORT})
        assert Fernet(key.encode()).decrypt(sealed.encode())
        app.config["VISA_LETTER_KEY"] = "another secret"
        assert crypto.unseal(sealed) is None
    finally:
        app.config["VISA_LETTER_KEY"] = "test-visa-letter-key"
    assert crypto.unseal(crypto.seal({"a": "ü"})) == {"a": "ü"}


def test_the_manage_page_and_the_organisers_event_page_link_to_the_letters(browser, organiser, event, alice):
    assert letter_url(alice) in browser.get(f"/registrations/{alice.manage_token}").get_data(as_text=True)
    browser.login(organiser)
    page = browser.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    assert f"/manage/events/{event.slug}/visa-letters" in page


def test_a_decided_request_is_not_decided_again(browser, organiser, event, alice):
    letter = approved(browser, organiser, event, alice)
    code = letter.code
    browser.login(organiser)
    base = f"/manage/events/{event.slug}/visa-letters/{letter.id}"
    response = browser.post(f"{base}/approve", follow_redirects=True)
    assert "decided already" in response.get_data(as_text=True)
    browser.post(f"{base}/refuse", {"reason": "Changed our minds"})
    db.session.refresh(letter)
    assert letter.status == "approved" and letter.code == code and letter.refusal_reason is None


def test_the_letterhead_carries_the_events_logo(browser, organiser, event, alice):
    import io

    from PIL import Image
    from pypdf import PdfReader

    from eventhub.events.images import save_image

    logo = io.BytesIO()
    Image.new("RGB", (300, 120), (0, 90, 160)).save(logo, "PNG")
    with atomic():
        save_image(event, logo.getvalue(), "Congress logo", SYSTEM)
    approved(browser, organiser, event, alice)
    pdf = browser.get(f"/registrations/{alice.manage_token}/visa-letter.pdf").get_data()
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1


def test_after_a_key_rotation_the_old_key_still_reads_and_rekey_seals_everything_under_the_new(
        app, browser, alice, runner, monkeypatch):
    assert browser.post(letter_url(alice), DETAILS).status_code == 302
    under_old = only_letter().sealed
    monkeypatch.setitem(app.config, "VISA_LETTER_KEY", "the-new-visa-letter-key")
    assert crypto.unseal(under_old) is None  # the new key alone cannot read what the old one sealed
    monkeypatch.setitem(app.config, "VISA_LETTER_KEY_FALLBACKS", ["test-visa-letter-key"])
    assert crypto.unseal(under_old)["passport_number"] == PASSPORT  # the retired key still reads it

    result = runner.invoke(args=["letters", "rekey"])
    assert result.exit_code == 0, result.output
    assert "Sealed 1 visa letter requests under the current key; 0 no key could open." in result.output
    db.session.expire_all()
    resealed = only_letter().sealed
    assert resealed != under_old
    monkeypatch.setitem(app.config, "VISA_LETTER_KEY_FALLBACKS", [])  # the retired key dropped
    assert crypto.unseal(resealed)["passport_number"] == PASSPORT


def test_rekey_reports_requests_no_key_opens_and_fails(app, browser, alice, runner, monkeypatch):
    assert browser.post(letter_url(alice), DETAILS).status_code == 302
    monkeypatch.setitem(app.config, "VISA_LETTER_KEY", "a-key-that-never-sealed-anything")
    result = runner.invoke(args=["letters", "rekey"])
    assert result.exit_code == 1
    assert "0 visa letter requests" in result.output and "1 no key could open" in result.output
