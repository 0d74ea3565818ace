"""`flask demo`: realistic, deterministic demo data, exactly as many members as asked for."""
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from eventhub.audit.models import AuditEntry
from eventhub.auth.models import User
from eventhub.core.types import utcnow
from eventhub.demo.cli import MAX_MEMBERS, existing_data
from eventhub.demo.plan import plan_organisations
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.members.models import DEFAULT_REGIONS, LOCAL_GOVERNMENT_KINDS, Network, Organisation, Region
from tests import factories
from tests.demo_support import restore, seed_once

LOGIN_LINE = re.compile(r"^\s+(\w+)\s+(\S+@eventhub\.test)\s+password: (\S+)$", re.MULTILINE)


def _demo(runner, *args):
    # Registrations and the agenda have their own tests (test_demo_attendees.py, test_demo_agenda.py);
    # without them these stay fast.
    if "--attendees" not in args:
        args = (*args, "--attendees", "0")
    if "--sessions" not in args:
        args = (*args, "--sessions", "0")
    result = runner.invoke(args=["demo", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def _organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.external_id)))


def _event(kind: str, status: str = "published") -> Event:
    return db.session.scalars(select(Event).where(Event.kind == kind, Event.status == status)).one()


def _empty_database() -> None:
    """What the test teardown does, so one test can seed twice; the default regions stay."""
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            if table.name != Region.__tablename__:
                connection.execute(table.delete())


def _snapshot() -> list[tuple]:
    """Everything the seed decides, in a comparable form."""
    return [
        (o.external_id, o.name, o.local_name, o.kind, o.country, o.region.name, o.population, o.status,
         o.member_since, o.website, tuple(n.name for n in o.networks))
        for o in _organisations()
    ]


@pytest.fixture(scope="module")
def default_demo(app):
    """A default `flask demo` (members, networks, events, accounts), seeded once for the module."""
    return seed_once(app, "--attendees", "0", "--sessions", "0")


@pytest.fixture
def seeded(default_demo):
    """A database after a default `flask demo`; the value is the command's output."""
    output, rows = default_demo
    restore(rows)
    return output


def test_default_run_creates_about_150_members_in_every_region(seeded):
    organisations = _organisations()
    assert len(organisations) == 150
    assert {o.region.name for o in organisations} == set(DEFAULT_REGIONS)
    assert organisations[0].external_id == "ICLEI-0001"
    assert sum(o.kind == "city" for o in organisations) > 100
    assert {"metropolitan_area", "region", "association", "international_organisation", "academia", "ngo",
            "business"} <= {o.kind for o in organisations}
    statuses = [o.status for o in organisations]
    assert statuses.count("member") > 100 and "former_member" in statuses and "non_member" in statuses
    assert all(o.member_since for o in organisations if o.status == "member")
    assert "Created 150 organisations in 8 regions" in seeded


def test_real_places_keep_their_local_scripts(seeded):
    by_local = {o.local_name: o for o in _organisations() if o.local_name}
    assert by_local["Москва"].country == "RU"
    assert by_local["서울특별시"].name == "Seoul"
    assert by_local["القاهرة"].country == "EG"
    assert {"Αθήνα", "東京都", "Київ", "北京市", "กรุงเทพมหานคร"} <= by_local.keys()
    names = {o.name for o in _organisations()}
    assert {"São Paulo", "Malmö", "Kraków", "Bengaluru"} <= names


def test_three_networks_of_member_local_governments(seeded):
    networks = list(db.session.scalars(select(Network)))
    assert len(networks) == 3
    for network in networks:
        assert len(network.members) >= 10
        assert all(m.status == "member" and m.kind in LOCAL_GOVERNMENT_KINDS for m in network.members)


def test_congress_is_published_for_three_days_in_the_host_citys_timezone(seeded):
    congress = _event("congress")
    host = congress.host_organisation
    assert (host.name, host.status, congress.timezone) == ("Malmö", "member", "Europe/Stockholm")
    start = congress.start_at.astimezone(ZoneInfo(congress.timezone))
    end = congress.end_at.astimezone(ZoneInfo(congress.timezone))
    assert (start.hour, start.minute, end.hour, end.minute) == (9, 0, 18, 0)
    assert end.date() - start.date() == timedelta(days=2)
    now = utcnow()
    assert congress.start_at > now + timedelta(days=60)
    assert congress.registration_opens <= now < congress.registration_closes < congress.start_at
    assert congress.capacity == 1500 and congress.venue_name and congress.latitude is not None


def test_network_meeting_is_restricted_to_a_network_and_a_draft_exists(seeded):
    meeting = _event("network_meeting")
    assert meeting.network is not None
    assert meeting.host_organisation in meeting.network.members
    assert meeting.timezone not in ("Europe/Stockholm", "UTC")
    assert meeting.start_at > utcnow()
    assert db.session.scalars(select(Event).where(Event.status == "draft")).one()


def test_printed_logins_sign_in_with_their_roles(seeded, browser):
    logins = LOGIN_LINE.findall(seeded)
    assert {role for role, _, _ in logins} == {"admin", "organiser", "checkin"}
    assert "http://127.0.0.1:5000" in seeded
    for role, email, password in logins:
        user = db.session.scalars(select(User).where(User.email == email)).one()
        assert user.roles == {role}
        assert browser.post("/auth/login", {"email": email, "password": password}).status_code == 302
        browser.logout()


def test_home_page_shows_the_congress_and_meeting_but_not_the_draft(seeded, client):
    html = client.get("/").get_data(as_text=True)
    assert _event("congress").title in html
    assert _event("network_meeting").title in html
    assert _event("network_meeting", status="draft").title not in html


def test_same_seed_gives_the_same_data(runner):
    _demo(runner, "--seed", "7")
    first = _snapshot()
    _empty_database()
    _demo(runner, "--seed", "7")
    assert _snapshot() == first
    assert plan_organisations(150, 7) == plan_organisations(150, 7)
    assert plan_organisations(150, 7) != plan_organisations(150, 8)


def test_second_run_refuses_and_points_to_if_empty(seeded, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 1
    assert "--if-empty" in result.output
    assert len(_organisations()) == 150


def test_if_empty_skips_a_database_with_users_but_still_prints_logins(runner):
    factories.make_user(email="someone@example.org")
    result = _demo(runner, "--if-empty")
    assert result.exit_code == 0
    assert "Skipping" in result.output
    assert _organisations() == []
    assert "admin@eventhub.test" in result.output and "not in this database" in result.output


def test_if_empty_seeds_an_empty_database(runner):
    result = _demo(runner, "--if-empty", "--members", "10")
    assert result.exit_code == 0 and "Skipping" not in result.output
    assert len(_organisations()) == 10
    assert len(LOGIN_LINE.findall(result.output)) == 3


def test_members_20_still_covers_every_region_and_the_event_hosts(runner):
    assert _demo(runner, "--members", "20").exit_code == 0
    organisations = _organisations()
    assert len(organisations) == 20
    assert {o.region.name for o in organisations} == set(DEFAULT_REGIONS)
    assert _event("congress").host_organisation.name == "Malmö"
    assert _event("network_meeting").host_organisation is not None


def test_members_beyond_the_real_list_are_invented_plausibly(runner):
    assert _demo(runner, "--members", "175").exit_code == 0
    organisations = _organisations()
    assert len(organisations) == 175
    invented = organisations[150:]
    assert len({o.name for o in organisations}) == 175
    assert all(o.kind in ("city", "town") and o.population and o.region for o in invented)
    assert any(o.local_name and o.local_name.endswith("市") for o in invented)


def test_members_give_exactly_the_number_asked_for_with_unique_names_and_ids(runner):
    assert _demo(runner, "--members", "3000").exit_code == 0
    organisations = _organisations()
    assert len(organisations) == 3000
    assert len({(o.name.lower(), o.country) for o in organisations}) == 3000
    assert len({o.external_id for o in organisations}) == 3000
    assert {o.region.name for o in organisations} == set(DEFAULT_REGIONS)
    # Every record has the organisation.created entry save_organisation writes, with its values.
    created = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "organisation.created")).all()
    assert sorted(e.subject_id for e in created) == sorted(o.id for o in organisations)
    first = next(e for e in created if e.subject_id == organisations[0].id)
    assert first.subject_type == "organisation" and first.changes["name"] == organisations[0].name
    # Search folds them as the member pages do.
    assert db.session.scalars(select(Organisation).where(Organisation.search_text.like("%krakow%"))).one().name == "Kraków"


def test_a_plan_of_25000_members_keeps_names_and_external_ids_unique():
    plans = plan_organisations(25_000, 2027)
    assert len(plans) == 25_000
    assert len({(p["name"].lower(), p["country"]) for p in plans}) == 25_000  # the unique constraint, in any case
    assert len({p["external_id"] for p in plans}) == 25_000
    assert all(len(p["name"]) <= 200 and (p["local_name"] is None or len(p["local_name"]) <= 200) for p in plans)


def test_more_members_than_supported_are_refused_before_anything_is_written(runner):
    result = runner.invoke(args=["demo", "--members", str(MAX_MEMBERS + 1)])
    assert result.exit_code == 2
    assert f"at most {MAX_MEMBERS:,} organisations" in result.output
    assert existing_data() == ""


def test_every_demo_event_names_whom_to_contact_and_the_congress_page_shows_it(seeded, client):
    assert all(event.contact_email for event in db.session.scalars(select(Event)))
    congress = _event("congress")
    html = client.get(f"/events/{congress.slug}").get_data(as_text=True)
    assert "mailto:congress@example.org" in html
    assert "<strong>mayors and governors</strong>" in html  # its description's Markdown, rendered


def test_the_demo_congress_reads_in_french_spanish_and_portuguese(seeded):
    congress = db.session.scalar(select(Event).where(Event.kind == "congress"))
    year = congress.title.rsplit(" ", 1)[1]
    assert congress.localized("title", "fr") == f"Congrès mondial {year}"
    assert congress.localized("summary", "pt_BR").startswith("Três dias em Malmö")
    assert congress.localized("description", "es") == congress.description  # not translated: the main one

