"""Delegation pages: a head of delegation registers named delegates, adds and withdraws them."""
import re

import pytest
from sqlalchemy import func, select

from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage
from eventhub.registration.models import Delegation, Registration
from tests.factories import (confirm_from_mail, make_network, make_organisation, make_question, make_registration,
                             open_event)
from tests.test_registration_pages import field_error, input_value, text

DELEGATES = [
    ("Łucja Wiśniewska", "lucja@example.org", "Mayor"),
    ("Дмитрий Иванов", "dmitry@example.org", "Councillor"),
    ("서지원", "jiwon@example.org", "City officer"),
    ("محمد الأحمد", "mohammed@example.org", "Advisor"),
    ("Zoë Ångström", "zoe@example.org", ""),
]


def delegation_form(picked=None, rows=DELEGATES, **values) -> dict:
    """The delegation form as a browser sends it: head, organisation, consent and one set of fields per row."""
    data = {"head_name": "Łucja Wiśniewska", "head_email": "head@example.org", "privacy_consent": "y",
            "organisation": picked.name if picked else "", "organisation_id": str(picked.id) if picked else ""}
    for n, (name, email, position) in enumerate(rows):
        data.update({f"delegates-{n}-full_name": name, f"delegates-{n}-email": email,
                     f"delegates-{n}-position": position, f"delegates-{n}-category": "delegate"})
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


def statuses() -> dict[str, str]:
    """Every registration's status by email, as stored now."""
    db.session.expire_all()
    return dict(db.session.execute(select(Registration.email, Registration.status)).all())


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def register_confirmed(browser, event, form: dict):
    """Send the delegation form, then confirm from the head's mailbox (the head's address is proven)."""
    browser.post(f"/events/{event.slug}/register/delegation", form)
    return confirm_from_mail(browser, form["head_email"])


@pytest.fixture
def warsaw():
    return make_organisation(name="Warszawa", local_name="Miasto Stołeczne Warszawa", country="PL")


def test_a_head_registers_five_delegates_from_the_browser(browser, warsaw):
    event = open_event(capacity=4)
    page = text(browser.get(f"/events/{event.slug}/register/delegation"))
    assert all(f'name="delegates-{n}-full_name"' in page for n in range(5))
    assert 'name="delegates-5-full_name"' not in page

    sent = browser.post(f"/events/{event.slug}/register/delegation", delegation_form(warsaw))
    # Nothing held and no delegate contacted before the head's address is proven.
    assert sent.status_code == 302 and sent.location.endswith(f"/events/{event.slug}/register/check-your-email")
    assert list(statuses().values()) == ["unconfirmed"] * 5 and count(OutboxMessage) == 1
    delegation = db.session.scalar(select(Delegation))
    unconfirmed = text(browser.get(f"/delegations/{delegation.manage_token}"))
    assert "Confirm the delegation" in unconfirmed and 'name="full_name"' not in unconfirmed

    response = confirm_from_mail(browser, "head@example.org")
    assert response.status_code == 302 and response.location.endswith(f"/delegations/{delegation.manage_token}")
    assert list(statuses().values()) == ["confirmed"] * 4 + ["waitlisted"]
    assert {r.organisation_id for r in delegation.registrations} == {warsaw.id}
    # Each delegate gets their own message with their own link.
    for _name, email, _position in DELEGATES:
        query = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.recipient == email)
        assert db.session.scalar(query) == 1

    page = text(browser.get(response.location))
    assert "4 confirmed, 1 on the waiting list" in page
    for name, _email, _position in DELEGATES:
        assert name in page
    assert "On the waiting list</mark> (number 1)" in page
    assert sent.headers.get("Referrer-Policy") != "no-referrer"  # the public form has no token to hide
    assert browser.get(response.location).headers["Referrer-Policy"] == "no-referrer"


def test_the_head_adds_and_withdraws_delegates(browser, warsaw):
    event = open_event(capacity=5)
    register_confirmed(browser, event, delegation_form(warsaw))
    delegation = db.session.scalar(select(Delegation))
    url = f"/delegations/{delegation.manage_token}"

    added = browser.post(url, {"full_name": "Αλέξανδρος", "email": "alex@example.org", "position": "Researcher",
                               "category": "delegate"})
    assert added.status_code == 302 and statuses()["alex@example.org"] == "waitlisted"
    assert "Αλέξανδρος is added as number 1 on the waiting list." in text(browser.get(url))

    first = delegation.registrations[0]
    confirm = f"{url}/withdraw?delegate={first.id}"
    assert "Yes, withdraw this delegate" in text(browser.get(confirm)) and first.full_name in text(browser.get(confirm))
    assert field_error(text(browser.post(confirm, {"delegate": first.id})), "confirm") == "Tick the box to confirm."
    assert statuses()["lucja@example.org"] == "confirmed"

    withdrawn = browser.post(confirm, {"delegate": first.id, "confirm": "y"})
    assert withdrawn.location.endswith(url)
    assert statuses()["lucja@example.org"] == "cancelled" and statuses()["alex@example.org"] == "confirmed"
    page = text(browser.get(url))
    assert "Łucja Wiśniewska is withdrawn" in page and "Cancelled" in page


def test_only_delegates_of_this_delegation_can_be_withdrawn(browser, warsaw):
    event = open_event()
    browser.post(f"/events/{event.slug}/register/delegation", delegation_form(warsaw, rows=DELEGATES[:1]))
    delegation = db.session.scalar(select(Delegation))
    stranger = make_registration(event, email="stranger@example.org")
    url = f"/delegations/{delegation.manage_token}/withdraw"
    assert browser.get(f"{url}?delegate={stranger.id}").status_code == 404
    assert browser.post(url, {"delegate": stranger.id, "confirm": "y"}).status_code == 404
    assert statuses()["stranger@example.org"] == "confirmed"


def test_without_javascript_more_rows_are_added_keeping_what_was_typed(browser, warsaw):
    event = open_event()
    response = browser.post(f"/events/{event.slug}/register/delegation",
                            delegation_form(warsaw, rows=DELEGATES[:2], add_rows="Add more rows"))
    page = text(response)
    assert response.status_code == 200 and count(Registration) == 0
    assert 'name="delegates-9-full_name"' in page and 'name="delegates-10-full_name"' not in page
    assert input_value(page, "delegates-1-full_name") == "Дмитрий Иванов"
    assert input_value(page, "head_name") == "Łucja Wiśniewska"
    assert "Nothing was saved" not in page


def test_row_errors_appear_in_the_row_they_belong_to(browser, warsaw):
    event = open_event()
    rows = [DELEGATES[0], ("", "", ""), ("서지원", "", "Mayor"), ("Дмитрий", "lucja@example.org", "")]
    page = text(browser.post(f"/events/{event.slug}/register/delegation", delegation_form(warsaw, rows=rows)))
    assert count(Registration) == 0
    # The empty second row is skipped, yet the errors land on the third and fourth rows as shown.
    assert field_error(page, "delegates-2-email") == "This field is required."
    assert field_error(page, "delegates-3-email") == "This email appears twice in the delegation."
    assert field_error(page, "delegates-1-email") == ""
    assert input_value(page, "delegates-2-full_name") == "서지원"


def test_a_delegation_needs_at_least_one_delegate(browser, warsaw):
    event = open_event()
    page = text(browser.post(f"/events/{event.slug}/register/delegation", delegation_form(warsaw, rows=[])))
    assert "Add at least one delegate." in page and count(Delegation) == 0


def test_required_questions_are_asked_in_every_row(browser, warsaw):
    event = open_event()
    make_question(event, {"key": "diet", "label": "Diet", "kind": "single_choice", "options": ["Vegan", "Halal"],
                          "required": True})
    rows = DELEGATES[:2]
    page = text(browser.post(f"/events/{event.slug}/register/delegation",
                             delegation_form(warsaw, rows=rows, **{"delegates-0-answer_diet": "Halal"})))
    assert field_error(page, "delegates-1-answer_diet") == "This question needs an answer."
    assert field_error(page, "delegates-0-answer_diet") == ""
    assert re.search(r'id="delegates-0-answer_diet-1"[^>]*checked|checked[^>]*id="delegates-0-answer_diet-1"', page)

    browser.post(f"/events/{event.slug}/register/delegation",
                 delegation_form(warsaw, rows=rows,
                                 **{"delegates-0-answer_diet": "Halal", "delegates-1-answer_diet": "Vegan"}))
    db.session.expire_all()
    assert dict(db.session.execute(select(Registration.email, Registration.answers)).all()) == {
        "lucja@example.org": {"diet": "Halal"}, "dmitry@example.org": {"diet": "Vegan"}}


def test_the_delegate_quota_is_shown_and_enforced(browser, warsaw):
    event = open_event(delegate_quota=3)
    page = text(browser.get(f"/events/{event.slug}/register/delegation"))
    assert "at most 3 delegates" in page
    assert 'name="delegates-2-full_name"' in page and 'name="delegates-3-full_name"' not in page
    make_registration(event, organisation_id=warsaw.id, organisation_name=None)
    form_url = f"/events/{event.slug}/register/delegation"
    refused = text(browser.post(form_url, delegation_form(warsaw, rows=DELEGATES[:3])))
    assert "Warszawa has 2 places left" in field_error(refused, "organisation") and count(Delegation) == 0

    register_confirmed(browser, event, delegation_form(warsaw, rows=DELEGATES[:2]))
    delegation = db.session.scalar(select(Delegation))
    url = f"/delegations/{delegation.manage_token}"
    assert "0 places left" in text(browser.get(url))
    over = text(browser.post(url, {"full_name": "Extra", "email": "extra@example.org", "category": "delegate"}))
    assert "at most 3 delegates per organisation" in over and "extra@example.org" not in statuses()


def test_an_ineligible_organisation_is_refused_with_an_explanation(browser, warsaw):
    member = make_organisation(name="Kraków", country="PL")
    network = make_network("Polish Cities", members=[member])
    event = open_event(kind="network_meeting", network_id=network.id)
    page = text(browser.post(f"/events/{event.slug}/register/delegation", delegation_form(warsaw)))
    assert "Warszawa is not one of them" in field_error(page, "organisation") and count(Registration) == 0
    assert input_value(page, "delegates-0-full_name") == "Łucja Wiśniewska"


def test_a_typed_organisation_is_resolved_without_javascript(browser, warsaw):
    event = open_event()
    data = delegation_form(rows=DELEGATES[:1], organisation="warsz")
    browser.post(f"/events/{event.slug}/register/delegation", data)
    assert db.session.scalar(select(Delegation.organisation_id)) == warsaw.id


def test_unknown_delegation_links_are_not_found(client):
    assert client.get("/delegations/not-a-token").status_code == 404
    assert client.get("/delegations/not-a-token/withdraw?delegate=1").status_code == 404
    assert client.get("/delegations/not-a-token").headers["Referrer-Policy"] == "no-referrer"


def test_the_delegation_page_does_not_query_per_delegate(browser, warsaw, count_queries):
    event = open_event(capacity=3)
    register_confirmed(browser, event, delegation_form(warsaw, rows=DELEGATES[:2]))
    url = f"/delegations/{db.session.scalar(select(Delegation)).manage_token}"
    db.session.expire_all()
    with count_queries() as few:
        browser.get(url)
    delegation = db.session.scalar(select(Delegation))
    for n in range(8):
        browser.post(url, {"full_name": f"Gość {n}", "email": f"guest{n}@example.org", "category": "delegate"})
    db.session.expire_all()
    with count_queries() as many:
        page = text(browser.get(url))
    assert "Gość 7" in page and len(delegation.registrations) == 10
    assert len(many) == len(few)


def test_a_delegate_edits_their_own_answers_but_not_the_delegations_organisation(browser, warsaw):
    event = open_event()
    make_question(event, {"key": "diet", "label": "Diet", "kind": "short_text"})
    register_confirmed(browser, event, delegation_form(warsaw, rows=DELEGATES[:1]))
    delegate = db.session.scalar(select(Registration))
    url = f"/registrations/{delegate.manage_token}"
    page = text(browser.get(url))
    assert "Registered by Łucja Wiśniewska as part of the delegation of Warszawa" in page
    assert 'name="organisation"' not in page
    response = browser.post(url, {"full_name": "Łucja Wiśniewska", "email": "lucja@example.org", "category": "delegate",
                                  "answer_diet": "Wegańska", "listed": "y", "organisation_id": ""})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Registration, delegate.id)
    assert (saved.answers, saved.listed, saved.organisation_id) == ({"diet": "Wegańska"}, True, warsaw.id)
