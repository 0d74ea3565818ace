"""Registering again after cancelling: the same row comes back with the new details, decided like a new one."""
import pytest
from sqlalchemy import func, select

from eventhub.audit.models import AuditEntry
from eventhub.audit.services import REGISTRANT, Actor
from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage
from eventhub.registration import rules, services
from eventhub.registration.delegations import services as delegations
from eventhub.registration.models import Delegation, Registration
from eventhub.registration.notifications import manage_url
from eventhub.core.errors import Refused
from tests.factories import (confirm_from_mail, last_message, make_organisation, make_question, make_registration,
                             make_user, open_event)
from tests.test_api_registrations import bearer
from tests.test_registration_pages import form, registration, text


def person(n=1, **values) -> dict:
    """What the public form hands the service, with overrides."""
    data = {"full_name": f"Ana {n}", "email": f"ana{n}@example.org", "organisation_name": "Villa Nueva",
            "privacy_consent": "y"}
    data.update(values)
    return data


def organiser_actor() -> Actor:
    return Actor.for_user(make_user(roles=["organiser"]))


def rows() -> int:
    """Registrations stored, all events."""
    return db.session.scalar(select(func.count()).select_from(Registration))


def messages(email: str) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.recipient == email))


def reactivations(registration_id: int) -> list[AuditEntry]:
    """The "registration.reactivated" audit entries of one registration."""
    query = select(AuditEntry).where(AuditEntry.action == "registration.reactivated",
                                     AuditEntry.subject_id == registration_id)
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


# --- Through the public form ------------------------------------------------------------------


def test_a_visitor_who_cancelled_registers_again_on_the_same_row_with_a_new_link(browser):
    event = open_event(capacity=5, title="Forum Urbano São Paulo")
    make_question(event, {"key": "diet", "label": "Dietary needs", "kind": "single_choice",
                          "options": ["None", "Vegetarian", "Halal"]})
    browser.post(f"/events/{event.slug}/register", form(not_listed="y", organisation_name="Villa", answer_diet="None"))
    confirm_from_mail(browser, "ana@example.org")
    first = registration("ana@example.org")
    old_token, old_id = first.manage_token, first.id
    old_feed = f"/calendar/{first.calendar_token}.ics"
    browser.post(f"/registrations/{old_token}/cancel", {"confirm": "y"})
    cancelled_page = text(browser.get(f"/registrations/{old_token}"))
    assert "This registration is cancelled." in cancelled_page and "Register again" in cancelled_page

    response = browser.post(f"/events/{event.slug}/register", form(
        full_name="Ana Lima-Wiśniewska", email="ANA@example.org", position="Deputy Mayor", not_listed="y",
        organisation_name="Prefeitura de Vila Nova", answer_diet="Halal"))
    assert response.location.endswith("/register/check-your-email")
    response = confirm_from_mail(browser, "ana@example.org")
    again = registration("ana@example.org")
    assert rows() == 1 and again.id == old_id
    assert response.status_code == 302 and response.location.endswith(f"/registrations/{again.manage_token}")
    assert (again.status, again.full_name, again.position, again.organisation_name, again.answers) == (
        "confirmed", "Ana Lima-Wiśniewska", "Deputy Mayor", "Prefeitura de Vila Nova", {"diet": "Halal"})
    assert "your place is confirmed" in text(browser.get(response.location))

    # The old link (shared while cancelled, perhaps) and the old calendar feed no longer open anything.
    assert again.manage_token != old_token
    for url in (f"/registrations/{old_token}", f"/registrations/{old_token}/cancel", old_feed):
        assert browser.get(url).status_code == 404, url

    [entry] = reactivations(old_id)
    assert entry.actor == "registrant" and entry.changes["status"] == ["cancelled", "unconfirmed"]
    assert entry.changes["full_name"] == ["Ana Lima", "Ana Lima-Wiśniewska"]
    assert entry.changes["answers"] == [{"diet": "None"}, {"diet": "Halal"}]  # the old answers are not lost

    message = last_message("ana@example.org")
    assert "is confirmed" in message.subject and "Forum Urbano São Paulo" in message.subject
    assert manage_url(again) in message.text_body and old_token not in message.text_body
    [invitation] = message.attachments
    assert invitation["filename"] == f"{event.slug}.ics" and "METHOD:REQUEST" in invitation["content"]


@pytest.mark.parametrize("status", ["confirmed", "waitlisted", "pending"])
def test_an_active_registration_is_kept_and_its_owner_mailed_the_link(browser, status):
    event = open_event(capacity=1, non_member_policy="approve" if status == "pending" else "confirm")
    if status == "waitlisted":
        make_registration(event)
    existing = make_registration(event, email="ana@example.org", full_name="Ana Lima")
    assert existing.status == status
    before = messages("ana@example.org")

    response = browser.post(f"/events/{event.slug}/register",
                            form(full_name="Someone Else", not_listed="y", organisation_name="Villa"))
    assert response.location.endswith("/register/check-your-email")  # as for anyone: nothing given away
    assert registration("ana@example.org").full_name == "Ana Lima"
    assert registration("ana@example.org").manage_token == existing.manage_token
    assert messages("ana@example.org") == before + 1 and reactivations(existing.id) == []
    assert manage_url(existing) in last_message("ana@example.org").text_body


# --- The rules, through the service -----------------------------------------------------------


def test_coming_back_to_a_full_event_joins_the_end_of_the_waiting_list():
    event = open_event(capacity=1)
    holder = services.register(event, person(1))
    leaver = services.register(event, person(2))
    stayer = services.register(event, person(3))
    assert rules.waitlist_position(leaver) == 1 and rules.waitlist_position(stayer) == 2
    services.cancel(leaver)
    assert rules.waitlist_position(stayer) == 1

    back = services.register(event, person(2, full_name="Ana Returned"))
    assert back.id == leaver.id and back.status == "waitlisted"
    assert rules.waitlist_positions(event) == {stayer.id: 1, back.id: 2}  # no jumping the queue
    assert holder.status == "confirmed"
    assert reactivations(back.id)[0].changes["status"] == ["cancelled", "waitlisted"]
    message = last_message("ana2@example.org")
    assert "on the waiting list" in message.subject and "number 2" in message.text_body
    assert message.attachments == []


def test_a_confirmed_person_who_cancelled_does_not_get_their_old_place_back_when_full():
    event = open_event(capacity=1)
    first = services.register(event, person(1))
    waiting = services.register(event, person(2))
    services.cancel(first)  # the place goes to the waiting list
    assert waiting.status == "confirmed"
    back = services.register(event, person(1))
    assert (back.id, back.status, rules.waitlist_position(back)) == (first.id, "waitlisted", 1)


def test_a_rejected_person_registering_again_goes_back_to_the_organisers():
    event = open_event(capacity=10)  # room, and no approval policy: a new person would be confirmed
    rejected = services.reject(services.register(event, person(1)), organiser_actor())
    back = services.register(event, person(1, full_name="Ana Insists"), REGISTRANT)
    assert (back.id, back.status, back.full_name) == (rejected.id, "pending", "Ana Insists")
    assert reactivations(back.id)[0].changes["status"] == ["rejected", "pending"]
    assert "awaits approval" in last_message("ana1@example.org").subject


def test_an_organiser_registering_a_rejected_person_decides_as_for_a_new_one():
    event = open_event(capacity=10)
    organiser = organiser_actor()
    rejected = services.reject(services.register(event, person(1)), organiser)
    back = services.register(event, person(1), organiser, organiser=True)
    assert (back.id, back.status) == (rejected.id, "confirmed")
    assert reactivations(back.id)[0].actor == organiser.label


def test_the_member_policy_and_the_quota_apply_as_to_a_new_registration():
    event = open_event(non_member_policy="approve", delegate_quota=1)
    city = make_organisation(name="Kraków")
    first = services.register(event, person(1))
    services.cancel(first)
    assert services.register(event, person(1)).status == "pending"  # a non-member, as before

    member = services.register(event, person(2, organisation_id=city.id, organisation_name=None))
    services.cancel(member)
    services.register(event, person(3, organisation_id=city.id, organisation_name=None))  # takes the only place
    with pytest.raises(Refused) as refused:
        services.register(event, person(2, full_name="Changed", organisation_id=city.id, organisation_name=None))
    assert refused.value.reason == "over_quota"
    db.session.expire_all()
    assert (member.status, member.full_name) == ("cancelled", "Ana 2")  # refused: nothing changed
    assert reactivations(member.id) == []


def test_reactivation_is_decided_under_the_event_lock(monkeypatch):
    """Same path as a new registration: the lock first, then the email check, then the place."""
    event = open_event(capacity=1)
    services.cancel(services.register(event, person(1)))
    calls = []
    lock, lookup = services.capacity.lock, rules.previous_registrations
    monkeypatch.setattr(services.capacity, "lock", lambda *args: (calls.append("lock"), lock(*args))[1])
    monkeypatch.setattr(rules, "previous_registrations",
                        lambda *args: (calls.append("lookup"), lookup(*args))[1])
    services.register(event, person(1))
    assert calls[:2] == ["lock", "lookup"]


# --- Delegations ------------------------------------------------------------------------------


def test_a_withdrawn_delegate_can_be_added_again_by_the_head(browser):
    event = open_event(capacity=5)
    warsaw = make_organisation(name="Warszawa")
    delegation = delegations.register_delegation(event, {
        "head_name": "Łucja", "head_email": "head@example.org", "organisation_id": warsaw.id, "privacy_consent": "y",
        "delegates": [{"full_name": "Дмитрий Иванов", "email": "dmitry@example.org"}]})
    services.confirm_delegates(delegation)  # the head's address is proven
    delegate = delegation.registrations[0]
    services.cancel(delegate)

    url = f"/delegations/{delegation.manage_token}"
    added = browser.post(url, {"full_name": "Дмитрий Иванов", "email": "dmitry@example.org",
                               "position": "Mayor", "category": "delegate"})
    assert added.status_code == 302 and rows() == 1
    back = registration("dmitry@example.org")
    assert (back.id, back.status, back.position, back.delegation_id) == (delegate.id, "confirmed", "Mayor",
                                                                         delegation.id)
    assert "is confirmed" in last_message("dmitry@example.org").subject


def test_a_cancelled_individual_can_come_back_inside_a_new_delegation():
    event = open_event(capacity=5)
    warsaw = make_organisation(name="Warszawa")
    alone = services.register(event, person(1))
    services.cancel(alone)
    delegation = delegations.register_delegation(event, {
        "head_name": "Łucja", "head_email": "head@example.org", "organisation_id": warsaw.id, "privacy_consent": "y",
        "delegates": [{"full_name": "Ana 1", "email": "ana1@example.org"},
                      {"full_name": "서지원", "email": "jiwon@example.org"}]})
    services.confirm_delegates(delegation)
    assert [r.id for r in delegation.registrations][0] == alone.id
    assert [r.status for r in delegation.registrations] == ["confirmed", "confirmed"]
    assert alone.organisation_id == warsaw.id and alone.delegation_id == delegation.id
    assert reactivations(alone.id)[0].changes["delegation_id"] == [None, delegation.id]
    assert db.session.scalar(select(func.count()).select_from(Delegation)) == 1


# --- Through the API --------------------------------------------------------------------------


def test_the_api_registers_a_cancelled_email_again_and_still_refuses_an_active_one(client, organiser):
    event = open_event(capacity=1)
    headers = bearer(organiser)
    url = f"/api/v1/events/{event.slug}/registrations"
    body = {"full_name": "佐藤 花子", "email": "hanako@example.org", "organisation_name": "Tokyo"}
    created = client.post(url, json=body, headers=headers).json
    assert client.post(f"/api/v1/registrations/{created['id']}/cancel", headers=headers).json["status"] == "cancelled"

    again = client.post(url, json={**body, "full_name": "佐藤 花子 (Mayor)", "position": "Mayor"}, headers=headers)
    assert again.status_code == 201 and again.json["id"] == created["id"]
    assert (again.json["status"], again.json["full_name"], again.json["position"]) == (
        "confirmed", "佐藤 花子 (Mayor)", "Mayor")
    assert again.headers["Location"].endswith(f"/api/v1/registrations/{created['id']}")
    assert reactivations(created["id"])[0].actor == "organiser@example.org"
    assert "is confirmed" in last_message("hanako@example.org").subject

    refused = client.post(url, json=body, headers=headers)
    assert refused.status_code == 409 and refused.json["reason"] == "duplicate"
    assert "already registered" in refused.json["message"]
