"""Someone who registers again with the address of a cancelled (or rejected) registration gets that
row back, but none of its personal agenda: no starred sessions, no sign-ups, nothing in the feed."""
from sqlalchemy import select

from eventhub.agenda import signups
from eventhub.agenda.models import SignUp, Star
from eventhub.audit.services import REGISTRANT, Actor
from eventhub.core.transaction import atomic
from eventhub.extensions import db
from eventhub.registration import services
from tests.factories import make_registration, make_session, make_user, make_workshop, open_event, publish_agenda


def star_and_sign_up(registration, *sessions):
    """What the first registrant did on the agenda pages."""
    with atomic():
        for item in sessions:
            signups.star(registration, item)
            if item.signup_required:
                signups.sign_up(item, registration, REGISTRANT)


def test_a_new_registrant_on_a_cancelled_address_starts_with_an_empty_agenda(client):
    event = publish_agenda(open_event())
    talk, workshop = make_session(event, title="Closed-door mayors' briefing"), make_workshop(event)
    first = make_registration(event, full_name="Amaru Quispe", email="office@lapaz.example")
    star_and_sign_up(first, talk, workshop)
    with atomic():
        services.cancel(first)
    again = make_registration(event, full_name="Sisa Mamani", email="office@lapaz.example")
    assert again.id == first.id  # the same row comes back
    assert signups.personal_agenda(again) == []
    page = client.get(f"/registrations/{again.manage_token}/agenda").get_data(as_text=True)
    assert "Sisa Mamani" in page and "briefing" not in page and workshop.title not in page
    feed = client.get(f"/calendar/{again.calendar_token}.ics").get_data(as_text=True)
    assert "briefing" not in feed and workshop.title not in feed
    assert db.session.scalars(select(Star).where(Star.registration_id == again.id)).all() == []


def test_a_rejected_registration_leaves_no_agenda_behind_and_others_keep_theirs(client):
    event = publish_agenda(open_event())
    talk, workshop = make_session(event, title="Water panel"), make_workshop(event, seats=2)
    leaving, staying = make_registration(event), make_registration(event)
    star_and_sign_up(leaving, talk, workshop)
    star_and_sign_up(staying, talk, workshop)
    with atomic():
        services.reject(leaving, Actor.for_user(make_user()))
    assert signups.personal_agenda(leaving) == []
    assert [item.title for item, _overlap in signups.personal_agenda(staying)] == [talk.title, workshop.title]
    # Sign-ups stay as cancelled rows: the audit trail and the waiting list refer to them.
    assert db.session.scalar(select(SignUp.status).where(SignUp.registration_id == leaving.id)) == "cancelled"


def test_a_device_that_knew_the_previous_holder_does_not_know_the_new_one(client):
    event = publish_agenda(open_event())
    talk = make_session(event, title="Opening plenary")
    first = make_registration(event, full_name="Amaru Quispe", email="office@lapaz.example")
    assert client.get(f"/registrations/{first.manage_token}").status_code == 200  # the device remembers Amaru
    with atomic():
        services.cancel(first)
    make_registration(event, full_name="Sisa Mamani", email="office@lapaz.example")
    page = client.get(f"/events/{event.slug}/sessions/{talk.id}").get_data(as_text=True)
    assert "Sisa Mamani" not in page and "Add to my agenda" not in page
