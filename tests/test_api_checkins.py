"""POST /api/v1/events/<slug>/checkins: what handheld scanners and the scanner page send, scan by scan."""
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventhub.audit.services import SYSTEM
from eventhub.badges import services as badges
from eventhub.checkin.models import CheckIn
from eventhub.core.transaction import atomic
from eventhub.extensions import db
from eventhub.registration import services as registration_services
from tests.factories import make_organisation, make_registration, make_token, make_user, open_event


@pytest.fixture
def event():
    return open_event(days_from_now=-1, length_days=3)


def bearer(user):
    _token, secret = make_token(user, "scanner")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def gate():
    return bearer(make_user(roles=["checkin"], email="gate-a@example.org"))


def post_scan(client, event, headers, code, **values):
    body = {"code": code, "station": "Gate A", **values}
    return client.post(f"/api/v1/events/{event.slug}/checkins", json=body, headers=headers)


def test_welcome_then_already_checked_in_with_time_and_station(client, event, gate):
    city = make_organisation(name="Città di Torino", country="IT")
    person = make_registration(event, full_name="Giulia Ferrari", position="Sindaca", organisation_id=city.id,
                               category="speaker")
    first = post_scan(client, event, gate, badges.valid_badge(person).token)
    assert first.status_code == 200, first.json
    assert first.json["status"] == "ok" and first.json["message"] == "Welcome!"
    assert first.json["attendee"] == {"registration_id": person.id, "full_name": "Giulia Ferrari",
                                      "position": "Sindaca", "organisation": "Città di Torino",
                                      "category": "speaker", "category_label": "Speaker"}
    again = post_scan(client, event, gate, badges.valid_badge(person).token, station="Gate B")
    assert again.json["status"] == "duplicate" and again.json["first"]["station"] == "Gate A"
    assert "at Gate A" in again.json["message"] and again.json["attendee"]["full_name"] == "Giulia Ferrari"


def test_an_invalid_code_says_why_and_names_nobody(client, event, gate):
    answer = post_scan(client, event, gate, "EH1-" + "A" * 26)
    assert answer.json["status"] == "invalid" and answer.json["reason"] == "unknown"
    assert answer.json["attendee"] is None and answer.json["message"] == "Unknown badge."


def test_a_cancelled_registration_is_not_valid_and_says_so(client, event, gate):
    person = make_registration(event)
    code = badges.valid_badge(person).token
    with atomic():
        registration_services.cancel(person, SYSTEM)
    answer = post_scan(client, event, gate, code)
    assert answer.json["status"] == "invalid" and answer.json["reason"] == "revoked"
    assert "cancelled" in answer.json["message"]


def test_a_replayed_scan_id_answers_the_same_and_stores_nothing_new(client, event, gate):
    person = make_registration(event)
    scan_id = str(uuid.uuid4())
    offline_time = (event.start_at + timedelta(hours=3)).isoformat()
    first = post_scan(client, event, gate, badges.valid_badge(person).token, scan_id=scan_id, scanned_at=offline_time)
    again = post_scan(client, event, gate, badges.valid_badge(person).token, scan_id=scan_id, scanned_at=offline_time)
    assert first.json == again.json and first.json["status"] == "ok"
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1


def test_undo_is_audited_and_the_next_scan_checks_in_again(client, event, gate):
    person = make_registration(event)
    code = badges.valid_badge(person).token
    checkin_id = post_scan(client, event, gate, code).json["checkin_id"]
    undone = client.post(f"/api/v1/checkins/{checkin_id}/undo", headers=gate)
    assert undone.status_code == 200 and undone.json["undone"] is True
    assert client.post(f"/api/v1/checkins/{checkin_id}/undo", headers=gate).status_code == 409
    assert post_scan(client, event, gate, code).json["status"] == "ok"


def test_only_check_in_staff_and_organisers_may_scan(client, event):
    person = make_registration(event)
    code = badges.valid_badge(person).token
    assert post_scan(client, event, {}, code).status_code == 401
    nobody = bearer(make_user(roles=[], email="visitor@example.org"))
    assert post_scan(client, event, nobody, code).status_code == 403
    organiser = bearer(make_user(roles=["organiser"], email="boss@example.org"))
    assert post_scan(client, event, organiser, code).json["status"] == "ok"


@pytest.mark.parametrize("body", [{}, {"code": "x"}, {"code": "x", "station": ""}, {"code": 5, "station": "A"},
                                  {"code": "x", "station": "A", "scanned_at": "yesterday"},
                                  {"code": "x", "station": "A", "scanned_at": "2027-05-01T10:00:00"},
                                  {"code": "x", "station": "A", "scan_id": "x" * 65},
                                  {"code": "x", "station": "A", "scan_id": "é"}])
def test_bad_input_is_a_422_json_error_and_stores_nothing(client, event, gate, body):
    response = client.post(f"/api/v1/events/{event.slug}/checkins", json=body, headers=gate)
    assert response.status_code == 422 and response.is_json
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_not_json_and_unknown_events_are_json_errors(client, event, gate):
    response = client.post(f"/api/v1/events/{event.slug}/checkins", data="code=x", headers=gate)
    assert response.status_code in (400, 422) and response.is_json
    missing = client.post("/api/v1/events/no-such-event/checkins", json={"code": "x", "station": "A"}, headers=gate)
    assert missing.status_code == 404 and missing.is_json


def test_a_scan_costs_seven_sql_statements_first_time_or_again(client, event, gate, count_queries):
    """Token, event, badge with its holder, lock, the day's check-in, the insert, the station's count."""
    first, second = (badges.valid_badge(make_registration(event)).token for _ in range(2))
    url = f"/api/v1/events/{event.slug}/checkins"
    client.post(url, json={"code": first, "station": "Gate A"}, headers=gate)  # notes the token's use (hourly)
    with count_queries() as welcome:
        assert client.post(url, json={"code": second, "station": "Gate A"}, headers=gate).json["status"] == "ok"
    with count_queries() as again:
        assert client.post(url, json={"code": second, "station": "Gate A"}, headers=gate).json["status"] == "duplicate"
    assert len(welcome) == len(again) == 7, "\n".join(welcome)
