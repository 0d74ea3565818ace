"""The public registration forms under attack: an anonymous visitor cannot hold places, nor make EventHub
mail strangers, nor pass for a member city (issue #12, reproduced on a local instance before the fix)."""
import re
from datetime import timedelta

from sqlalchemy import func, select

from eventhub.core.transaction import atomic
from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage
from eventhub.registration import services
from eventhub.registration.models import Registration
from tests.factories import (confirm_from_mail, last_message, make_network, make_organisation, make_registration, make_token,
                             make_user, open_event)
from tests.test_registration_pages import form, registration, text

HOLDING = ("confirmed", "waitlisted", "pending")


def held(event) -> int:
    """Places held or queued for: what an attacker wants to fill."""
    return db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == event.id, Registration.status.in_(HOLDING)))


def mails() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def delegation(city, rows: int, start: int = 0) -> dict:
    data = {"head_name": "Mallory", "head_email": f"mallory{start}@invented.example", "privacy_consent": "y",
            "organisation": city.name, "organisation_id": str(city.id)}
    for n in range(rows):
        data.update({f"delegates-{n}-full_name": f"Fake {start + n}", f"delegates-{n}-category": "delegate",
                     f"delegates-{n}-email": f"fake{start + n}@invented.example"})
    return data


def test_the_delegation_attack_replayed_holds_no_place_and_mails_a_handful(browser):
    """Reproduced: two anonymous POSTs of 50 delegates claiming a member city filled 100 places and queued
    102 e-mails; a real registrant was waitlisted afterwards."""
    event = open_event(capacity=100)
    city = make_organisation(name="Lisboa", country="PT")
    url = f"/events/{event.slug}/register/delegation"
    for start in (0, 50):
        browser.post(url, delegation(city, 50, start))
    # And the same again as thirty single registrations with invented addresses.
    for n in range(30):
        browser.post(f"/events/{event.slug}/register", form(email=f"x{n}@invented.example", not_listed="y",
                                                            organisation_name="Nowhere"))
    assert held(event) == 0
    assert mails() <= 10

    browser.post(f"/events/{event.slug}/register", form(email="mayor@real.example", not_listed="y",
                                                        organisation_name="Real City"),
                 environ_base={"REMOTE_ADDR": "198.51.100.7"})
    confirm_from_mail(browser, "mayor@real.example")
    assert registration("mayor@real.example").status == "confirmed"


def test_each_visitor_address_can_have_only_a_few_strangers_mailed(browser, app, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTRATION_RATE_LIMIT", "100 per minute")  # submissions are not what counts here
    event = open_event()
    answers = [browser.post(f"/events/{event.slug}/register", form(email=f"p{n}@example.org", not_listed="y",
                                                                  organisation_name="Villa"))
               for n in range(12)]
    # Refused with 429 and the form as typed (tests/test_rate_limit_keeps_form.py), nothing sent.
    assert [a.status_code for a in answers] == [302] * 10 + [429] * 2
    assert "Too many registrations" in text(answers[-1]) and mails() == 10
    assert registration("p11@example.org") is None  # refused: nothing written
    # Another address still gets through: the budget is per visitor, not for everyone.
    other = browser.post(f"/events/{event.slug}/register", form(email="q@example.org", not_listed="y",
                                                                organisation_name="Villa"),
                         environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert other.status_code == 302


def test_one_organisation_cannot_be_claimed_by_many_people_in_a_short_time(browser, app, monkeypatch):
    monkeypatch.setitem(app.config, "ORGANISATION_REGISTRATION_LIMIT", "3 per hour")
    event = open_event()
    city = make_organisation(name="Porto", country="PT")
    codes = [browser.post(f"/events/{event.slug}/register",
                          form(email=f"p{n}@example.org", organisation="Porto", organisation_id=str(city.id)),
                          environ_base={"REMOTE_ADDR": f"192.0.2.{n + 1}"}).status_code
             for n in range(4)]
    assert codes == [302, 302, 302, 429]


def test_a_mail_scanner_opening_the_link_confirms_nothing(browser):
    event = open_event()
    browser.post(f"/events/{event.slug}/register", form(not_listed="y", organisation_name="Villa"))
    saved = registration("ana@example.org")
    page = text(browser.get(f"/registrations/{saved.manage_token}"))
    assert "Confirm my registration" in page and registration("ana@example.org").status == "unconfirmed"
    assert browser.client.get(f"/registrations/{saved.manage_token}/confirm").status_code == 405


def test_an_unconfirmed_registration_expires_and_can_be_made_again(browser):
    event = open_event()
    browser.post(f"/events/{event.slug}/register", form(not_listed="y", organisation_name="Villa"))
    saved = registration("ana@example.org")
    with atomic():
        saved.created_at -= timedelta(hours=49)
    answer = browser.post(f"/registrations/{saved.manage_token}/confirm", follow_redirects=True)
    assert "This link has expired" in text(answer) and registration("ana@example.org").status == "unconfirmed"

    browser.post(f"/events/{event.slug}/register", form(not_listed="y", organisation_name="Villa"))
    confirm_from_mail(browser, "ana@example.org")
    assert registration("ana@example.org").status == "confirmed"


def test_confirming_twice_changes_nothing(browser):
    event = open_event(capacity=5)
    browser.post(f"/events/{event.slug}/register", form(not_listed="y", organisation_name="Villa"))
    confirm_from_mail(browser, "ana@example.org")
    before = mails()
    browser.post(f"/registrations/{registration('ana@example.org').manage_token}/confirm")
    assert registration("ana@example.org").status == "confirmed" and mails() == before


def test_claiming_a_member_city_from_another_domain_needs_approval_where_membership_counts(browser):
    lisboa = make_organisation(name="Lisboa", country="PT", email_domains="lisboa.pt cm-lisboa.pt")
    network = make_network("Cities for Climate", members=[lisboa])
    meeting = open_event(kind="network_meeting", network_id=network.id)
    for email in ("impostor@gmail.example", "vereadora@cm-lisboa.pt", "gabinete@camara.lisboa.pt"):
        browser.post(f"/events/{meeting.slug}/register", form(email=email, organisation="Lisboa",
                                                              organisation_id=str(lisboa.id)))
        confirm_from_mail(browser, email)
    assert [registration(e).status for e in ("impostor@gmail.example", "vereadora@cm-lisboa.pt",
                                             "gabinete@camara.lisboa.pt")] == ["pending", "confirmed", "confirmed"]
    # Where membership does not count, the claim changes nothing.
    congress = open_event()
    sent = browser.post(f"/events/{congress.slug}/register", form(email="impostor@gmail.example", organisation="Lisboa",
                                                                  organisation_id=str(lisboa.id)))
    assert sent.status_code == 302
    confirm_from_mail(browser, "impostor@gmail.example")
    assert db.session.scalar(select(Registration.status).where(Registration.event_id == congress.id)) == "confirmed"


def test_a_delegation_claims_its_city_through_the_heads_address(browser):
    lisboa = make_organisation(name="Lisboa", country="PT", email_domains=["lisboa.pt"])
    meeting = open_event(non_member_policy="approve")
    data = delegation(lisboa, 2)
    browser.post(f"/events/{meeting.slug}/register/delegation", data)
    confirm_from_mail(browser, data["head_email"])
    assert {r.status for r in db.session.scalars(select(Registration))} == {"pending"}


def test_organisers_keep_the_fast_path(organiser_browser):
    event = open_event()
    response = organiser_browser.post(f"/events/{event.slug}/register", form(not_listed="y", organisation_name="V"))
    saved = registration("ana@example.org")
    assert response.location.endswith(f"/registrations/{saved.manage_token}") and saved.status == "confirmed"


def test_a_rejected_person_who_requests_again_goes_back_to_the_organisers(browser):
    event = open_event(capacity=10)
    rejected = make_registration(event, email="ana@example.org")
    with atomic():
        services.reject(rejected, services.SYSTEM)
    browser.post(f"/events/{event.slug}/register", form(not_listed="y", organisation_name="Villa"))
    confirm_from_mail(browser, "ana@example.org")
    assert registration("ana@example.org").status == "pending"


def test_an_unconfirmed_delegation_takes_no_more_delegates(browser):
    event = open_event()
    city = make_organisation(name="Braga", country="PT")
    browser.post(f"/events/{event.slug}/register/delegation", delegation(city, 1))
    link = re.search(r"/delegations/[^\s/]+", last_message("mallory0@invented.example").text_body).group(0)
    page = text(browser.post(link, {"full_name": "Extra", "email": "extra@example.org", "category": "delegate"}))
    assert "Confirm the delegation first" in page and registration("extra@example.org") is None


def test_member_records_keep_their_email_domains_through_the_api(client):
    organiser = make_user(roles=["organiser"])
    _row, secret = make_token(organiser)
    created = client.post("/api/v1/members", headers={"Authorization": f"Bearer {secret}"},
                          json={"name": "Évora", "kind": "city", "country": "PT",
                                "email_domains": ["CM-Evora.pt", "@evora.pt"]})
    assert created.status_code == 201, created.json
    assert created.json["email_domains"] == ["cm-evora.pt", "evora.pt"]
    bad = client.post("/api/v1/members", headers={"Authorization": f"Bearer {secret}"},
                      json={"name": "Beja", "kind": "city", "country": "PT", "email_domains": ["not a domain"]})
    assert bad.status_code == 422 and "email_domains" in str(bad.json)


def test_without_a_mail_server_the_confirmation_link_can_be_read_from_the_outbox(browser, runner):
    """`make run` has no mail server: `flask mail show` prints the newest message, link included."""
    event = open_event()
    browser.post(f"/events/{event.slug}/register", form(email="Zoë@Example.org", not_listed="y",
                                                        organisation_name="Villa"))
    shown = runner.invoke(args=["mail", "show", "ZOË@example.org"])
    assert shown.exit_code == 0 and "Please confirm your registration" in shown.output
    assert f"/registrations/{registration('zoë@example.org').manage_token}" in shown.output
    missing = runner.invoke(args=["mail", "show", "nobody@example.org"])
    assert missing.exit_code != 0 and "No message for nobody@example.org" in missing.output
