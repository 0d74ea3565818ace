"""Organiser lists built for congress scale (issue #15): a fixed number of queries on any page, filter and sort;
deep pages found by key with the same rows as a plain sort; the CSV exports streamed a batch at a time,
byte for byte what they were. The timings themselves are in bench/organiser_lists.py."""
import csv
import io
import re

import pytest

from eventhub.core import csv_export
from eventhub.members import csvio
from eventhub.members.services import region_by_name
from eventhub.registration import queries
from eventhub.registration.admin import listing
from eventhub.registration.admin.sorting import SORTS
from eventhub.registration.questions import delete_question, event_questions
from tests.factories import make_event, make_network, make_organisation, make_question, make_registration
from tests.test_registration_admin import list_url, page_text, row_names

NAMES = ["Łucja", "Дмитрий", "서지원", "محمد", "Zoë", "Ana", "Björn", "東京太郎", "Chloé", "Ömer", "Luis", "Αθηνά"]


@pytest.fixture
def congress():
    """A small congress with what the list's filters and sorts read: linked and typed organisations in several
    countries, regions and a network, several statuses and categories, names in many scripts."""
    malmo = make_organisation(name="Malmö", country="SE", region="Europe")
    tokyo = make_organisation(name="Tokyo", local_name="東京都", country="JP", region="East Asia")
    lagos = make_organisation(name="Lagos", country="NG", region="Africa")
    network = make_network(name="Climate Cities", members=[malmo, lagos])
    event = make_event(capacity=14)
    make_question(event, {"label": "Dietary needs", "key": "diet", "kind": "short_text"})
    organisations = [{"organisation_id": malmo.id}, {"organisation_id": tokyo.id}, {"organisation_id": lagos.id},
                     {"organisation_name": "Busan Metro"}]
    for n in range(18):
        make_registration(event, full_name=f"{NAMES[n % len(NAMES)]} {n:02d}", category=("delegate", "speaker")[n % 2],
                          answers={"diet": f"Diet {n}"}, **organisations[n % len(organisations)])
    return {"event": event, "malmo": malmo, "network": network, "europe": region_by_name("Europe")}


def _statements(organiser_browser, count_queries, url: str) -> int:
    organiser_browser.get(url)  # warm up (login, caches)
    with count_queries() as statements:
        response = organiser_browser.get(url)
    assert response.status_code == 200 and row_names(page_text(response))
    return len(statements)


def test_the_list_runs_the_same_queries_on_any_page_filter_and_sort(organiser_browser, count_queries, congress,
                                                                     monkeypatch):
    monkeypatch.setattr(listing, "PER_PAGE", 4)
    event = congress["event"]
    urls = [list_url(event), list_url(event, page=5), list_url(event, page=99), list_url(event, status="confirmed"),
            list_url(event, q="malmo"), list_url(event, country="SE", sort="name", order="desc"),
            list_url(event, region_id=congress["europe"].id), list_url(event, network_id=congress["network"].id),
            list_url(event, organisation_id=congress["malmo"].id), list_url(event, category="speaker", page=2),
            *(list_url(event, sort=key, order=order, page=3) for key in SORTS for order in ("asc", "desc"))]
    counts = {url: _statements(organiser_browser, count_queries, url) for url in urls}
    assert len(set(counts.values())) == 1, counts


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_pages_found_by_key_follow_one_another_like_the_whole_sorted_list(organiser_browser, congress, monkeypatch,
                                                                          sort, order):
    event = congress["event"]
    whole = row_names(page_text(organiser_browser.get(list_url(event, sort=sort, order=order))))
    monkeypatch.setattr(listing, "PER_PAGE", 4)
    pages = [row_names(page_text(organiser_browser.get(list_url(event, sort=sort, order=order, page=n))))
             for n in range(1, 6)]
    assert [name for page in pages for name in page] == whole and len(whole) == 18
    assert row_names(page_text(organiser_browser.get(list_url(event, sort=sort, order=order, page=50)))) == pages[-1]


def test_the_total_comes_from_the_counts_per_status(organiser_browser, congress, monkeypatch):
    monkeypatch.setattr(listing, "PER_PAGE", 4)
    event = congress["event"]
    page = page_text(organiser_browser.get(list_url(event)))
    assert "18 registrations match." in page and "Page 1 of 5" in page
    page = page_text(organiser_browser.get(list_url(event, status="waitlisted")))
    assert "4 registrations match." in page and len(row_names(page)) == 4 and "Page 1 of" not in page
    page = page_text(organiser_browser.get(list_url(event, status="rejected")))
    assert "0 registrations match." in page and "No registrations match these filters." in page


def test_the_organisation_box_offers_every_registered_record_and_keeps_the_choice(organiser_browser, congress):
    event, malmo = congress["event"], congress["malmo"]
    elsewhere = make_organisation(name="Nowhere")  # nobody registered from it
    page = organiser_browser.get(list_url(event, organisation_id=malmo.id)).get_data(as_text=True)
    box = re.search(r'<select id="organisation_id" name="organisation_id">(.*?)</select>', page, re.S).group(1)
    assert re.findall(r"<option[^>]*>([^<]*)</option>", box) == [
        "Any organisation", "Lagos (NG)", "Malmö (SE)", "Tokyo (JP)"]
    assert f'<option selected value="{malmo.id}">' in box
    # A record nobody registered from is no filter (an old bookmark still opens the whole list).
    page = page_text(organiser_browser.get(list_url(event, organisation_id=elsewhere.id)))
    assert len(row_names(page)) == 18


# --- CSV exports --------------------------------------------------------------------------------

def _csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_registrations_export_streams_in_batches_with_every_row_once(organiser_browser, congress, monkeypatch):
    monkeypatch.setattr(queries, "EXPORT_BATCH", 4)  # several batches and chunks out of a few rows
    monkeypatch.setattr(csv_export, "CHUNK_ROWS", 3)
    event = congress["event"]
    make_question(event, {"label": "T-shirt", "key": "t_shirt", "kind": "short_text"})
    make_registration(event, full_name="Old Answers", answers={"diet": "None", "t_shirt": "XL"})
    delete_question(next(q for q in event_questions(event) if q.key == "t_shirt"))
    response = organiser_browser.get(f"/manage/events/{event.slug}/registrations.csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = _csv_rows(response.data)
    assert [row["full_name"] for row in rows] == [*(f"{NAMES[n % len(NAMES)]} {n:02d}" for n in range(18)), "Old Answers"]
    assert [row["Dietary needs (diet)"] for row in rows[:3]] == ["Diet 0", "Diet 1", "Diet 2"]
    assert rows[-1]["t_shirt"] == "XL"  # a key only an old answer carries still gets its column
    assert (rows[0]["organisation"], rows[0]["country"], rows[0]["region"]) == ("Malmö", "SE", "Europe")


def test_the_registrations_export_is_the_same_streamed_or_written_at_once(organiser_browser, congress, monkeypatch):
    event = congress["event"]
    url = f"/manage/events/{event.slug}/registrations.csv?category=speaker"
    whole = organiser_browser.get(url).data
    monkeypatch.setattr(queries, "EXPORT_BATCH", 2)
    monkeypatch.setattr(csv_export, "CHUNK_ROWS", 1)
    assert organiser_browser.get(url).data == whole
    assert [row["category"] for row in _csv_rows(whole)] == ["speaker"] * 9


def test_the_registrations_export_runs_the_same_queries_for_few_or_many_organisations(
        organiser_browser, count_queries, congress):
    event = congress["event"]
    url = f"/manage/events/{event.slug}/registrations.csv?organisation_id={congress['malmo'].id}"

    def statements() -> int:
        organiser_browser.get(url)
        with count_queries() as run:
            rows = _csv_rows(organiser_browser.get(url).data)
        assert {row["organisation"] for row in rows} == {"Malmö"}
        return len(run)

    few = statements()
    for n in range(10):
        make_registration(event, organisation_id=make_organisation().id)
    assert statements() == few


def test_the_members_export_streams_the_same_bytes_as_the_cli_writes(organiser_browser, monkeypatch):
    for name in ("Kraków", "서울", "Αθήνα", "São Paulo", "Москва"):
        make_organisation(name=name, region="Europe")
    monkeypatch.setattr(csvio, "EXPORT_BATCH", 2)
    monkeypatch.setattr(csv_export, "CHUNK_ROWS", 2)
    response = organiser_browser.get("/members/export.csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.data == csvio.export_csv()
    assert {row["name"] for row in _csv_rows(response.data)} == {"Kraków", "서울", "Αθήνα", "São Paulo", "Москва"}


def test_the_exports_read_their_rows_only_as_the_chunks_are_asked_for(count_queries, congress):
    """A streamed response is sent after its view's session has ended: the rows must be read then, in the
    session of the stream's own, not from a result opened in the view."""
    with count_queries() as statements:
        chunks = csvio.export_chunks()
    assert statements == []
    assert next(chunks).startswith(csv_export.BOM.encode())
    chunks = queries.export_csv(congress["event"])  # works out its columns (the questions) now
    with count_queries() as statements:
        data = b"".join(chunks)
    assert b"Diet 0" in data and any("FROM registrations" in statement for statement in statements)
