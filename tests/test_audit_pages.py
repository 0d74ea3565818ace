"""The audit trail for people: an event's whole trail for its organisers, the whole system's for admins.

Each page filters by kind of object (and one object), by who acted and by days, newest first, a page at
a time, and names every entry's object with a link to its page; a session's page leads to its own trail
("who moved this session to another room, and when" in two clicks).
"""
from datetime import UTC, datetime

import lxml.html
import pytest
from sqlalchemy import select, update

from eventhub.agenda.models import Room
from eventhub.agenda.services import delete_session, save_session
from eventhub.agenda.signups import sign_up
from eventhub.audit.models import AuditEntry
from eventhub.audit.services import Actor
from eventhub.checkin.models import CheckIn
from eventhub.checkin.services import check_in_registration, undo
from eventhub.core.transaction import atomic
from eventhub.extensions import db
from eventhub.trail import views
from eventhub.trail.subjects import KINDS
from tests.factories import (
    make_event,
    make_organisation,
    make_registration,
    make_session,
    make_token,
    make_user,
    make_workshop,
)


def page_of(response) -> lxml.html.HtmlElement:
    assert response.status_code == 200, response.status_code
    return lxml.html.fromstring(response.get_data(as_text=True))


def rows(doc) -> list[list[str]]:
    """The trail table's rows as the text of their cells, first row first."""
    return [[" ".join(" ".join(cell.itertext()).split()) for cell in row.xpath("td")]
            for row in doc.xpath("//table/tbody/tr")]


def trail(browser, event, **args):
    return browser.get(f"/manage/events/{event.slug}/trail", query_string=args)


def set_moment(action: str, moment: datetime) -> None:
    """Put the entries of one action at a known moment, to test days and timezones."""
    db.session.execute(update(AuditEntry).where(AuditEntry.action == action).values(at=moment))
    db.session.commit()


@pytest.fixture
def event():
    return make_event(title="Congresso São Paulo", timezone="America/Sao_Paulo")


@pytest.fixture
def rooms(event):
    made = [Room(event_id=event.id, name="Plenário"), Room(event_id=event.id, name="Зал 2")]
    db.session.add_all(made)
    db.session.commit()
    return made


def move(session, room, user):
    """An organiser moves a session to another room (the session form, the timetable and the API all call this)."""
    with atomic():
        save_session(session.event, {"room_id": room.id}, Actor.for_user(user), session)


def test_a_sessions_page_leads_to_who_moved_it_to_another_room_and_when(organiser_browser, event, rooms):
    mover = make_user(full_name="Ngozi Okonkwo-Ibrahim", email="ngozi@example.org")
    session = make_session(event, title="Água e clima", room_id=rooms[0].id)
    other = make_registration(event, full_name="Not About This Session")
    move(session, rooms[1], mover)
    set_moment("session.updated", datetime(2027, 3, 10, 15, 30, tzinfo=UTC))

    # Click 1: the session's organiser page; click 2: its link to the trail.
    session_page = page_of(organiser_browser.get(f"/manage/events/{event.slug}/agenda/sessions/{session.id}"))
    link = session_page.xpath("//a[contains(@href, '/trail')]/@href")
    assert len(link) == 1
    doc = page_of(organiser_browser.get(link[0]))

    found = rows(doc)
    assert [row[2] for row in found] == ["Session changed", "Session created"]
    when, who, what, which, changes = found[0]
    assert who == "Ngozi Okonkwo-Ibrahim ngozi@example.org"
    assert "room: Plenário → Зал 2" in changes
    assert "12:30" in when  # 15:30 UTC on São Paulo's clock
    assert which.startswith("Água e clima")
    assert doc.xpath("//th")[0].text_content() == "When (America/Sao_Paulo)"
    assert other.full_name not in doc.text_content()  # only this session's entries


def test_an_events_trail_has_every_kind_of_its_objects_newest_first_and_nothing_of_another_event(
        organiser_browser, event, rooms):
    registration = make_registration(event, full_name="Łucja Żółć-Müller")
    session = make_session(event, title="Cidades 東京", room_id=rooms[0].id)
    elsewhere = make_event(title="Another congress")
    make_registration(elsewhere, full_name="Someone Elsewhere")

    doc = page_of(trail(organiser_browser, event))

    text = doc.text_content()
    assert not doc.xpath("//*[@role='alert']")  # no filter, no complaint
    assert "Łucja Żółć-Müller" in text and "Cidades 東京" in text and "Someone Elsewhere" not in text
    ids = [entry.id for entry in db.session.scalars(
        select(AuditEntry).where(AuditEntry.event_id == event.id).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))]
    assert len(rows(doc)) == len(ids)
    assert rows(doc)[0][2] == "Session created"  # the newest first
    links = doc.xpath("//table//td[4]//a[not(contains(@href, 'trail'))]/@href")
    assert f"/manage/events/{event.slug}/registrations/{registration.id}" in links
    assert f"/manage/events/{event.slug}/agenda/sessions/{session.id}" in links
    assert f"/manage/events/{event.slug}/edit" in links


def test_filters_by_kind_by_who_acted_and_by_days_on_the_events_clock(organiser_browser, event, rooms):
    ana = make_user(full_name="Ana", email="ana@example.org")
    session = make_session(event, title="Plenary", room_id=rooms[0].id)
    make_registration(event, full_name="Kwame Mensah")
    move(session, rooms[1], ana)
    # 02:30 UTC on 11 March is still 10 March in São Paulo (UTC-3).
    set_moment("session.updated", datetime(2027, 3, 11, 2, 30, tzinfo=UTC))

    by_kind = rows(page_of(trail(organiser_browser, event, subject_type="registration")))
    assert by_kind and all(row[3].endswith("Registration · only this one") for row in by_kind)

    by_actor = rows(page_of(trail(organiser_browser, event, actor="ana@example.org")))
    assert [row[2] for row in by_actor] == ["Session changed"]

    on_the_day = rows(page_of(trail(organiser_browser, event, since="2027-03-10", until="2027-03-10")))
    assert [row[2] for row in on_the_day] == ["Session changed"]
    assert rows(page_of(trail(organiser_browser, event, since="2027-03-11"))) != on_the_day


def test_one_object_from_its_row(organiser_browser, event):
    first, second = make_registration(event, full_name="First Person"), make_registration(event, full_name="Second")
    doc = page_of(trail(organiser_browser, event))
    only = doc.xpath(f"//a[contains(@href, 'subject_id={first.id}') and contains(@href, 'subject_type=registration')]"
                     "/@href")[0]

    focused = page_of(organiser_browser.get(only))

    assert rows(focused) and all(row[3].startswith(f"First Person · {first.email}") for row in rows(focused))
    assert second.email not in focused.text_content()
    assert "Only this object: Registration First Person" in " ".join(focused.text_content().split())


@pytest.mark.parametrize("args, message", [
    ({"since": "not a day"}, "Not a valid date value."),
    ({"since": "0001-01-01"}, "Give a date between the years 1900 and 2200."),
    ({"until": "9999-12-31"}, "Give a date between the years 1900 and 2200."),
    ({"since": "2020-03-12", "until": "2020-03-10"}, "The last day is before the first one."),
])
def test_a_bad_day_says_so_and_the_trail_still_shows(organiser_browser, event, args, message):
    make_registration(event)
    response = trail(organiser_browser, event, **args)
    doc = page_of(response)
    assert message in doc.text_content()
    assert rows(doc)  # the bad day is left out, the rest of the filters still apply


@pytest.mark.parametrize("args", [
    {"subject_type": "no-such-kind"}, {"subject_type": "session", "subject_id": "99999999999999999999"},
    {"actor": "x" * 5000}, {"page": "-3"}, {"page": "10000000000000000"}, {"subject_id": "1"},
])
def test_junk_in_the_address_never_breaks_the_page(organiser_browser, event, args):
    make_registration(event)
    assert trail(organiser_browser, event, **args).status_code == 200


def test_pages_of_entries_keep_the_filters(organiser_browser, event, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)
    for n in range(5):
        make_registration(event, full_name=f"Person {n}")
    doc = page_of(trail(organiser_browser, event, subject_type="registration"))
    following = doc.xpath("//a[@rel='next']/@href")[0]
    assert "subject_type=registration" in following and "page=2" in following
    second = rows(page_of(organiser_browser.get(following)))
    assert len(rows(doc)) == len(second) == 2 and rows(doc) != second


def test_a_deleted_object_keeps_its_entries_without_a_link(organiser_browser, event, organiser):
    session = make_session(event, title="Cancelled idea", status="draft")
    with atomic():
        delete_session(session, Actor.for_user(organiser))
    found = rows(page_of(trail(organiser_browser, event, subject_type="session", subject_id=session.id)))
    assert found[0][2] == "Session deleted" and found[0][3].startswith(f"#{session.id}")
    assert "title: Cancelled idea" in found[0][4]


def test_an_events_trail_costs_the_same_queries_for_a_short_and_a_long_page(organiser_browser, event, rooms,
                                                                              count_queries):
    make_registration(event)
    make_session(event, title="One", room_id=rooms[0].id)
    with count_queries() as short:
        assert len(rows(page_of(trail(organiser_browser, event)))) == 4  # with the event's created and published

    for n in range(12):
        make_registration(event)
        make_session(event, title=f"Session {n}")
    with count_queries() as long:
        assert len(rows(page_of(trail(organiser_browser, event)))) == 28

    assert len(long) == len(short)


def test_the_system_trail_shows_everything_in_utc_with_each_entrys_event(browser, event):
    admin = make_user(roles=["admin"], full_name="Ada Admin")
    browser.login(admin)
    make_registration(event, full_name="Amara Diallo")
    make_organisation(name="Malmö stad", country="SE")
    make_token(admin, "nightly export")
    set_moment("organisation.created", datetime(2027, 3, 10, 15, 30, tzinfo=UTC))

    doc = page_of(browser.get("/admin/trail"))

    text = doc.text_content()
    assert doc.xpath("//th")[0].text_content() == "When (UTC)"
    assert "Amara Diallo" in text and "API token created" in text and "Account created" in text
    organisation_row = next(row for row in rows(doc) if row[2] == "Member record created")
    assert "3:30" in organisation_row[0] and organisation_row[4].startswith("Malmö stad")
    assert doc.xpath(f"//td/a[@href='/manage/events/{event.slug}/trail']")  # the entry's event leads to its trail
    only_accounts = rows(page_of(browser.get("/admin/trail", query_string={"subject_type": "user"})))
    assert {row[2] for row in only_accounts} == {"Account created"}


def test_organisers_open_an_events_trail_but_not_the_systems(organiser_browser, event):
    assert trail(organiser_browser, event).status_code == 200
    assert organiser_browser.get("/admin/trail").status_code == 403
    assert organiser_browser.get("/manage/events/no-such-event/trail").status_code == 404


def test_the_trail_is_linked_from_the_event_pages_and_the_admins_navigation(browser, event):
    browser.login(make_user(roles=["admin"]))
    managed = page_of(browser.get("/manage/events/"))
    assert managed.xpath(f"//a[@href='/manage/events/{event.slug}/trail']")
    assert managed.xpath("//nav//a[@href='/admin/trail']")
    registrations = page_of(browser.get(f"/manage/events/{event.slug}/registrations"))
    assert registrations.xpath(f"//nav//a[@href='/manage/events/{event.slug}/trail']")


def test_every_audited_kind_has_a_name_on_the_trail_pages(app):
    audited = {mapper.class_.audit_type for mapper in db.Model.registry.mappers
               if getattr(mapper.class_, "audit_type", None)}
    assert audited <= set(KINDS)


def test_sign_ups_and_undone_check_ins_name_the_person_and_link_their_page(organiser_browser, event, organiser):
    person = make_registration(event, full_name="Aiyana Redcloud")
    workshop = make_workshop(event, title="Solar rooftops")
    with atomic():
        sign_up(workshop, person, Actor.for_user(organiser))
        check_in_registration(event, person, "Gate A", Actor.for_user(organiser))
    with atomic():
        undo(db.session.scalars(select(CheckIn)).one(), Actor.for_user(organiser))

    found = {row[2]: row[3] for row in rows(page_of(trail(organiser_browser, event)))}

    assert found["Signed up for a session"].startswith("Aiyana Redcloud · Solar rooftops")
    assert found["Check-in undone"].startswith("Aiyana Redcloud · Gate A")
    links = page_of(trail(organiser_browser, event, subject_type="signup")).xpath("//table//td[4]/a/@href")
    assert links == [f"/manage/events/{event.slug}/agenda/sessions/{workshop.id}"]
