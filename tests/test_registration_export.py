"""CSV export of an event's registrations: Excel-friendly UTF-8, every answer, names in any script."""
import csv
import io

import pytest

from eventhub.registration import questions as answers
from eventhub.registration.queries import COLUMNS
from tests.factories import make_question, make_event, make_organisation, make_registration


def export(browser, event, **filters):
    """Download the CSV; returns the response and its rows as dicts."""
    response = browser.get(f"/manage/events/{event.slug}/registrations.csv", query_string=filters)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    return response, rows


@pytest.fixture
def event():
    """A congress in Tokyo time with a question of every kind, and room for two."""
    event = make_event(title="Tokyo Congress", timezone="Asia/Tokyo", capacity=2)
    make_question(event, {"label": "Dietary needs", "key": "diet", "kind": "multiple_choice",
                                  "options": ["Vegetarian", "Halal", "Kosher"]})
    make_question(event, {"label": "Wheelchair space", "key": "wheelchair", "kind": "checkbox"})
    make_question(event, {"label": "Arrival, day & time", "key": "arrival", "kind": "short_text"})
    make_question(event, {"label": "Interpretation", "key": "language", "kind": "single_choice",
                                  "options": ["English", "日本語"]})
    return event


def test_csv_is_utf8_with_bom_and_keeps_every_script(organiser_browser, event):
    tokyo = make_organisation(name="Tokyo", local_name="東京都", country="JP", region="East Asia")
    names = ["Łucja Kowalska", "Дмитрий Иванов", "서지원", "محمد علي"]
    for name in names:
        make_registration(event, full_name=name, organisation_name="東京")
    make_registration(event, full_name="Jürgen Groß", organisation_id=tokyo.id)
    response, rows = export(organiser_browser, event)
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert response.mimetype == "text/csv" and "charset=utf-8" in response.headers["Content-Type"]
    assert f'filename="{event.slug}-registrations.csv"' in response.headers["Content-Disposition"]
    assert [row["full_name"] for row in rows] == [*names, "Jürgen Groß"]
    assert all(row["organisation"] == "東京" for row in rows[:4])
    assert (rows[4]["organisation"], rows[4]["country"], rows[4]["region"]) == ("Tokyo", "JP", "East Asia")
    for text in ("Łucja", "Дмитрий", "서지원", "محمد", "東京"):
        assert any(text in value for row in rows for value in row.values()), text


def test_csv_has_the_fixed_columns_then_one_per_question(organiser_browser, event):
    make_registration(event)
    make_registration(event)
    person = make_registration(event, full_name="Ana", email="Ana@Example.org", position="Mayor", category="speaker",
                               listed=True, answers={"diet": ["Kosher", "Vegetarian"], "wheelchair": True,
                                                     "arrival": "Mon 14:00", "language": "日本語"})
    _response, rows = export(organiser_browser, event)
    header = list(rows[0].keys())
    assert header == [*COLUMNS, "Dietary needs (diet)", "Wheelchair space (wheelchair)",
                      "Arrival, day & time (arrival)", "Interpretation (language)"]
    row = rows[2]
    assert row["id"] == str(person.id) and row["status"] == "waitlisted" and row["waitlist_position"] == "1"
    assert (row["email"], row["position"], row["category"], row["listed"]) == ("ana@example.org", "Mayor", "speaker", "yes")
    assert row["Dietary needs (diet)"] == "Vegetarian; Kosher"  # in the question's order
    assert row["Wheelchair space (wheelchair)"] == "yes" and rows[0]["Wheelchair space (wheelchair)"] == "no"
    assert row["Arrival, day & time (arrival)"] == "Mon 14:00" and row["Interpretation (language)"] == "日本語"
    assert rows[0]["waitlist_position"] == "" and rows[0]["delegation_id"] == ""
    # Created in the event's own timezone, ISO 8601 with its offset.
    assert row["created_at"].endswith("+09:00")


def test_csv_applies_the_list_filters(organiser_browser, event):
    make_registration(event, full_name="Ana", category="speaker")
    make_registration(event, full_name="Bea")
    make_registration(event, full_name="Chloé", category="speaker")  # waitlisted
    _response, rows = export(organiser_browser, event, category="speaker")
    assert [row["full_name"] for row in rows] == ["Ana", "Chloé"]
    _response, rows = export(organiser_browser, event, category="speaker", status="waitlisted")
    assert [row["full_name"] for row in rows] == ["Chloé"]
    _response, rows = export(organiser_browser, event, q="chlo")
    assert [row["full_name"] for row in rows] == ["Chloé"]


def test_answers_to_a_deleted_question_stay_in_the_csv(organiser_browser, event):
    make_registration(event, full_name="Ana", answers={"arrival": "Tuesday"})
    question = next(q for q in answers.event_questions(event) if q.key == "arrival")
    answers.delete_question(question)
    _response, rows = export(organiser_browser, event)
    assert rows[0]["arrival"] == "Tuesday" and "Arrival, day & time (arrival)" not in rows[0]


def test_typed_text_that_looks_like_a_formula_is_made_inert(organiser_browser, event):
    make_registration(event, full_name="=HYPERLINK(\"http://evil.example\")", organisation_name="+Cmd",
                      answers={"arrival": "@SUM(A1)"})
    _response, rows = export(organiser_browser, event)
    row = rows[0]
    assert row["full_name"].startswith("'=") and row["organisation"] == "'+Cmd"
    assert row["Arrival, day & time (arrival)"] == "'@SUM(A1)"


def test_an_empty_event_exports_the_header_only(organiser_browser):
    event = make_event()
    response, rows = export(organiser_browser, event)
    assert rows == []
    assert response.data.decode("utf-8-sig").splitlines() == [",".join(COLUMNS)]
