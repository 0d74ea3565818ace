"""Member rules and the CSV reader used by both the pages and the CLI, called directly."""
import contextlib

import pytest

from eventhub.core.transaction import atomic

from eventhub.extensions import db
from eventhub.members import csvio, services
from eventhub.members.models import Organisation
from eventhub.core.errors import ValidationError
from tests.factories import make_event, make_network, make_organisation

# A file made before members had e-mail domains: it still imports (the column is optional).
HEADER = "name,local_name,kind,country,region,population,status,member_since,website,external_id"


@pytest.mark.parametrize("name", ["Αθήνα", "Москва", "Kraków"])
def test_a_name_in_any_script_is_refused_twice_in_one_country(name):
    make_organisation(name=name, country="GR")
    with pytest.raises(ValidationError) as refused:
        make_organisation(name=name, country="GR")
    assert "already in the member records" in refused.value.errors["name"][0]
    assert services.find_match({"name": name, "country": "GR"}) is not None


def test_find_match_ignores_ascii_case_and_prefers_the_external_id():
    lyon = make_organisation(name="Lyon", country="FR", external_id="L-1")
    assert services.find_match({"name": "LYON", "country": "FR"}) == lyon
    assert services.find_match({"name": "Paris", "country": "FR", "external_id": "L-1"}) == lyon
    assert services.find_match({"name": "Lyon", "country": "BE"}) is None


def test_network_member_counts_include_empty_networks():
    members = [make_organisation() for _ in range(2)]
    make_network("Zeta", members=members)
    make_network("Alpha")
    assert [(network.name, count) for network, count in services.network_member_counts()] == [("Alpha", 0), ("Zeta", 2)]


def test_participation_lists_hosted_events_newest_first():
    host = make_organisation()
    older = make_event(host_organisation_id=host.id, days_from_now=10)
    newer = make_event(host_organisation_id=host.id, days_from_now=200)
    make_event()
    assert services.participation(host)["hosted_events"] == [newer, older]


def test_organisation_choices_are_labelled_with_the_country():
    oslo = make_organisation(name="Oslo", country="NO")
    assert services.organisation_choices() == [(oslo.id, "Oslo (NO)")]


def test_read_csv_counts_physical_lines_whatever_the_line_endings():
    text = "\r\n".join([HEADER, '"A\nB",,city,DE,,,,,,', "", 'C,,city,DE,,,,,,"x\r\ny\r\nz"', "D,,city,DE,,,,,,"])
    plan = csvio.read_csv(text)
    assert [(row.line, row.values["name"]) for row in plan.rows] == [(2, "A\nB"), (5, "C"), (8, "D")]


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "empty"),
        ("name;local_name\nA;B\n", "Missing column."),
        (HEADER + ",name\n", "Column appears more than once."),
        (HEADER + "\nLyon,city\n", "The row has 2 fields, the header has 10."),
    ],
)
def test_read_csv_explains_a_malformed_file(text, problem):
    plan = csvio.read_csv(text)
    assert any(problem in error.reason for error in plan.errors), plan.errors


def test_a_checked_plan_writes_nothing_until_applied():
    plan = csvio.prepare_import(HEADER + "\nLyon,,city,FR,,,member,,,\n")
    assert plan.errors == [] and db.session.scalar(db.select(db.func.count(Organisation.id))) == 0
    seen = []

    @contextlib.contextmanager
    def progress(rows):
        seen.append(len(rows))
        yield rows

    report = csvio.apply_import(plan, progress=progress)
    assert (report.created, report.updated, report.unchanged, seen) == (1, 0, 0, [1])


def test_an_import_that_fails_half_way_is_rolled_back(monkeypatch):
    text = HEADER + "\nLyon,,city,FR,,,member,,,\nOslo,,city,NO,,,member,,,\n"
    real_save = services.save_organisation

    def save_then_fail(data, organisation=None, **kwargs):
        if data["name"] == "Oslo":
            raise RuntimeError("disk full")
        return real_save(data, organisation, **kwargs)

    monkeypatch.setattr(services, "save_organisation", save_then_fail)
    with pytest.raises(RuntimeError), atomic():
        csvio.import_csv(text)
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 0


def test_export_follows_the_query_it_is_given():
    make_organisation(name="Lyon", country="FR", kind="city")
    make_organisation(name="Dorf", country="DE", kind="town")
    text = csvio.export_csv(services.search_organisations(kind="town")).decode("utf-8")
    assert text.splitlines() == ["\ufeff" + HEADER + ",email_domains", "Dorf,,town,DE,,,member,,,,"]


def test_email_domains_travel_through_the_csv_and_a_file_without_them_keeps_them():
    with atomic():
        csvio.import_csv(HEADER + ",email_domains\nLisboa,,city,PT,,,member,,,,lisboa.pt cm-lisboa.pt\n")
    lisboa = db.session.scalar(db.select(Organisation).where(Organisation.name == "Lisboa"))
    assert lisboa.email_domains == ["lisboa.pt", "cm-lisboa.pt"]
    with atomic():
        csvio.import_csv(HEADER + "\nLisboa,,city,PT,,,member,,https://lisboa.pt,\n")  # an older file
    db.session.refresh(lisboa)
    assert lisboa.email_domains == ["lisboa.pt", "cm-lisboa.pt"] and lisboa.website == "https://lisboa.pt"
    exported = csvio.export_csv(services.search_organisations()).decode("utf-8")
    assert exported.splitlines()[1].endswith(",lisboa.pt cm-lisboa.pt")
    bad = csvio.prepare_import(HEADER + ",email_domains\nPorto,,city,PT,,,member,,,,not_a_domain!\n")
    assert [error.column for error in bad.errors] == ["email_domains"]
