"""The registration rules: capacity, waiting list, approval, eligibility, quotas, duplicates, audit, mail."""
import pytest
from sqlalchemy import select

from eventhub.audit.models import AuditEntry
from eventhub.audit.services import REGISTRANT, Actor
from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage
from eventhub.registration import rules, services
from eventhub.registration.delegations import services as delegations
from eventhub.core.errors import Refused
from eventhub.core.errors import ValidationError
from eventhub.core.transaction import atomic
from eventhub.events.services import save_event
from tests.factories import make_question, make_network, make_organisation, make_registration, make_user, open_event


def person(n=1, **values):
    data = {"full_name": f"Ana {n}", "email": f"ana{n}@example.org", "organisation_name": "Villa Nueva", "privacy_consent": "y"}
    data.update(values)
    return data


def organiser_actor():
    return Actor.for_user(make_user(roles=["organiser"]))


def test_registrations_beyond_capacity_join_the_waiting_list_in_order():
    event = open_event(capacity=2)
    first, second, third, fourth = (services.register(event, person(n)) for n in range(4))
    assert [r.status for r in (first, second, third, fourth)] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert rules.waitlist_position(third) == 1 and rules.waitlist_position(fourth) == 2
    assert rules.waitlist_positions(event) == {third.id: 1, fourth.id: 2}


def test_cancelling_a_confirmed_place_promotes_the_first_waitlisted_and_tells_them():
    event = open_event(capacity=1)
    confirmed, waiting, later = (services.register(event, person(n)) for n in range(3))
    services.cancel(confirmed)
    assert (confirmed.status, waiting.status, later.status) == ("cancelled", "confirmed", "waitlisted")
    assert rules.waitlist_position(later) == 1
    subjects = db.session.scalars(select(OutboxMessage.subject).where(OutboxMessage.recipient == waiting.email)).all()
    assert any("A place is free" in s for s in subjects)


def test_cancelling_a_waitlisted_registration_promotes_nobody():
    event = open_event(capacity=1)
    confirmed, waiting = services.register(event, person(1)), services.register(event, person(2))
    services.cancel(waiting)
    assert confirmed.status == "confirmed" and waiting.status == "cancelled"


def test_non_members_wait_for_approval_when_the_event_says_so():
    event = open_event(non_member_policy="approve", capacity=1)
    member = make_organisation(name="Malmö", country="SE", status="member")
    former = make_organisation(name="Lund", country="SE", status="former_member")
    assert services.register(event, person(1, organisation_id=member.id)).status == "confirmed"
    pending = services.register(event, person(2, organisation_id=former.id))
    unlisted = services.register(event, person(3))
    assert pending.status == "pending" and unlisted.status == "pending"
    # Approved when full: a place is not invented, the person waits in line.
    assert services.approve(pending, organiser_actor()).status == "waitlisted"


def test_rejecting_a_confirmed_registration_frees_its_place():
    event = open_event(capacity=1)
    first, second = services.register(event, person(1)), services.register(event, person(2))
    services.reject(first, organiser_actor())
    assert (first.status, second.status) == ("rejected", "confirmed")


def test_manual_promotion_needs_a_free_place():
    event = open_event(capacity=1)
    services.register(event, person(1))
    waiting = services.register(event, person(2))
    with pytest.raises(Refused) as refused:
        services.promote(waiting, organiser_actor())
    assert refused.value.reason == "full_for_promotion"
    event.capacity = 2
    db.session.commit()
    assert services.promote(waiting, organiser_actor()).status == "confirmed"


def test_raising_capacity_fills_from_the_waiting_list():
    event = open_event(capacity=1)
    services.register(event, person(1))
    waiting = [services.register(event, person(n)) for n in (2, 3, 4)]
    with atomic():
        save_event({"capacity": 3}, event)  # announces the raise: registration moves the list up
    assert [r.status for r in waiting] == ["confirmed", "confirmed", "waitlisted"]


def test_network_meeting_takes_only_members_of_its_network():
    member, outsider = make_organisation(name="Kraków", country="PL"), make_organisation(name="Gdańsk", country="PL")
    network = make_network("Circular Cities", members=[member])
    event = open_event(kind="network_meeting", network_id=network.id)
    assert services.register(event, person(1, organisation_id=member.id)).status == "confirmed"
    for data in (person(2, organisation_id=outsider.id), person(3)):
        with pytest.raises(Refused) as refused:
            services.register(event, data)
        assert refused.value.reason == "not_eligible" and "Circular Cities" in refused.value.message


def test_one_registration_per_email_whatever_its_case():
    event = open_event()
    services.register(event, person(1, email="Jan.Kowalski@Example.org"))
    with pytest.raises(Refused) as refused:
        services.register(event, person(2, email="JAN.KOWALSKI@example.org"))
    assert refused.value.reason == "duplicate"


def test_delegate_quota_per_organisation():
    city = make_organisation(name="Αθήνα", country="GR")
    event = open_event(delegate_quota=2)
    services.register(event, person(1, organisation_id=city.id))
    services.register(event, person(2, organisation_id=city.id))
    with pytest.raises(Refused) as refused:
        services.register(event, person(3, organisation_id=city.id))
    assert refused.value.reason == "over_quota"


def test_delegation_registers_everyone_or_no_one():
    city = make_organisation(name="São Paulo", country="BR")
    event = open_event(capacity=3)
    rows = [{"full_name": n, "email": f"{n.split()[0].lower()}@sp.example"} for n in ("Ana Souza", "João Lima", "Lúcia Reis", "Pedro Alves")]
    data = {"head_name": "Ana Souza", "head_email": "ana@sp.example", "organisation_id": city.id, "privacy_consent": "y"}
    bad = rows[:3] + [{"full_name": "Broken", "email": "not-an-email"}]
    with pytest.raises(ValidationError) as invalid:
        delegations.register_delegation(event, {**data, "delegates": bad})
    assert "delegates-3-email" in invalid.value.errors
    assert db.session.scalar(select(db.func.count()).select_from(services.Registration)) == 0
    delegation = delegations.register_delegation(event, {**data, "delegates": rows})
    assert [r.status for r in delegation.registrations] == ["unconfirmed"] * 4  # until the head confirms
    services.confirm_delegates(delegation)
    assert [r.status for r in delegation.registrations] == ["confirmed"] * 3 + ["waitlisted"]
    assert len({r.manage_token for r in delegation.registrations}) == 4


@pytest.mark.parametrize("days_open, status", [(1, "draft"), (-1, "published")])
def test_registration_closed_for_drafts_and_before_the_window(days_open, status):
    from datetime import datetime, timedelta, timezone

    event = open_event(status=status, registration_opens=datetime.now(timezone.utc) + timedelta(days=-days_open))
    with pytest.raises(Refused) as refused:
        services.register(event, person(1))
    assert refused.value.reason == "closed"


def test_every_transition_is_audited_with_who_did_it():
    event = open_event(capacity=1)
    registration = services.register(event, person(1))
    organiser = organiser_actor()
    services.reject(registration, organiser)
    about = select(AuditEntry).where(AuditEntry.subject_type == "registration", AuditEntry.subject_id == registration.id)
    entries = db.session.scalars(about.order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor) for e in entries] == [("registration.confirmed", REGISTRANT.label), ("registration.rejected", organiser.label)]
    assert entries[1].changes == {"status": ["confirmed", "rejected"]}


def test_update_details_records_what_changed_and_keeps_email_unique():
    event = open_event()
    make_registration(event, email="taken@example.org")
    registration = services.register(event, person(1))
    services.update_details(registration, {"full_name": "Анна Иванова", "position": "Mayor"})
    assert registration.full_name == "Анна Иванова"
    with pytest.raises(Refused):
        services.update_details(registration, {"email": "TAKEN@example.org"})
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "registration.updated")).one()
    assert entry.changes["full_name"] == ["Ana 1", "Анна Иванова"]


def test_missing_consent_and_fields_are_reported_together():
    event = open_event()
    with pytest.raises(ValidationError) as invalid:
        services.register(event, {"email": "x"})
    assert {"full_name", "email", "organisation_id", "privacy_consent"} <= set(invalid.value.errors)


def test_taking_places_does_not_mark_the_event_as_edited():
    event = open_event(capacity=3)
    before = event.updated_at
    services.register(event, person(1))
    db.session.expire_all()
    assert event.updated_at == before


def test_answers_to_deleted_questions_survive_an_edit():
    from eventhub.registration.questions import delete_question

    event = open_event()
    diet = make_question(event, {"label": "Dietary needs", "kind": "short_text"})
    registration = services.register(event, person(1, answers={"dietary_needs": "Halal"}))
    delete_question(diet)
    services.update_details(registration, {"position": "Mayor"})
    assert registration.answers == {"dietary_needs": "Halal"} and registration.position == "Mayor"


def test_head_of_delegation_gets_the_delegation_link():
    city = make_organisation(name="서울특별시", country="KR")
    event = open_event()
    rows = [{"full_name": "김민준", "email": "minjun@seoul.example"}, {"full_name": "이서연", "email": "seoyeon@seoul.example"}]
    delegation = delegations.register_delegation(
        event, {"head_name": "박지훈", "head_email": "head@seoul.example", "organisation_id": city.id,
                "privacy_consent": "y", "delegates": rows})
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "head@seoul.example")).one()
    assert f"/delegations/{delegation.manage_token}" in message.text_body
    assert "김민준" in message.text_body and "서울특별시" in message.subject + message.text_body
