"""Every e-mail to a registrant is written in the registrant's language: the language of the form they used,
changeable on their manage page, whoever's request (or command) sends the message.

The catalogues are being filled separately, so most checks look at what a language gives without one:
Babel's month and day names, the mail's lang attribute, and the event's own texts in that language.
"""
import html
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import g
from icalendar import Calendar
from sqlalchemy import select

from eventhub.agenda import signups
from eventhub.audit.services import SYSTEM
from eventhub.core.errors import ValidationError
from eventhub.core.transaction import atomic
from eventhub.events.services import set_status
from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage
from eventhub.registration.models import Registration
from tests.conftest import Browser
from tests.factories import (confirm_from_mail, last_message, make_organisation, make_registration, make_workshop,
                             open_event, publish_agenda)


class LanguageBrowser(Browser):
    """A browser that asks for pages in one language (Accept-Language), as a visitor's does.

    The tests share one app context, where Flask-Babel keeps the locale it chose and Flask-WTF the
    CSRF token: both are dropped before each request, as a new request in production starts without them."""

    def __init__(self, client, language: str):
        super().__init__(client)
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language

    def get(self, *args, **kwargs):
        forget_request_state()
        return super().get(*args, **kwargs)

    def post(self, url, data=None, **kwargs):
        forget_request_state()
        data = dict(data or {})
        data.setdefault("csrf_token", self.token())
        forget_request_state()
        return self.client.post(url, data=data, **kwargs)


def forget_request_state() -> None:
    g.pop("_flask_babel", None)
    g.pop("csrf_token", None)


def next_june() -> datetime:
    """9:00 on 15 June next year, in São Paulo: a month whose name differs in every language."""
    return datetime(datetime.now(timezone.utc).year + 1, 6, 15, 12, tzinfo=timezone.utc)


@pytest.fixture
def event():
    """A congress in June whose main language is English, with a Portuguese and a French title."""
    start = next_june()
    return open_event(title="World Cities Congress", summary="Cities and climate", timezone="America/Sao_Paulo",
                      start=start, end=start + timedelta(days=3), capacity=100, language="en",
                      contact_email="congress@example.org",
                      translations={"pt_BR": {"title": "Congresso Mundial das Cidades",
                                              "summary": "Cidades e clima"},
                                    "fr": {"title": "Congrès mondial des villes"}})


@pytest.fixture
def recife():
    return make_organisation(name="Recife", country="BR")


def form(member, **values) -> dict:
    """The registration form as a browser sends it, with a member record picked."""
    data = {"full_name": "Joana Silva", "email": "joana@example.org", "position": "Prefeita",
            "organisation": member.name, "organisation_id": str(member.id), "category": "delegate",
            "privacy_consent": "y"}
    data.update(values)
    return data


def stored(email: str) -> Registration:
    db.session.expire_all()
    return db.session.scalar(select(Registration).where(Registration.email == email))


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def mails_to(email: str) -> list[OutboxMessage]:
    db.session.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.recipient == email).order_by(OutboxMessage.id)
    return list(db.session.scalars(query))


def invitation(message: OutboxMessage):
    """The calendar entry attached to a message."""
    [attachment] = [a for a in message.attachments if a["filename"].endswith(".ics")]
    return Calendar.from_ical(attachment["content"]).walk("VEVENT")[0]


def portuguese(msgid: str) -> str:
    """The Brazilian Portuguese catalogue's text for an English one (compiled by `make compile`)."""
    path = Path(__file__).resolve().parent.parent / "translations" / "pt_BR" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        translated = read_po(po, locale="pt_BR").get(msgid)
    assert translated is not None and translated.string, f"not translated yet: {msgid!r}"
    return translated.string


def assert_portuguese(message: OutboxMessage) -> None:
    """Written for a Portuguese reader: the lang attribute, Portuguese month names, the Portuguese title."""
    assert '<html lang="pt-BR">' in message.html_body
    assert "de jun. de" in message.text_body and "Jun " not in message.text_body
    assert "Congresso Mundial das Cidades" in message.subject
    assert message.sender_name == "Congresso Mundial das Cidades"
    assert "World Cities Congress" not in message.text_body + message.html_body


# --- A Brazilian delegate registers in Portuguese --------------------------------------------------------------


def test_a_brazilian_delegate_registers_in_portuguese_and_receives_portuguese_mails(app, event, recife):
    browser = LanguageBrowser(app.test_client(), "pt-BR,pt;q=0.9,en;q=0.5")
    browser.post(f"/events/{event.slug}/register", form(recife))
    assert stored("joana@example.org").locale == "pt_BR"

    [asking] = mails_to("joana@example.org")
    assert '<html lang="pt-BR">' in asking.html_body
    assert "Congresso Mundial das Cidades" in asking.subject and asking.sender_name == "Congresso Mundial das Cidades"

    confirm_from_mail(browser, "joana@example.org")
    confirmed = mails_to("joana@example.org")[-1]
    assert_portuguese(confirmed)
    title = "Congresso Mundial das Cidades"
    assert confirmed.subject == portuguese("Your registration for %(event)s is confirmed") % {"event": title}
    assert portuguese("Dear %(name)s,") % {"name": "Joana Silva"} in confirmed.text_body
    entry = invitation(confirmed)
    assert portuguese("Manage your registration: %(url)s").split("%")[0] in str(entry["DESCRIPTION"])
    assert str(entry["SUMMARY"]) == "Congresso Mundial das Cidades"
    assert entry["SUMMARY"].params["LANGUAGE"] == "pt-BR"
    assert str(entry["DESCRIPTION"]).startswith("Cidades e clima")
    assert entry["ORGANIZER"].params["CN"] == "Congresso Mundial das Cidades"


def test_an_organiser_working_in_english_writes_to_each_person_in_their_own_language(app, organiser, event, recife):
    event.non_member_policy = "approve"
    db.session.commit()
    brazilian = LanguageBrowser(app.test_client(), "pt-BR")
    brazilian.post(f"/events/{event.slug}/register", form(recife, organisation="", organisation_id="",
                                                          not_listed="y", organisation_name="Coletivo Recife"))
    confirm_from_mail(brazilian, "joana@example.org")
    assert stored("joana@example.org").status == "pending"

    desk = LanguageBrowser(app.test_client(), "en")
    desk.login(organiser)
    registration = stored("joana@example.org")
    desk.post(f"/manage/events/{event.slug}/registrations/{registration.id}/action", {"action": "approve"})
    assert stored("joana@example.org").status == "confirmed"
    assert_portuguese(mails_to("joana@example.org")[-1])


def test_a_delegation_is_written_to_in_the_language_of_the_heads_form(app, event, recife):
    browser = LanguageBrowser(app.test_client(), "fr-FR,fr;q=0.9")
    data = {"head_name": "Claire Martin", "head_email": "claire@example.org", "privacy_consent": "y",
            "organisation": recife.name, "organisation_id": str(recife.id)}
    for n, name in enumerate(("Luc", "Inès")):
        data.update({f"delegates-{n}-full_name": name, f"delegates-{n}-email": f"{name.lower()}@example.org",
                     f"delegates-{n}-category": "delegate"})
    browser.post(f"/events/{event.slug}/register/delegation", data)

    head = last_message("claire@example.org")
    assert '<html lang="fr">' in head.html_body and "Congrès mondial des villes" in head.subject
    confirm_from_mail(browser, "claire@example.org")
    for email in ("luc@example.org", "inès@example.org"):
        assert stored(email).locale == "fr"
        message = last_message(email)
        assert '<html lang="fr">' in message.html_body and "juin" in message.text_body
        assert message.sender_name == "Congrès mondial des villes"


# --- Organisers and the API --------------------------------------------------------------------------------------


def test_someone_an_organiser_registers_gets_the_events_main_language_unless_one_is_given():
    start = next_june()
    event = open_event(title="Congrès mondial", language="fr", start=start, end=start + timedelta(days=2))
    assert make_registration(event, email="a@example.org").locale == "fr"
    assert make_registration(event, email="b@example.org", locale="pt-BR").locale == "pt_BR"
    assert '<html lang="fr">' in last_message("a@example.org").html_body
    with pytest.raises(ValidationError) as refused:
        make_registration(event, email="c@example.org", locale="de")
    assert "locale" in refused.value.errors


# --- The manage page -------------------------------------------------------------------------------------------


def test_the_manage_page_changes_the_language_of_the_next_mails_only(app, event):
    registration = make_registration(event, email="ana@example.org")
    assert registration.locale == "en"
    browser = LanguageBrowser(app.test_client(), "en")
    manage = f"/registrations/{registration.manage_token}"
    assert "Language of your e-mails" in page(browser.get(manage))

    response = browser.post(f"{manage}/language", {"locale": "pt_BR"}, follow_redirects=True)
    assert "Português" in page(response)
    changed = stored("ana@example.org")
    assert changed.locale == "pt_BR"
    assert (changed.full_name, changed.status) == (registration.full_name, "confirmed")
    # The page keeps following the visitor's own language; the next mail is Portuguese.
    assert '<html lang="en"' in page(response)
    browser.post(f"/events/{event.slug}/resend", {"email": "ana@example.org"})
    latest = last_message("ana@example.org")
    assert '<html lang="pt-BR">' in latest.html_body and "Congresso Mundial das Cidades" in latest.subject


def test_a_language_not_offered_is_refused_with_a_message(app, event):
    registration = make_registration(event, email="ana@example.org")
    browser = LanguageBrowser(app.test_client(), "en")
    response = browser.post(f"/registrations/{registration.manage_token}/language", {"locale": "de"},
                            follow_redirects=True)
    assert "Choose one of: en, fr, es, pt_BR." in page(response)
    assert stored("ana@example.org").locale == "en"


def test_only_the_persons_own_link_changes_their_language(app, event):
    make_registration(event, email="ana@example.org")
    ivan = make_registration(event, email="ivan@example.org")
    browser = LanguageBrowser(app.test_client(), "en")
    assert browser.post("/registrations/not-a-token/language", {"locale": "fr"}).status_code == 404
    browser.post(f"/registrations/{ivan.manage_token}/language", {"locale": "fr"})
    assert (stored("ana@example.org").locale, stored("ivan@example.org").locale) == ("en", "fr")


def test_the_language_form_needs_its_csrf_token(app, event):
    registration = make_registration(event, email="ana@example.org")
    client = app.test_client()
    client.post(f"/registrations/{registration.manage_token}/language", data={"locale": "fr"})
    assert stored("ana@example.org").locale == "en"


# --- Mails sent without a request: the CLI, listeners, the agenda ---------------------------------------------------


def test_cancelling_the_event_outside_a_request_writes_to_each_person_in_their_language(event):
    make_registration(event, email="joana@example.org", locale="pt_BR")
    make_registration(event, email="claire@example.org", locale="fr")
    with atomic():
        set_status(event, "cancelled")
    joana, claire = last_message("joana@example.org"), last_message("claire@example.org")
    assert_portuguese(joana)
    assert invitation(joana)["STATUS"] == "CANCELLED"
    assert '<html lang="fr">' in claire.html_body and "juin" in claire.text_body
    assert claire.sender_name == "Congrès mondial des villes"


def test_workshop_mails_name_the_session_in_the_persons_language(event):
    publish_agenda(event)
    workshop = make_workshop(event, seats=1, title="Solar rooftops",
                             translations={"pt_BR": {"title": "Telhados solares"}})
    joana = make_registration(event, email="joana@example.org", locale="pt_BR")
    with atomic():
        signups.sign_up(workshop, joana, SYSTEM)
    message = last_message("joana@example.org")
    assert "Telhados solares" in message.subject and '<html lang="pt-BR">' in message.html_body
    assert "“Telhados solares”" in message.text_body and "“Solar rooftops”" not in message.text_body
    assert re.search(r"\bde jun\. de\b", message.text_body)


def test_organisers_see_the_language_a_person_is_written_to_in(organiser_browser, event):
    registration = make_registration(event, email="joana@example.org", locale="pt_BR")
    response = organiser_browser.get(f"/manage/events/{event.slug}/registrations/{registration.id}")
    assert re.search(r'<dt>Language of e-mails</dt>\s*<dd lang="pt-BR">Português</dd>', page(response))
