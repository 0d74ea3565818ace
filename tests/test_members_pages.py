"""Organiser pages for member records: list, search, filters, forms, networks, regions, access."""
import re
from datetime import date

import pytest

from eventhub.extensions import db
from eventhub.members.models import Organisation
from eventhub.members.services import region_by_name
from tests.factories import make_event, make_network, make_organisation, make_user

PAGES = [
    "/members/",
    "/members/new",
    "/members/{org}",
    "/members/{org}/edit",
    "/members/networks",
    "/members/networks/new",
    "/members/networks/{net}",
    "/members/networks/{net}/edit",
    "/members/regions",
    "/members/import",
    "/members/export.csv",
]


def _names(html: str) -> list[str]:
    """The organisation names in the list table, in order."""
    return re.findall(r'<th scope="row">\s*<a href="/members/\d+">([^<]+)</a>', html)


@pytest.mark.parametrize("who, expected", [("anonymous", 302), ("checkin", 403), ("admin", 200), ("organiser", 200)])
@pytest.mark.parametrize("page", PAGES)
def test_member_pages_are_for_organisers_only(browser, page, who, expected):
    organisation = make_organisation()
    network = make_network()
    if who != "anonymous":
        browser.login(make_user(roles=[who]))
    response = browser.get(page.format(org=organisation.id, net=network.id))
    assert response.status_code == expected
    if who == "anonymous":
        assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "query, expected",
    [("sao paulo", "São Paulo"), ("KRAKOW", "Kraków"), ("malmo", "Malmö"), ("Москва", "Moscow"), ("서울", "Seoul"), ("αθήνα", "Athens")],
)
def test_search_ignores_accents_and_case_and_finds_local_names(organiser_browser, query, expected):
    make_organisation(name="São Paulo", country="BR", local_name="São Paulo")
    make_organisation(name="Kraków", country="PL")
    make_organisation(name="Malmö", country="SE")
    make_organisation(name="Moscow", country="RU", local_name="Москва")
    make_organisation(name="Seoul", country="KR", local_name="서울특별시")
    make_organisation(name="Athens", country="GR", local_name="Αθήνα")
    html = organiser_browser.get("/members/", query_string={"q": query}).get_data(as_text=True)
    assert _names(html) == [expected]


def test_list_shows_the_columns_organisers_need(organiser_browser):
    network = make_network("Climate Neutral Cities")
    seoul = make_organisation(
        name="Seoul", local_name="서울특별시", country="KR", region="East Asia", population=9668465, kind="city"
    )
    network.members.append(seoul)
    db.session.commit()
    html = organiser_browser.get("/members/").get_data(as_text=True)
    for text in ("Seoul", "서울특별시", "Korea, Republic of", "East Asia", "Member", "City", "9,668,465", "Climate Neutral Cities"):
        assert text in html


@pytest.mark.parametrize(
    "filter_name, make_value",
    [
        ("kind", lambda: "town"),
        ("status", lambda: "former_member"),
        ("region_id", lambda: region_by_name("Africa").id),
        ("country", lambda: "ZA"),
        ("network_id", lambda: make_network("Resilient Cities", members=[db.session.scalar(db.select(Organisation).filter_by(name="Durban"))]).id),
    ],
)
def test_each_filter_narrows_the_list(organiser_browser, filter_name, make_value):
    make_organisation(name="Durban", kind="town", status="former_member", region="Africa", country="ZA")
    make_organisation(name="Lyon", kind="city", status="member", region="Europe", country="FR")
    html = organiser_browser.get("/members/", query_string={filter_name: make_value()}).get_data(as_text=True)
    assert _names(html) == ["Durban"]


def test_unknown_filter_values_are_ignored_not_an_error(organiser_browser):
    make_organisation(name="Lyon", country="FR")
    response = organiser_browser.get("/members/?kind=castle&region_id=abc&country=XX")
    assert response.status_code == 200
    assert _names(response.get_data(as_text=True)) == ["Lyon"]


def test_pagination_keeps_the_filters(app, organiser_browser):
    for number in range(30):
        make_organisation(name=f"Ville {number:02d}", country="FR", status="member")
    make_organisation(name="Ville Former", country="FR", status="former_member")
    html = organiser_browser.get("/members/?status=member&country=FR").get_data(as_text=True)
    assert len(_names(html)) == app.config["MEMBERS_PER_PAGE"] == 25
    next_link = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert "status=member" in next_link and "country=FR" in next_link and "page=2" in next_link
    second = organiser_browser.get(next_link).get_data(as_text=True)
    assert _names(second) == [f"Ville {n:02d}" for n in range(25, 30)]


def test_list_runs_the_same_few_queries_for_5_or_40_members(organiser_browser, count_queries):
    networks = [make_network(f"Network {n}") for n in range(3)]

    def add_members(how_many):
        for _ in range(how_many):
            organisation = make_organisation(region="Europe")
            organisation.networks.extend(networks)
        db.session.commit()

    def queries_for_list_page() -> int:
        db.session.expire_all()
        with count_queries() as statements:
            html = organiser_browser.get("/members/").get_data(as_text=True)
        assert "Network 2" in html
        return len(statements)

    add_members(5)
    with_5 = queries_for_list_page()
    add_members(35)
    with_40 = queries_for_list_page()
    # user and roles, regions and networks for the filters, count, page, the page's networks
    assert with_5 == with_40 <= 7


def _form(**values):
    data = {
        "name": "Kraków",
        "local_name": "",
        "kind": "city",
        "country": "PL",
        "region": "Europe",
        "population": "804 237",
        "status": "member",
        "member_since": "2011-05-01",
        "website": "www.krakow.pl",
        "external_id": "CRM-7",
        "notes": "Host of the 2027 congress.",
    }
    data.update(values)
    return data


def test_create_a_member_then_see_it(organiser_browser):
    network = make_network("Cities for Clean Air")
    response = organiser_browser.post("/members/new", _form(network_ids=[str(network.id)]))
    assert response.status_code == 302
    organisation = db.session.scalar(db.select(Organisation).filter_by(external_id="CRM-7"))
    assert organisation.population == 804237 and organisation.member_since == date(2011, 5, 1)
    assert [n.name for n in organisation.networks] == ["Cities for Clean Air"]
    html = organiser_browser.get(response.headers["Location"]).get_data(as_text=True)
    for text in ("Kraków is saved.", "Poland", "Europe", "804,237", "https://www.krakow.pl", "CRM-7", "Cities for Clean Air", "Host of the 2027 congress."):
        assert text in html


def _error_next_to(html: str, field: str) -> str:
    """The error message rendered right after a field."""
    match = re.search(rf'<small id="{field}-errors" class="field-error" role="alert">([^<]*)</small>', html)
    return match.group(1) if match else ""


def test_bad_input_is_shown_next_to_its_field_and_nothing_typed_is_lost(organiser_browser):
    response = organiser_browser.post("/members/new", _form(population="lots", website="not a site", local_name="Królewskie Miasto"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "is not a whole number" in _error_next_to(html, "population")
    assert "is not a web address" in _error_next_to(html, "website")
    for typed in ('value="lots"', 'value="not a site"', 'value="Królewskie Miasto"', 'value="CRM-7"', "Host of the 2027 congress."):
        assert typed in html
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 0


def test_a_duplicate_name_in_the_same_country_is_refused_on_the_name(organiser_browser):
    make_organisation(name="Kraków", country="PL")
    html = organiser_browser.post("/members/new", _form(external_id="")).get_data(as_text=True)
    assert "already in the member records" in _error_next_to(html, "name")


def test_edit_keeps_networks_unless_changed_and_shows_errors(organiser_browser):
    network = make_network("Ocean Cities")
    organisation = make_organisation(name="Lisbon", country="PT", local_name="Lisboa")
    network.members.append(organisation)
    db.session.commit()
    form_html = organiser_browser.get(f"/members/{organisation.id}/edit").get_data(as_text=True)
    assert 'value="Lisboa"' in form_html and re.search(rf'<option selected value="{network.id}">', form_html)
    bad = organiser_browser.post(f"/members/{organisation.id}/edit", _form(name="Lisbon", country="PT", member_since="someday"))
    assert bad.status_code == 200 and _error_next_to(bad.get_data(as_text=True), "member_since")
    ok = organiser_browser.post(f"/members/{organisation.id}/edit", _form(name="Lisboa", country="PT", network_ids=[]))
    assert ok.status_code == 302
    db.session.expire_all()
    assert organisation.name == "Lisboa" and organisation.networks == []


def test_detail_lists_the_events_the_member_hosted(organiser_browser):
    host = make_organisation(name="Malmö", country="SE")
    make_event(title="Nordic Summit", host_organisation_id=host.id)
    make_event(title="Draft Forum", status="draft", host_organisation_id=host.id)
    make_event(title="Someone Else's Congress")
    html = organiser_browser.get(f"/members/{host.id}").get_data(as_text=True)
    participation = html[html.index("Participation"):]
    assert "Nordic Summit" in participation and "Draft Forum" in participation
    assert "Someone Else" not in participation


def test_networks_list_counts_members_in_one_query(organiser_browser, count_queries):
    members = [make_organisation() for _ in range(3)]
    make_network("Big Network", members=members)
    make_network("Empty Network")

    def queries_for_networks_page() -> tuple[int, str]:
        db.session.expire_all()
        with count_queries() as statements:
            html = organiser_browser.get("/members/networks").get_data(as_text=True)
        return len(statements), html

    few, html = queries_for_networks_page()
    assert re.search(r"Big Network</a></th>\s*<td[^>]*><a[^>]*>3</a>", html)
    assert re.search(r"Empty Network</a></th>\s*<td[^>]*><a[^>]*>0</a>", html)
    for n in range(10):
        make_network(f"More {n}", members=members)
    many, _ = queries_for_networks_page()
    assert few == many


def test_create_and_edit_a_network_with_members(organiser_browser):
    lyon, oslo = make_organisation(name="Lyon", country="FR"), make_organisation(name="Oslo", country="NO")
    response = organiser_browser.post("/members/networks/new", {"name": "Ευρωπαϊκό Δίκτυο", "member_ids": [str(lyon.id)]})
    assert response.status_code == 302
    html = organiser_browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ευρωπαϊκό Δίκτυο" in html and "Lyon" in html and "Oslo" not in html
    network_id = int(response.headers["Location"].rsplit("/", 1)[1])
    organiser_browser.post(f"/members/networks/{network_id}/edit", {"name": "Ευρωπαϊκό Δίκτυο", "member_ids": [str(oslo.id)]})
    html = organiser_browser.get(f"/members/networks/{network_id}").get_data(as_text=True)
    assert "Oslo" in html and "Lyon" not in html


def test_a_network_name_must_be_unique(organiser_browser):
    make_network("Ocean Cities")
    response = organiser_browser.post("/members/networks/new", {"name": "ocean cities"})
    assert response.status_code == 200
    assert "already exists" in _error_next_to(response.get_data(as_text=True), "name")


def test_organisers_add_a_region_and_can_use_it(organiser_browser):
    response = organiser_browser.post("/members/regions", {"name": "Middle East & North Africa"})
    assert response.status_code == 302
    assert "Middle East &amp; North Africa" in organiser_browser.get("/members/regions").get_data(as_text=True)
    again = organiser_browser.post("/members/regions", {"name": "middle east & north africa"})
    assert "already exists" in _error_next_to(again.get_data(as_text=True), "name")
    form = organiser_browser.get("/members/new").get_data(as_text=True)
    assert '<option value="Middle East &amp; North Africa">' in form
