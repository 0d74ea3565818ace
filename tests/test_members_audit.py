"""Changes to member records, networks and regions leave an audit entry saying who did what."""
import io

import lxml.html
import pytest
from sqlalchemy import select

from eventhub.audit.models import AuditEntry
from eventhub.audit.services import Actor
from eventhub.core.transaction import atomic
from eventhub.extensions import db
from eventhub.core.formatting import format_in_zone
from eventhub.members.models import Network, Organisation
from eventhub.members.services import save_organisation
from tests.factories import make_token, make_network, make_organisation, make_user

HEADER = "name,local_name,kind,country,region,population,status,member_since,website,external_id"


def entries(subject_type: str, subject_id: int | None = None) -> list[AuditEntry]:
    """Entries about one record (or every record of a type), oldest first."""
    query = select(AuditEntry).where(AuditEntry.subject_type == subject_type)
    if subject_id is not None:
        query = query.where(AuditEntry.subject_id == subject_id)
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def prefilled(page: str) -> dict:
    """What the browser sends back when the record's form is submitted untouched."""
    form = next(f for f in lxml.html.fromstring(page).forms if f.get("method") == "post" and "name" in f.fields)
    values: dict[str, list[str]] = {}
    for name, value in form.form_values():
        values.setdefault(name, []).append(value)
    return values


def organisation_form(**values) -> dict:
    """The new-member form as a browser sends it."""
    data = {"name": "Seoul", "local_name": "서울특별시", "kind": "city", "status": "member", "country": "KR",
            "region": "East Asia", "population": "9 400 000", "member_since": "2010-05-01", "website": "",
            "external_id": "", "notes": ""}
    data.update(values)
    return data


@pytest.fixture
def headers(organiser):
    """An organiser's bearer token."""
    _token, secret = make_token(organiser, "tests")
    return {"Authorization": f"Bearer {secret}"}


def test_adding_a_member_on_the_page_records_the_organiser_and_the_values(organiser_browser, organiser):
    assert organiser_browser.post("/members/new", organisation_form()).status_code == 302
    organisation = db.session.scalar(select(Organisation))
    [entry] = entries("organisation", organisation.id)
    assert (entry.action, entry.actor, entry.user_id, entry.event_id) == ("organisation.created", organiser.email, organiser.id, None)
    assert entry.changes["local_name"] == "서울특별시"
    assert (entry.changes["region"], entry.changes["population"], entry.changes["member_since"]) == ("East Asia", 9_400_000, "2010-05-01")


def test_editing_a_member_on_the_page_records_only_what_changed(organiser_browser, organiser):
    network = make_network("Ciudades Ñandú")
    organisation = make_organisation(name="Kraków", country="PL", population=800_000, status="member")
    url = f"/members/{organisation.id}/edit"
    data = prefilled(organiser_browser.get(url).get_data(as_text=True))
    data.update(status=["former_member"], population=["804 237"], network_ids=[str(network.id)])
    assert organiser_browser.post(url, data).status_code == 302
    entry = entries("organisation", organisation.id)[-1]
    assert (entry.action, entry.actor, entry.user_id) == ("organisation.updated", organiser.email, organiser.id)
    assert entry.changes == {
        "status": ["member", "former_member"],
        "population": [800_000, 804_237],
        "networks": [[], ["Ciudades Ñandú"]],
    }


def test_saving_a_member_form_untouched_records_nothing(organiser_browser):
    network = make_network("Resilient Cities")
    organisation = make_organisation(name="Αθήνα", local_name="Αθήνα", country="GR", region="Europe", population=643_452,
                                     member_since="2001-02-03", website="athens.gr", external_id="CRM-7",
                                     notes="Μέλος", network_ids=[network.id])
    url = f"/members/{organisation.id}/edit"
    assert organiser_browser.post(url, prefilled(organiser_browser.get(url).get_data(as_text=True))).status_code == 302
    assert [e.action for e in entries("organisation", organisation.id)] == ["organisation.created"]


def test_networks_record_their_creation_and_the_members_added_and_removed(organiser_browser, organiser):
    lyon, oslo, kyiv = (make_organisation(name=n, country=c) for n, c in (("Lyon", "FR"), ("Oslo", "NO"), ("Київ", "UA")))
    response = organiser_browser.post("/members/networks/new", {"name": "Climate", "member_ids": [str(lyon.id), str(oslo.id)]})
    assert response.status_code == 302
    network = db.session.scalar(select(Network))
    url = f"/members/networks/{network.id}/edit"
    response = organiser_browser.post(url, {"name": "Climate Cities", "description": "", "member_ids": [str(oslo.id), str(kyiv.id)]})
    assert response.status_code == 302
    organiser_browser.post(url, {"name": "Climate Cities", "description": "", "member_ids": [str(oslo.id), str(kyiv.id)]})
    created, updated = entries("network", network.id)  # the unchanged third save recorded nothing
    assert (created.action, created.actor, created.user_id) == ("network.created", organiser.email, organiser.id)
    assert created.changes == {"name": "Climate", "members": ["Lyon (FR)", "Oslo (NO)"]}
    assert (updated.action, updated.actor) == ("network.updated", organiser.email)
    assert updated.changes == {"name": ["Climate", "Climate Cities"], "members": {"added": ["Київ (UA)"], "removed": ["Lyon (FR)"]}}


def test_adding_a_region_on_the_page_records_the_organiser(organiser_browser, organiser):
    organiser_browser.post("/members/regions", {"name": "Arctic"})
    [entry] = entries("region")
    assert (entry.action, entry.actor, entry.changes) == ("region.created", organiser.email, {"name": "Arctic"})


def test_the_api_records_the_token_owner_and_a_patch_that_changes_nothing_records_nothing(client, headers, organiser):
    body = {"name": "Cairo", "local_name": "القاهرة", "kind": "city", "country": "EG"}
    member_id = client.post("/api/v1/members", json=body, headers=headers).json["id"]
    url = f"/api/v1/members/{member_id}"
    assert client.patch(url, json={"population": 10_000_000}, headers=headers).status_code == 200
    assert client.patch(url, json={"population": 10_000_000, "name": "Cairo"}, headers=headers).status_code == 200
    created, updated = entries("organisation", member_id)
    assert (created.action, created.actor, created.user_id) == ("organisation.created", organiser.email, organiser.id)
    assert created.changes["local_name"] == "القاهرة"
    assert (updated.action, updated.user_id, updated.changes) == ("organisation.updated", organiser.id, {"population": [None, 10_000_000]})


def upload(browser, text: str):
    """Import a CSV file through the organiser page."""
    data = {"file": (io.BytesIO(text.encode()), "members.csv")}
    return browser.post("/members/import", data, content_type="multipart/form-data")


def test_a_csv_import_on_the_page_records_one_entry_per_created_or_updated_row(organiser_browser, organiser):
    make_organisation(name="Lyon", country="FR", population=500_000)
    make_organisation(name="Oslo", country="NO")
    text = f"{HEADER}\nLyon,,city,FR,,520000,member,,,\nOslo,,city,NO,,,member,,,\nMalmö,,city,SE,,,member,,,\n"
    assert "1 record created" in upload(organiser_browser, text).get_data(as_text=True)
    by_user = [(e.action, e.changes.get("name") or e.changes.get("population")) for e in entries("organisation") if e.user_id]
    assert by_user == [("organisation.updated", [500_000, 520_000]), ("organisation.created", "Malmö")]
    assert {e.actor for e in entries("organisation") if e.user_id} == {organiser.email}


def test_a_refused_csv_import_records_nothing(organiser_browser):
    upload(organiser_browser, f"{HEADER}\nLyon,,city,FR,,,member,,,\nNowhere,,city,XX,,,member,,,\n")
    assert entries("organisation") == []


def test_the_cli_import_is_recorded_as_cli(runner, tmp_path):
    path = tmp_path / "members.csv"
    path.write_text(f"{HEADER}\nЛьвів,,city,UA,,,member,,,\n", encoding="utf-8")
    result = runner.invoke(args=["members", "import", str(path)])
    assert result.exit_code == 0, result.output
    [entry] = entries("organisation")
    assert (entry.action, entry.actor, entry.user_id, entry.changes["name"]) == ("organisation.created", "cli", None, "Львів")


def test_the_member_edit_page_shows_its_history_newest_first(app, organiser_browser, organiser):
    organisation = make_organisation(name="Tokyo", country="JP", population=13_000_000)
    organiser_browser.post(f"/members/{organisation.id}/edit", organisation_form(name="Tokyo", local_name="東京都", country="JP", region="", population="14 000 000"))
    page = organiser_browser.get(f"/members/{organisation.id}/edit").get_data(as_text=True)
    history = page[page.index('id="history-heading"'):]
    assert history.index("organisation.updated") < history.index("organisation.created")
    assert organiser.email in history and "system" in history and "東京都" in history
    updated = entries("organisation", organisation.id)[-1]
    with app.test_request_context():
        assert format_in_zone(updated.at, app.config["EVENTHUB_TIMEZONE"]) in history
    assert 'id="history-heading"' not in organiser_browser.get("/members/new").get_data(as_text=True)


def test_the_network_edit_page_shows_its_history(organiser_browser):
    lyon = make_organisation(name="Lyon", country="FR")
    network = make_network("Climate")
    organiser_browser.post(f"/members/networks/{network.id}/edit", {"name": "Climate", "member_ids": [str(lyon.id)]})
    history = organiser_browser.get(f"/members/networks/{network.id}/edit").get_data(as_text=True)
    history = history[history.index('id="history-heading"'):]
    assert history.index("network.updated") < history.index("network.created")
    assert "Lyon (FR)" in history


def test_the_member_history_costs_the_same_queries_however_long_it_is(organiser_browser, count_queries):
    organisation = make_organisation(name="Bonn")
    url = f"/members/{organisation.id}/edit"
    db.session.expire_all()  # as after any save: the signed-in user is loaded again in both measures
    with count_queries() as few:
        organiser_browser.get(url)
    for n in range(6):  # six different people: a per-row look-up of who acted could not hide in the session
        editor = Actor.for_user(make_user(email=f"editor{n}@example.org"))
        with atomic():
            save_organisation({"population": 1000 + n}, organisation, actor=editor)
    db.session.expire_all()
    with count_queries() as many:
        page = organiser_browser.get(url).get_data(as_text=True)
    assert page.count("organisation.updated") == 6
    assert len(many) == len(few)
