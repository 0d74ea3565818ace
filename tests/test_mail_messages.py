"""What each registration message says, in text and HTML, in the event's timezone."""
from datetime import datetime

import pytest
from sqlalchemy import func, select

from eventhub.audit.services import Actor
from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage
from eventhub.registration import services
from eventhub.registration.notifications import manage_url, notify
from tests.factories import last_message, make_registration, make_user, open_event


@pytest.fixture
def seoul_event():
    """Capacity one, approval for non-members, 09:00 local in Seoul (00:00 UTC) on the first day."""
    return open_event(
        title="서울 Urban Forum", timezone="Asia/Seoul", start=datetime(2099, 6, 15, 9), end=datetime(2099, 6, 17, 17),
        venue_name="COEX Convention Centre", capacity=1,
    )


def organiser():
    return Actor.for_user(make_user(roles=["organiser"]))


def readable(text: str) -> str:
    """Babel puts a narrow no-break space before AM/PM; compare with plain spaces."""
    return text.replace("\u202f", " ")


def confirmed(event):
    return make_registration(event, full_name="Łucja Wiśniewska")


def waitlisted(event):
    make_registration(event)
    return make_registration(event, full_name="Ελένη Παπαδοπούλου")


def pending(event):
    event.non_member_policy = "approve"
    db.session.commit()
    return services.register(event, {"full_name": "فاطمة الزهراء", "email": "fatima@example.org",
                                     "organisation_name": "Not listed", "privacy_consent": "y"})


def promoted(event):
    first = make_registration(event)
    second = make_registration(event, full_name="김민준")
    services.cancel(first)
    return second


def approved(event):
    return services.approve(pending(event), organiser())


def cancelled(event):
    return services.cancel(make_registration(event, full_name="Jürgen Groß"))


def rejected(event):
    return services.reject(pending(event), organiser())


def manage_link(event):
    registration = make_registration(event, full_name="Иван Петров")
    services.resend_manage_link(event, registration.email.upper())
    return registration


CASES = {
    "confirmed": (confirmed, "is confirmed", "Confirmed"),
    "waitlisted": (waitlisted, "on the waiting list", "On the waiting list"),
    "pending": (pending, "awaits approval", "Pending approval"),
    "promoted": (promoted, "A place is free", "Confirmed"),
    "approved": (approved, "is confirmed", "Confirmed"),
    "cancelled": (cancelled, "is cancelled", "Cancelled"),
    "rejected": (rejected, "was not accepted", "Rejected"),
    "manage_link": (manage_link, "Your registration for", "Confirmed"),
}


@pytest.mark.parametrize("kind", CASES)
def test_every_message_tells_the_event_the_local_time_the_status_and_the_manage_link(seoul_event, kind):
    make, subject_words, status = CASES[kind]
    registration = make(seoul_event)
    message = last_message(registration)
    assert subject_words in message.subject and "서울 Urban Forum" in message.subject
    for body in (readable(message.text_body), readable(message.html_body)):
        assert registration.full_name in body
        assert "서울 Urban Forum" in body and "COEX Convention Centre" in body
        assert "Mon, Jun 15, 2099, 9:00 AM" in body and "Wed, Jun 17, 2099, 5:00 PM" in body
        assert "12:00 AM" not in body  # the UTC time of the start, which would be wrong
        assert "Asia/Seoul" in body
        assert status in body
        assert manage_url(registration) in body


def test_html_escapes_what_people_type_and_links_the_manage_page(seoul_event):
    registration = make_registration(seoul_event, full_name="Anna <b>Nowak</b> & Co")
    message = last_message(registration)
    assert "Anna &lt;b&gt;Nowak&lt;/b&gt; &amp; Co" in message.html_body
    assert f'href="{manage_url(registration)}"' in message.html_body
    assert "Anna <b>Nowak</b> & Co" in message.text_body  # plain text stays plain


def test_waitlisted_people_are_told_their_position(seoul_event):
    make_registration(seoul_event)
    make_registration(seoul_event)
    third = make_registration(seoul_event)
    assert "at number 2" in last_message(third).text_body
    assert "number 2" in last_message(third).html_body


@pytest.mark.parametrize("kind", ["confirmed", "promoted", "approved"])
def test_messages_that_give_a_place_carry_the_calendar_invitation(seoul_event, kind):
    message = last_message(CASES[kind][0](seoul_event))
    [attachment] = message.attachments
    assert attachment["filename"] == f"{seoul_event.slug}.ics"
    assert attachment["content_type"] == "text/calendar; method=REQUEST; charset=utf-8"
    assert "METHOD:REQUEST" in attachment["content"]
    # …and say where the badge is: on the personal page the message links to.
    assert "Your badge" in message.text_body and "Your badge" in message.html_body


@pytest.mark.parametrize("kind", ["waitlisted", "pending", "rejected", "manage_link"])
def test_other_messages_carry_no_invitation(seoul_event, kind):
    message = last_message(CASES[kind][0](seoul_event))
    assert message.attachments == [] and "Your badge" not in message.text_body


def test_notify_queues_in_the_callers_transaction_without_committing(seoul_event):
    registration = make_registration(seoul_event)
    before = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    notify(registration, "manage_link")
    db.session.rollback()  # the change it reported did not happen, so neither does the message
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == before


def test_an_unknown_kind_is_a_programming_error(seoul_event):
    with pytest.raises(ValueError):
        notify(make_registration(seoul_event), "congratulations")
