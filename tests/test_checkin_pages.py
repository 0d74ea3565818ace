"""The scanner page from the server's side: who may open it, a scan by the page's script or by a plain
form, the name search, undo, and the offline data (digests, never codes)."""
import pytest
from sqlalchemy import func, select

from eventhub.badges import services as badges
from eventhub.badges.tokens import digest
from eventhub.checkin.models import CheckIn
from eventhub.extensions import db
from tests.factories import make_organisation, make_registration, make_user, open_event


@pytest.fixture
def event():
    return open_event(days_from_now=-1, length_days=3)


@pytest.fixture
def gate(browser):
    browser.login(make_user(roles=["checkin"], email="gate@example.org"))
    return browser


def scan_json(browser, event, code, **values):
    body = {"code": code, "station": "Gate A", **values}
    return browser.client.post(f"/checkin/{event.slug}/scan", json=body,
                               headers={"X-CSRFToken": browser.token(), "Accept": "application/json"})


def test_check_in_staff_and_organisers_open_the_scanner_others_do_not(browser, event):
    assert browser.get(f"/checkin/{event.slug}").status_code == 302  # to the login page
    browser.login(make_user(roles=[], email="nobody@example.org"))
    assert browser.get(f"/checkin/{event.slug}").status_code == 403
    browser.logout()
    browser.login(make_user(roles=["checkin"], email="desk@example.org"))
    page = browser.get(f"/checkin/{event.slug}?station=Gate+A")
    assert page.status_code == 200 and 'data-checkin-status' in page.text and "jsQR.js" in page.text


def test_the_page_script_scans_and_gets_the_answer_with_the_stations_count(gate, event):
    city = make_organisation(name="Ville de Dakar", country="SN")
    person = make_registration(event, full_name="Aïssatou Diop", organisation_id=city.id)
    code = badges.valid_badge(person).token
    first = scan_json(gate, event, code)
    assert first.status_code == 200 and first.json["status"] == "ok"
    assert first.json["attendee"]["full_name"] == "Aïssatou Diop" and first.json["station_count"] == 1
    again = scan_json(gate, event, code, station="Gate B")
    assert again.json["status"] == "duplicate" and "Gate A" in again.json["message"]


def test_a_scan_without_the_csrf_token_is_refused(gate, event):
    person = make_registration(event)
    response = gate.client.post(f"/checkin/{event.slug}/scan", json={"code": badges.valid_badge(person).token,
                                                                     "station": "Gate A"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_without_javascript_the_code_field_is_a_form_that_flashes_the_answer(gate, event):
    person = make_registration(event, full_name="Kwame Mensah")
    response = gate.post(f"/checkin/{event.slug}/scan", {"code": badges.valid_badge(person).token,
                                                         "station": "Gate C"}, follow_redirects=True)
    assert "Kwame Mensah: Welcome!" in response.text and "1 check-in here today" in response.text


def test_bad_scans_are_clear_errors_never_500(gate, event):
    assert scan_json(gate, event, "x", station="").status_code == 422
    assert scan_json(gate, event, "x", scanned_at="not a time").status_code == 422
    bad = gate.client.post(f"/checkin/{event.slug}/scan", data="[1, 2]", content_type="application/json",
                           headers={"X-CSRFToken": gate.token(), "Accept": "application/json"})
    assert bad.status_code in (400, 422)


def test_the_name_search_finds_people_in_any_script_and_checks_in_with_one_tap(gate, event):
    person = make_registration(event, full_name="Ŀukas Šimkus")
    make_registration(event, full_name="Somebody Else")
    page = gate.get(f"/checkin/{event.slug}?station=Desk&q=simkus")
    assert "Ŀukas Šimkus" in page.text and "Somebody Else" not in page.text
    response = gate.post(f"/checkin/{event.slug}/registrations/{person.id}", {"station": "Desk"},
                         follow_redirects=True)
    assert "Welcome!" in response.text
    assert db.session.scalar(select(CheckIn.outcome).where(CheckIn.registration_id == person.id)) == "ok"


def test_undo_from_the_page(gate, event):
    person = make_registration(event)
    checkin_id = scan_json(gate, event, badges.valid_badge(person).token).json["checkin_id"]
    undone = gate.client.post(f"/checkin/{event.slug}/checkins/{checkin_id}/undo",
                              headers={"X-CSRFToken": gate.token(), "Accept": "application/json"})
    assert undone.status_code == 200 and undone.json["undone"] is True
    assert scan_json(gate, event, badges.valid_badge(person).token).json["status"] == "ok"


def test_the_offline_data_holds_digests_names_and_todays_arrivals_but_no_code(gate, event):
    arrived, waiting = make_registration(event, full_name="Arrived Person"), make_registration(event)
    scan_json(gate, event, badges.valid_badge(arrived).token)
    data = gate.get(f"/checkin/{event.slug}/data.json")
    assert data.headers["Cache-Control"] == "private, no-store"
    entries = data.json["badges"]
    assert set(entries) == {digest(badges.valid_badge(p).token) for p in (arrived, waiting)}
    assert entries[digest(badges.valid_badge(arrived).token)]["in"]["station"] == "Gate A"
    assert "in" not in entries[digest(badges.valid_badge(waiting).token)]
    assert badges.valid_badge(arrived).token not in data.text


def test_the_dashboard_counts_arrivals_by_category_region_and_station_and_lists_who_is_missing(gate, event):
    from eventhub.members.models import Region

    region = db.session.scalar(select(Region).order_by(Region.id))
    city = make_organisation(name="Kampala Capital City Authority", country="UG", region=region.name)
    speaker = make_registration(event, full_name="Speaker Here", category="speaker", organisation_id=city.id)
    delegate = make_registration(event, full_name="Delegate Here", organisation_id=city.id)
    make_registration(event, full_name="Zainab Missing")
    scan_json(gate, event, badges.valid_badge(speaker).token, station="Gate A")
    scan_json(gate, event, badges.valid_badge(delegate).token, station="Gate B")
    scan_json(gate, event, badges.valid_badge(delegate).token, station="Gate A")  # a duplicate counts once
    page = gate.get(f"/checkin/{event.slug}/dashboard")
    assert page.status_code == 200
    assert 'data-in="2" data-confirmed="3"' in page.text
    assert "Zainab Missing" in page.text and "Speaker Here</bdi> ·" not in page.text.split("missing-heading")[1]
    assert region.name in page.text and "<rect" in page.text
    csv = gate.get(f"/checkin/{event.slug}/checkins.csv")
    lines = csv.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("day,time,station,outcome") and len(lines) == 4
    assert sum(",duplicate," in line for line in lines) == 1


def test_the_dashboard_costs_the_same_queries_for_3_people_as_for_12(gate, event, count_queries):
    def queries():
        with count_queries() as statements:
            assert gate.get(f"/checkin/{event.slug}/dashboard").status_code == 200
        return len(statements)

    people = [make_registration(event) for _ in range(3)]
    for person in people:
        scan_json(gate, event, badges.valid_badge(person).token)
    few = queries()
    for _ in range(9):
        scan_json(gate, event, badges.valid_badge(make_registration(event)).token)
    assert queries() == few


def test_flask_checkin_certificate_makes_a_certificate_for_the_venue_address(runner, tmp_path):
    import subprocess

    result = runner.invoke(args=["checkin", "certificate", "--ip", "192.168.1.20", "--name", "checkin.local",
                                 "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "https://192.168.1.20:8443/" in result.output
    text = subprocess.run(["openssl", "x509", "-in", str(tmp_path / "cert.pem"), "-noout", "-text"],
                          capture_output=True, text=True, check=True).stdout
    assert "IP Address:192.168.1.20" in text and "DNS:checkin.local" in text
    assert (tmp_path / "key.pem").stat().st_mode & 0o077 == 0
    bad = runner.invoke(args=["checkin", "certificate", "--ip", "gate-a", "--out", str(tmp_path)])
    assert bad.exit_code != 0 and "not an IP address" in bad.output


def test_a_signed_out_scanner_gets_json_it_can_act_on_not_the_login_page(client, event):
    """The page's script must tell "sign in again" apart from "offline", and keep the scan for later."""
    person = make_registration(event)
    body = {"code": badges.valid_badge(person).token, "station": "Gate A"}
    signed_out = client.post(f"/checkin/{event.slug}/scan", json=body, headers={"Accept": "application/json"})
    assert signed_out.status_code in (400, 401) and signed_out.is_json  # CSRF first, or the login check
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0
    # A plain browser visit still goes to the login page.
    assert client.get(f"/checkin/{event.slug}").status_code == 302
