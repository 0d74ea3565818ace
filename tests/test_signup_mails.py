"""Short e-mails about a person's place in a workshop: signed up, on the waiting list, moved up, cancelled,
and the session cancelled (or brought back) by the organisers. Queued with the change, in its unit of work."""
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from eventhub.agenda import services as agenda
from eventhub.agenda import signups
from eventhub.agenda.models import SignUp
from eventhub.audit.services import SYSTEM
from eventhub.core.transaction import atomic
from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage
from eventhub.registration import services as registration_services
from tests.factories import make_registration, make_token, make_workshop, open_event, publish_agenda
from tests.test_agenda_personal import PersonBrowser, remember, signup_url


@pytest.fixture
def event():
    """A congress in São Paulo whose organisers can be reached; workshops start at 14:00 local (17:00 UTC)."""
    return publish_agenda(open_event(title="Congresso Mundial", timezone="America/Sao_Paulo", capacity=100,
                                     contact_email="congresso@prefeitura.sp.gov.br", contact_phone="+55 11 3396 1234"))


@pytest.fixture
def workshop(event):
    return make_workshop(event, seats=1, title="Telhados solares")


def people(event, *names):
    return [make_registration(event, full_name=name, email=f"p{n}@example.org") for n, name in enumerate(names)]


def mails_to(registration) -> list[OutboxMessage]:
    """Every message queued for the person, oldest first."""
    db.session.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.recipient == registration.email).order_by(OutboxMessage.id)
    return list(db.session.scalars(query))


def signup_mails(registration) -> list[OutboxMessage]:
    """The person's messages about sessions (not about their registration)."""
    return [m for m in mails_to(registration) if "Telhados solares" in m.subject]


def sign_up(session, registration) -> SignUp:
    with atomic():
        return signups.sign_up(session, registration, SYSTEM)


def test_a_sign_up_mails_the_place_with_the_session_time_room_links_and_contact(app, event, workshop):
    [ana] = people(event, "Ана Петрова")
    browser = PersonBrowser(app.test_client())
    remember(browser, ana)
    browser.post(signup_url(event, workshop))
    [message] = signup_mails(ana)
    assert message.subject == "You have a place in “Telhados solares”"
    assert (message.sender_name, message.reply_to) == ("Congresso Mundial", "congresso@prefeitura.sp.gov.br")
    text, html = message.text_body, message.html_body
    assert "Dear Ана Петрова," in text and "You have a place in “Telhados solares”." in text
    assert "2:00\u202fPM – 4:00\u202fPM" in text, "in the event's timezone, not UTC (5:00 PM)"
    assert "Where: Workshop room for Telhados solares" in text
    assert "Your place: Confirmed" in text
    assert f"/events/{event.slug}/sessions/{workshop.id}" in text and ana.manage_token in text
    assert "congresso@prefeitura.sp.gov.br · +55 11 3396 1234" in text
    assert '<a href="mailto:congresso@prefeitura.sp.gov.br">' in html and "Telhados solares" in html


def test_the_waiting_list_the_move_up_and_the_cancellation_each_send_a_short_mail(event, workshop):
    ana, ivan = people(event, "Ana", "Иван")
    first = sign_up(workshop, ana)
    sign_up(workshop, ivan)
    [waiting] = signup_mails(ivan)
    assert waiting.subject == "You are on the waiting list for “Telhados solares”"
    assert "at number 1." in waiting.text_body and "Your place: On the waiting list, number 1" in waiting.text_body

    with atomic():
        signups.cancel_signup(first, SYSTEM)
    cancelled = signup_mails(ana)[-1]
    assert cancelled.subject == "Your sign-up for “Telhados solares” is cancelled"
    assert "goes to the next person on the waiting list" in cancelled.text_body
    assert "please contact the organisers: congresso@prefeitura.sp.gov.br" in cancelled.text_body
    moved_up = signup_mails(ivan)[-1]
    assert moved_up.subject == "A place is free: you are in “Telhados solares”"
    assert "Your place: Confirmed" in moved_up.text_body


def test_leaving_the_waiting_list_says_so(event, workshop):
    ana, ivan = people(event, "Ana", "Иван")
    sign_up(workshop, ana)
    waiting = sign_up(workshop, ivan)
    with atomic():
        signups.cancel_signup(waiting, SYSTEM)
    assert "You are no longer on the waiting list for “Telhados solares”." in signup_mails(ivan)[-1].text_body
    assert len(signup_mails(ana)) == 1, "nobody moved up: the place was never free"


def test_signing_up_twice_sends_one_mail(event, workshop):
    [ana] = people(event, "Ana")
    sign_up(workshop, ana)
    sign_up(workshop, ana)
    assert len(signup_mails(ana)) == 1


def test_the_organisers_cancelling_the_session_tells_everyone_in_it_and_bringing_it_back_too(client, organiser, event,
                                                                                               workshop):
    ana, ivan, olga = people(event, "Ana", "Иван", "Olga")
    sign_up(workshop, ana)
    sign_up(workshop, ivan)
    left = sign_up(workshop, olga)
    with atomic():
        signups.cancel_signup(left, SYSTEM)
    _token, secret = make_token(organiser)
    headers = {"Authorization": f"Bearer {secret}"}
    response = client.patch(f"/api/v1/sessions/{workshop.id}", json={"status": "cancelled"}, headers=headers)
    assert response.status_code == 200, response.json
    for person in (ana, ivan):
        message = signup_mails(person)[-1]
        assert message.subject == "“Telhados solares” is cancelled"
        assert "the organisers have cancelled “Telhados solares”" in message.text_body
        assert "Your place: The session is cancelled" in message.text_body
    assert len(signup_mails(olga)) == 2, "no longer signed up: not told"

    # A title change while cancelled tells nobody; bringing it back tells both, with their places.
    assert client.patch(f"/api/v1/sessions/{workshop.id}", json={"title": "Telhados solares!"},
                        headers=headers).status_code == 200
    assert client.patch(f"/api/v1/sessions/{workshop.id}", json={"status": "scheduled"},
                        headers=headers).status_code == 200
    assert "Your place is kept for you." in signup_mails(ana)[-1].text_body
    assert "You are still on its waiting list, at number 1." in signup_mails(ivan)[-1].text_body
    assert [len(signup_mails(p)) for p in (ana, ivan, olga)] == [3, 3, 2]


def test_cancelling_a_session_reads_the_same_for_few_or_many_people(event, count_queries):
    """Only the messages themselves (a row each, inserted together on PostgreSQL) grow with the people signed
    up; the reads do not."""
    reads, messages = [], []
    for n, seats in enumerate((3, 12)):
        session = make_workshop(event, seats=seats, title=f"Telhados solares {n}", start=f"2099-01-0{n + 1}T10:00",
                                end=f"2099-01-0{n + 1}T11:00")
        for person in [make_registration(event) for _ in range(seats)]:
            sign_up(session, person)
        db.session.expire_all()
        with count_queries() as statements, atomic():
            agenda.save_session(event, {"status": "cancelled"}, SYSTEM, db.session.get(type(session), session.id))
        told = select(func.count()).where(OutboxMessage.subject == f"“Telhados solares {n}” is cancelled")
        messages.append(db.session.scalar(told))
        reads.append(sum(s.startswith("SELECT") for s in statements))
    assert messages == [3, 12]
    assert reads[0] == reads[1] <= 4, reads


def test_a_person_whose_registration_ends_gets_no_workshop_mail_but_the_next_in_line_moves_up(event, workshop):
    ana, ivan = people(event, "Ana", "Иван")
    sign_up(workshop, ana)
    sign_up(workshop, ivan)
    before = len(mails_to(ana))
    with atomic():
        registration_services.cancel(ana)
    [registration_cancelled] = mails_to(ana)[before:]
    assert "Your registration for Congresso Mundial is cancelled" == registration_cancelled.subject
    assert signup_mails(ivan)[-1].subject == "A place is free: you are in “Telhados solares”"


def test_no_mail_without_the_change_it_reports(event, workshop):
    [ana] = people(event, "Ana")
    with pytest.raises(RuntimeError), atomic():
        signups.sign_up(workshop, ana, SYSTEM)
        raise RuntimeError("something later in the same request fails")
    assert signup_mails(ana) == []
    assert db.session.scalar(select(func.count()).select_from(SignUp)) == 0


def test_an_organiser_signing_someone_up_through_the_api_mails_them_too(client, organiser, event, workshop):
    [ana] = people(event, "Ana")
    _token, secret = make_token(organiser)
    response = client.post(f"/api/v1/sessions/{workshop.id}/signups", json={"registration_id": ana.id},
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201, response.json
    assert [m.subject for m in signup_mails(ana)] == ["You have a place in “Telhados solares”"]


def test_a_workshop_that_moves_tells_its_people_the_new_time_and_a_second_move_replaces_the_unsent_mail(
        client, organiser, event, workshop):
    ana, ivan = people(event, "Ana", "Иван")
    sign_up(workshop, ana)
    sign_up(workshop, ivan)  # one seat: Иван waits
    headers = {"Authorization": f"Bearer {make_token(organiser)[1]}"}
    day = workshop.start_at.astimezone(ZoneInfo(event.timezone)).date()
    moved_to = {"start": f"{day}T17:00:00", "end": f"{day}T18:30:00"}  # the venue's clock, as the API takes it
    assert client.patch(f"/api/v1/sessions/{workshop.id}", json=moved_to, headers=headers).status_code == 200
    [message] = [m for m in signup_mails(ana) if "new time" in m.subject]
    assert message.subject == "“Telhados solares” has a new time or room"
    assert "5:00\u202fPM – 6:30\u202fPM" in message.text_body and "It was: " in message.text_body
    assert "2:00\u202fPM – 4:00\u202fPM" in message.text_body  # the old time, in the venue's clock
    assert "Your place is kept for you." in message.text_body
    assert "You are still on its waiting list, at number 1." in signup_mails(ivan)[-1].text_body
    # Moved again before the mail worker ran: one message each, about the latest time.
    later = {"start": f"{day}T18:00:00", "end": f"{day}T19:30:00"}
    assert client.patch(f"/api/v1/sessions/{workshop.id}", json=later, headers=headers).status_code == 200
    [message] = [m for m in signup_mails(ana) if "new time" in m.subject]
    assert "6:00\u202fPM – 7:30\u202fPM" in message.text_body
    # Once sent, a mail stays sent: the next move is a new message.
    message.status = "sent"
    db.session.commit()
    assert client.patch(f"/api/v1/sessions/{workshop.id}", json=moved_to, headers=headers).status_code == 200
    assert len([m for m in signup_mails(ana) if "new time" in m.subject]) == 2
    # A new title or description moves nothing and tells nobody.
    count = len(signup_mails(ana))
    assert client.patch(f"/api/v1/sessions/{workshop.id}", json={"description": "Bring a hat"},
                        headers=headers).status_code == 200
    assert len(signup_mails(ana)) == count
