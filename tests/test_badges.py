"""Badge codes: one valid code per confirmed registration, dead when it leaves or is reissued, and a
scan that tells valid, unknown, revoked, another event's and a registration without a place apart."""
import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from eventhub.audit.models import AuditEntry
from eventhub.audit.services import SYSTEM, history
from eventhub.badges import services, tokens
from eventhub.badges.models import Badge
from eventhub.core.errors import Refused
from eventhub.core.transaction import atomic
from eventhub.extensions import db
from eventhub.registration import services as registration
from tests.factories import make_organisation, make_registration, open_event


@pytest.fixture
def event():
    return open_event(capacity=2)


def scan(code, event):
    return services.resolve(code, event.id)


def test_a_code_is_128_random_bits_in_qr_alphanumeric_capitals_with_prefix_and_version():
    codes = {tokens.new_token() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(r"EH1-[A-Z2-7]{26}", code) and code.isascii()
    # 26 base32 characters carry 130 bits; the random part is 16 bytes.
    assert tokens.RANDOM_BYTES * 8 >= 128


def test_a_confirmed_registration_gets_a_valid_badge_that_scans_as_welcome(event):
    person = make_registration(event, full_name="Zoë Ångström")
    badge = services.valid_badge(person)
    assert badge is not None and badge.event_id == event.id
    result = scan(badge.token, event)
    assert result.valid and result.holder.full_name == "Zoë Ångström"


def test_the_code_holds_nothing_personal(event):
    person = make_registration(event, full_name="Maria Silva", email="maria.silva@saopaulo.example")
    code = services.valid_badge(person).token
    assert "SILVA" not in code and "MARIA" not in code and str(person.id) not in code[4:8]


def test_a_code_typed_in_lower_case_or_with_spaces_still_resolves(event):
    code = services.valid_badge(make_registration(event)).token
    assert scan(f"  {code.lower()}\r\n", event).valid


@pytest.mark.parametrize("code", ["", None, "hello", "https://example.org/", "EH1-AAAA", "EH1-" + "1" * 26,
                                  "EH1-" + "A" * 26 + "X", "ÉH1-" + "A" * 26, "x" * 10_000])
def test_anything_else_is_unknown_and_never_an_error(event, code):
    assert scan(code, event).outcome == services.UNKNOWN


def test_a_well_formed_code_nobody_was_given_is_unknown(event):
    make_registration(event)
    assert scan(tokens.new_token(), event).outcome == services.UNKNOWN


def test_a_future_format_version_is_told_apart_from_foreign_codes(event):
    assert "format" in scan("EH2-" + "A" * 30, event).reason
    assert "not an EventHub badge" in scan("WIFI:S:venue;;", event).reason


def test_a_badge_for_another_event_says_so(event):
    other = open_event(title="Network meeting Africa")
    code = services.valid_badge(make_registration(other)).token
    result = scan(code, event)
    assert result.outcome == services.OTHER_EVENT and "Network meeting Africa" in result.reason


@pytest.mark.parametrize("leave, reason", [(registration.cancel, "cancelled"), (registration.reject, "rejected")])
def test_cancelling_or_rejecting_kills_the_badge(event, leave, reason):
    person = make_registration(event)
    code = services.valid_badge(person).token
    with atomic():
        leave(person, SYSTEM)
    result = scan(code, event)
    assert result.outcome == services.REVOKED and reason in result.reason
    assert services.valid_badge(person) is None


def test_a_waitlisted_person_has_no_badge_until_promoted(event):
    make_registration(event), make_registration(event)
    waiting = make_registration(event)
    assert waiting.status == "waitlisted" and services.valid_badge(waiting) is None
    first = db.session.scalar(select(Badge).where(Badge.event_id == event.id).order_by(Badge.id)).registration
    with atomic():
        registration.cancel(first, SYSTEM)  # the place goes to the waiting list
    db.session.refresh(waiting)
    assert waiting.status == "confirmed" and scan(services.valid_badge(waiting).token, event).valid


def test_approval_issues_the_badge(event):
    event_with_approval = open_event(non_member_policy="approve")
    pending = make_registration(event_with_approval, organisation_name="Not a member")
    assert pending.status == "pending" and services.valid_badge(pending) is None
    with atomic():
        registration.approve(pending, SYSTEM)
    assert services.valid_badge(pending) is not None


def test_a_registration_that_comes_back_gets_a_new_code_and_the_old_stays_dead(event):
    person = make_registration(event, email="returns@example.org")
    old = services.valid_badge(person).token
    with atomic():
        registration.cancel(person, SYSTEM)
    again = make_registration(event, email="returns@example.org")
    assert again.id == person.id
    new = services.valid_badge(again).token
    assert new != old and scan(new, event).valid and scan(old, event).outcome == services.REVOKED


def test_reissuing_gives_a_new_code_kills_the_old_and_is_in_the_registration_history(event):
    person = make_registration(event)
    old = services.valid_badge(person)
    with atomic():
        new = services.reissue(person, SYSTEM)
    assert new.token != old.token
    assert scan(new.token, event).valid
    lost = scan(old.token, event)
    assert lost.outcome == services.REVOKED and "replaced" in lost.reason
    entry = history(person)[0]
    assert entry.action == "registration.badge_reissued" and entry.changes == {"badge": [old.id, new.id]}
    assert old.token not in str(entry.changes)


def test_reissuing_needs_a_confirmed_registration(event):
    person = make_registration(event)
    with atomic():
        registration.cancel(person, SYSTEM)
    with pytest.raises(Refused), atomic():
        services.reissue(person, SYSTEM)


def test_one_valid_badge_per_registration_is_enforced_by_the_database(event):
    person = make_registration(event)
    with pytest.raises(IntegrityError), atomic():
        db.session.add(Badge(event_id=event.id, registration_id=person.id, token="EH1-" + "B" * 26,
                             token_digest=tokens.digest("EH1-" + "B" * 26)))
    assert db.session.scalar(select(func.count(Badge.id)).where(Badge.registration_id == person.id)) == 1


def test_offline_scanners_get_digests_of_valid_codes_only(event):
    keep, leave = make_registration(event), make_registration(event)
    with atomic():
        registration.cancel(leave, SYSTEM)
    digests = services.valid_digests(event.id)
    code = services.valid_badge(keep).token
    assert digests == [tokens.digest(code)]
    assert code not in digests


def test_a_delegation_gets_a_badge_for_each_confirmed_delegate():
    from tests.factories import make_delegation

    event = open_event(capacity=10)
    delegation = make_delegation(event, make_organisation(name="Ciudad de México"), delegates=3)
    badges = services.badges_of([r.id for r in delegation.registrations])
    assert len(badges) == 3


def test_marking_printed_counts_and_is_one_audit_entry(event):
    people = [make_registration(event) for _ in range(2)]
    badges = list(services.badges_of([p.id for p in people]).values())
    with atomic():
        assert services.mark_printed(event, badges, SYSTEM) == 2
    assert all(b.printed_at is not None and b.print_count == 1 for b in badges)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "event.badges_printed")).all()
    assert [e.changes for e in entries] == [{"badges": 2}]


def test_a_badge_for_a_cancelled_event_opens_no_door(event):
    from eventhub.events.services import set_status

    code = services.valid_badge(make_registration(event)).token
    with atomic():
        set_status(event, "cancelled")
    result = scan(code, event)
    assert result.outcome == services.EVENT_CANCELLED and not result.valid
