"""CSV import and export of member records, on the organiser pages and with `flask members`."""
import io
import re
from datetime import date

import pytest

from eventhub.extensions import db
from eventhub.members.models import Organisation
from tests.factories import make_network, make_organisation

HEADER = "name,local_name,kind,country,region,population,status,member_since,website,external_id"


def _csv(*rows: str, header: str = HEADER, newline: str = "\r\n") -> bytes:
    """A CSV file as bytes, rows given as text lines."""
    return newline.join([header, *rows, ""]).encode("utf-8")


def _upload(browser, data: bytes, filename: str = "members.csv"):
    return browser.post("/members/import", {"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def _count() -> int:
    return db.session.scalar(db.select(db.func.count(Organisation.id)))


def _by_external_id(external_id: str) -> Organisation:
    return db.session.scalar(db.select(Organisation).filter_by(external_id=external_id))


def _problems(html: str) -> list[tuple[int, str, str]]:
    """The (line, column, reason) rows of the import error table."""
    rows = re.findall(r'<tr><td class="numeric">(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>', html)
    return [(int(line), column, reason) for line, column, reason in rows]


GOOD = _csv(
    "São Paulo,São Paulo,city,BR,Latin America & Caribbean,12325232,member,2010-03-01,https://www.prefeitura.sp.gov.br,CRM-1",
    "Moscow,Москва,city,RU,Europe,13010112,former_member,,,CRM-2",
    '"Seoul, Special City",서울특별시,metropolitan_area,KR,East Asia,"9,668,465",member,2008-01-15,seoul.go.kr,CRM-3',
)


def test_import_creates_records_and_reports_counts(organiser_browser):
    html = _upload(organiser_browser, GOOD).get_data(as_text=True)
    assert "3 records created" in html and "0 records updated" in html and "0 records unchanged" in html
    seoul = _by_external_id("CRM-3")
    assert (seoul.name, seoul.local_name, seoul.kind, seoul.population) == ("Seoul, Special City", "서울특별시", "metropolitan_area", 9668465)
    assert seoul.member_since == date(2008, 1, 15) and seoul.website == "https://seoul.go.kr"
    assert _by_external_id("CRM-2").local_name == "Москва"


def test_semicolons_and_a_bom_as_excel_writes_them(organiser_browser):
    data = "\ufeff" + "\r\n".join(
        [HEADER.replace(",", ";"), "Malmö;;city;SE;Europe;357377;member;;;", "Kraków;;city;PL;Europe;\"804,237\";member;;;K-1", ";;;;;;;;;", ""]
    )
    html = _upload(organiser_browser, data.encode("utf-8")).get_data(as_text=True)
    assert "2 records created" in html
    assert _by_external_id("K-1").population == 804237
    assert db.session.scalar(db.select(Organisation).filter_by(name="Malmö")).country == "SE"


def test_columns_may_come_in_any_order(organiser_browser):
    data = _csv("CRM-9,,,member,,,Oslo,NO,city,", header="external_id,local_name,region,status,population,website,name,country,kind,member_since")
    assert "1 record created" in _upload(organiser_browser, data).get_data(as_text=True)
    assert _by_external_id("CRM-9").name == "Oslo"


def test_invalid_rows_write_nothing_and_every_bad_row_is_reported(organiser_browser):
    data = _csv(
        "Lyon,,city,FR,Europe,,member,,,L-1",
        "Atlantis,,city,XX,,,member,,,A-1",
        "Quito,,village,EC,,lots,member,yesterday,,Q-1",
        "Lyon,,town,FR,,,member,,,L-2",
        ",,city,DE,Nowhere,,member,,,",
    )
    response = _upload(organiser_browser, data)
    assert response.status_code == 200
    problems = _problems(response.get_data(as_text=True))
    assert {(line, column) for line, column, _ in problems} == {
        (3, "country"),
        (4, "kind"),
        (4, "population"),
        (4, "member_since"),
        (5, "name"),
        (6, "name"),
        (6, "region"),
    }
    assert "Same record as line 2." in [reason for line, column, reason in problems if line == 5]
    assert _count() == 0


def test_rows_with_quoted_newlines_are_reported_at_their_own_line(organiser_browser):
    data = _csv(
        '"Multi\nLine Town",,town,DE,,,member,,,M-1',  # lines 2-3
        '"Buenos\r\nAires",,city,AR,,,member,,,B-1',  # lines 4-5
        "Broken,,city,ZZ,,,member,,,Z-1",  # line 6
    )
    problems = _problems(_upload(organiser_browser, data).get_data(as_text=True))
    # A name is one line: each multi-line one is refused at the line its row starts on.
    assert [(line, column) for line, column, _ in problems] == [(2, "name"), (4, "name"), (6, "country")]
    assert [reason for line, _column, reason in problems if line == 2] == ["Keep this on one line."]


def test_blank_trailing_rows_are_ignored(organiser_browser):
    data = _csv("Lyon,,city,FR,,,member,,,", ",,,,,,,,,", "", ",,,,,,,,,")
    assert "1 record created" in _upload(organiser_browser, data).get_data(as_text=True)


@pytest.mark.parametrize(
    "header, column, reason",
    [
        (HEADER.replace(",external_id", ""), "external_id", "Missing column."),
        (HEADER + ",mayor", "mayor", "Unknown column."),
    ],
)
def test_a_missing_or_unknown_column_is_a_clear_error(organiser_browser, header, column, reason):
    problems = _problems(_upload(organiser_browser, _csv("Lyon,,city,FR,,,member,,,,", header=header)).get_data(as_text=True))
    assert (1, column, reason) in problems
    assert _count() == 0


def test_a_file_that_is_not_utf8_is_refused(organiser_browser):
    data = (HEADER + "\r\nMalmö,,city,SE,,,member,,,\r\n").encode("cp1252")
    problems = _problems(_upload(organiser_browser, data).get_data(as_text=True))
    assert len(problems) == 1 and problems[0][0] == 2 and "UTF-8" in problems[0][2]


def test_reimporting_the_same_file_changes_nothing(organiser_browser):
    _upload(organiser_browser, GOOD)
    stamps = {o.external_id: o.updated_at for o in db.session.scalars(db.select(Organisation))}
    html = _upload(organiser_browser, GOOD).get_data(as_text=True)
    assert "3 records unchanged" in html and "0 records created" in html and "0 records updated" in html
    db.session.expire_all()
    assert {o.external_id: o.updated_at for o in db.session.scalars(db.select(Organisation))} == stamps


def test_an_edited_file_updates_in_place_and_keeps_notes_and_networks(organiser_browser):
    _upload(organiser_browser, GOOD)
    moscow = _by_external_id("CRM-2")
    moscow.notes = "Membership suspended in 2022."
    make_network("Megacities", members=[moscow])
    edited = GOOD.replace(b"Moscow,", b"Moskva,").replace(b"13010112", b"13100000")
    html = _upload(organiser_browser, edited).get_data(as_text=True)
    assert "1 record updated" in html and "2 records unchanged" in html
    db.session.expire_all()
    moscow = _by_external_id("CRM-2")
    assert (moscow.name, moscow.population, moscow.notes) == ("Moskva", 13100000, "Membership suspended in 2022.")
    assert [n.name for n in moscow.networks] == ["Megacities"]
    assert _count() == 3


def test_rows_without_external_id_match_on_name_and_country(organiser_browser):
    athens = make_organisation(name="Αθήνα", country="GR", population=1)
    make_organisation(name="Athens", country="US", kind="town")
    html = _upload(organiser_browser, _csv("Αθήνα,,city,GR,Europe,664046,member,,,")).get_data(as_text=True)
    assert "1 record updated" in html
    db.session.expire_all()
    assert athens.population == 664046 and _count() == 2


def test_a_row_with_an_external_id_adopts_a_record_entered_by_hand(organiser_browser):
    lyon = make_organisation(name="Lyon", country="FR")
    assert "1 record updated" in _upload(organiser_browser, _csv("Lyon,,city,FR,,,member,,,L-1")).get_data(as_text=True)
    db.session.expire_all()
    assert lyon.external_id == "L-1" and _count() == 1


def test_a_clash_with_another_record_writes_nothing(organiser_browser):
    make_organisation(name="Lyon", country="FR", external_id="L-1")
    data = _csv("Paris,,city,FR,,,member,,,P-1", "Lyon,,city,FR,,,member,,,L-2")
    problems = _problems(_upload(organiser_browser, data).get_data(as_text=True))
    assert [(line, column) for line, column, _ in problems] == [(3, "name")]
    assert _count() == 1


def test_export_downloads_utf8_csv_with_the_list_filters(organiser_browser):
    make_organisation(name="Malmö", country="SE", status="member")
    make_organisation(name="Kraków", country="PL", status="former_member")
    response = organiser_browser.get("/members/export.csv?status=member")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff" + HEADER + ",email_domains\r\n")
    assert "Malmö" in text and "Kraków" not in text


MANY_SCRIPTS = [
    dict(name="São Paulo", local_name="São Paulo", country="BR", region="Latin America & Caribbean", population=12325232, external_id="X-1"),
    dict(name="Malmö", country="SE", region="Europe", member_since=date(1995, 6, 1), website="https://malmo.se"),
    dict(name="Kraków", country="PL", status="former_member"),
    dict(name="Moscow", local_name="Москва", country="RU", kind="metropolitan_area"),
    dict(name="Αθήνα", country="GR"),
    dict(name="Seoul", local_name="서울특별시", country="KR", region="East Asia", external_id="X-2"),
    dict(name="Tokyo", local_name="東京都", country="JP", kind="metropolitan_area", notes="not exported"),
    dict(name="Cairo", local_name="القاهرة", country="EG", region="Africa"),
    dict(name='Quoted "Town", with; separators', local_name='Ort "Zwei", mit; Trennern', country="DE", kind="town"),
]


def _export(runner, path) -> bytes:
    result = runner.invoke(args=["members", "export", str(path)])
    assert result.exit_code == 0, result.output
    return path.read_bytes()


def _reset_members():
    db.session.execute(db.delete(Organisation))
    db.session.commit()


def test_round_trip_through_the_cli_is_lossless(runner, tmp_path):
    for values in MANY_SCRIPTS:
        make_organisation(**values)
    first = _export(runner, tmp_path / "first.csv")
    assert first.startswith(b"\xef\xbb\xbf")
    _reset_members()
    imported = runner.invoke(args=["members", "import", str(tmp_path / "first.csv")])
    assert imported.exit_code == 0, imported.output
    assert f"{len(MANY_SCRIPTS)} created, 0 updated, 0 unchanged" in imported.output
    assert _export(runner, tmp_path / "second.csv") == first
    again = runner.invoke(args=["members", "import", str(tmp_path / "second.csv")])
    assert f"0 created, 0 updated, {len(MANY_SCRIPTS)} unchanged" in again.output


def test_web_export_imports_back_unchanged(organiser_browser):
    for values in MANY_SCRIPTS:
        make_organisation(**values)
    exported = organiser_browser.get("/members/export.csv").get_data()
    html = _upload(organiser_browser, exported).get_data(as_text=True)
    assert f"{len(MANY_SCRIPTS)} records unchanged" in html


def test_cli_refuses_an_invalid_file_listing_every_bad_row(runner, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(_csv("Lyon,,city,FR,,,member,,,", "Atlantis,,city,XX,,,member,,,", '"Two\nLines",,castle,DE,,,member,,,'))
    result = runner.invoke(args=["members", "import", str(path)])
    assert result.exit_code == 1
    assert "line 3, country:" in result.output and "line 4, kind:" in result.output
    assert _count() == 0


def test_cli_import_reports_counts(runner, tmp_path):
    path = tmp_path / "good.csv"
    path.write_bytes(GOOD)
    result = runner.invoke(args=["members", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 created, 0 updated, 0 unchanged" in result.output
    assert _count() == 3
