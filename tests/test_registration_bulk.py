"""The registrations list for big events: sorting by column, filters, sort and page kept in every URL, and
bulk actions on the ticked rows or on every registration the filters match (issue #14)."""
import html
import os
import re
import time
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from eventhub.audit.models import AuditEntry
from eventhub.core.text import fold
from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage
from eventhub.registration.models import Registration
from tests.factories import last_message, make_event, make_organisation, make_registration
from tests.fake_camera import CHROMIUM, chromium_available
from tests.test_registration_admin import flashes, page_text, row_names
from tests.test_registration_concurrency import server  # noqa: F401  (the live-server fixture)
from tests.browser_support import sign_in

BULK = "/manage/events/{slug}/registrations/bulk"


@pytest.fixture
def listing():
    """The list's views (imported once the app exists, after every model is known)."""
    from eventhub.registration.admin import listing

    return listing


@pytest.fixture
def bulk_actions():
    from eventhub.registration import bulk_actions

    return bulk_actions




def list_url(event, **args) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/manage/events/{event.slug}/registrations" + (f"?{query}" if query else "")


def statuses(event) -> dict[str, int]:
    db.session.expire_all()
    query = select(Registration.status, func.count()).where(Registration.event_id == event.id)
    return dict(db.session.execute(query.group_by(Registration.status)).all())


def seed(event, count: int, status: str = "pending", prefix: str = "Person") -> None:
    """`count` registrations written at once (the services would take minutes for 1,500)."""
    rows = []
    for n in range(count):
        name, email = f"{prefix} {n:04d}", f"{prefix.lower()}{n}@example.org"
        rows.append({"event_id": event.id, "full_name": name, "email": email, "status": status,
                     "category": "delegate", "answers": {}, "search_text": fold(f"{name} {email}"),
                     **Registration.new_link_columns("manage", "calendar")})
    db.session.execute(insert(Registration), rows)
    db.session.commit()


def next_round(browser, response):
    """Send a progress page's form, as its script does by itself (or a person pressing Continue)."""
    page = response.get_data(as_text=True)
    found = re.search(r'<form method="post" action="([^"]+)" data-auto-continue.*?</form>', page, re.S)
    action = html.unescape(found.group(1))
    data: dict = {}
    # Only this form's fields: the page has other forms (the language switcher) with fields of the same names.
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', found.group(0)):
        data.setdefault(name, []).append(html.unescape(value))
    return browser.client.post(action, data=data)


def in_progress(response) -> bool:
    return response.status_code == 200 and "data-auto-continue" in response.get_data(as_text=True)


def follow_rounds(browser, response):
    """Go through the rounds of a long action; the last response and how many requests it took."""
    rounds = 1
    while in_progress(response):
        response = next_round(browser, response)
        rounds += 1
        assert rounds < 100
    return response, rounds


# --- sorting ---------------------------------------------------------------------------------

@pytest.fixture
def people():
    """Registrations in several scripts and countries, registered in this order."""
    event = make_event(non_member_policy="approve")
    cities = {code: make_organisation(name=name, country=code) for code, name in
              (("CH", "Zürich"), ("CN", "Beijing"), ("BR", "São Paulo"))}
    made = [
        make_registration(event, full_name="Zoe Adams", organisation_id=cities["CH"].id),
        make_registration(event, full_name="Łucja Nowak", organisation_name="Łódź"),
        make_registration(event, full_name="ana lima", organisation_id=cities["BR"].id),
        make_registration(event, full_name="李伟", organisation_id=cities["CN"].id),
        make_registration(event, full_name="Bruno Costa", organisation_id=cities["BR"].id),
    ]
    return event, made


@pytest.mark.parametrize(("sort", "expected"), [
    # Accents and case do not decide: Łucja sorts as Lucja, "ana" as Ana; the Han name after Latin ones.
    ("name", ["ana lima", "Bruno Costa", "Łucja Nowak", "Zoe Adams", "李伟"]),
    # Member records by name (accents ignored), people of one city by name; a typed name, not linked
    # to a member record yet, after them.
    ("organisation", ["李伟", "ana lima", "Bruno Costa", "Zoe Adams", "Łucja Nowak"]),
    # By the country's name as shown (Brazil, China, Switzerland), never by code (CH before CN); the
    # registration without a member record last.
    ("country", ["ana lima", "Bruno Costa", "李伟", "Zoe Adams", "Łucja Nowak"]),
    ("date", ["Zoe Adams", "Łucja Nowak", "ana lima", "李伟", "Bruno Costa"]),
])
def test_each_column_sorts_both_ways(organiser_browser, people, sort, expected):
    event, _made = people
    ascending = row_names(page_text(organiser_browser.get(list_url(event, sort=sort))))
    descending = row_names(page_text(organiser_browser.get(list_url(event, sort=sort, order="desc"))))
    assert ascending == expected
    missing_last = sort in ("country", "organisation")  # without a member record: last both ways
    assert descending == (expected[-2::-1] + expected[-1:] if missing_last else expected[::-1])


def test_status_sorts_in_the_order_a_registration_moves_through(organiser_browser):
    event = make_event(non_member_policy="approve")
    # Typed organisations: each waits for approval.
    made = [make_registration(event, full_name=name) for name in ("First", "Second", "Third", "Fourth")]
    organiser_browser.post(f"/manage/events/{event.slug}/registrations/{made[0].id}/action", {"action": "reject"})
    organiser_browser.post(f"/manage/events/{event.slug}/registrations/{made[2].id}/action", {"action": "approve"})
    names = row_names(page_text(organiser_browser.get(list_url(event, sort="status"))))
    # Pending (oldest first), then confirmed, then rejected.
    assert names == ["Second", "Fourth", "Third", "First"]
    names = row_names(page_text(organiser_browser.get(list_url(event, sort="status", order="desc"))))
    assert names == ["First", "Third", "Fourth", "Second"]


def test_headers_say_how_the_list_is_sorted_and_link_to_the_other_way(organiser_browser, people):
    event, _made = people
    page = page_text(organiser_browser.get(list_url(event, sort="name", category="delegate")))
    header = re.search(r'<th scope="col" aria-sort="ascending">\s*<a href="([^"]+)"', page)
    assert header and "sort=name" in header.group(1) and "order=desc" in header.group(1)
    assert "category=delegate" in header.group(1)  # sorting keeps the filters
    assert page.count("aria-sort=") == 1
    # The default order (by date, oldest first) is the date column's, ascending.
    page = page_text(organiser_browser.get(list_url(event)))
    assert re.search(r'aria-sort="ascending">\s*<a href="[^"]*sort=date&order=desc"', page)


def test_junk_in_sort_or_order_shows_the_default_list(organiser_browser, people):
    event, _made = people
    response = organiser_browser.get(list_url(event, sort="password", order="sideways"))
    assert response.status_code == 200
    assert row_names(page_text(response))[0] == "Zoe Adams"


def test_ties_keep_one_order_so_paging_shows_everyone_once(organiser_browser, monkeypatch, listing):
    monkeypatch.setattr(listing, "PER_PAGE", 3)
    event = make_event()
    city = make_organisation(name="Seoul", country="KR")
    for n in range(8):
        make_registration(event, full_name="김민준", email=f"kim{n}@example.kr", organisation_id=city.id)
    seen = []
    for page in (1, 2, 3):
        page_html = page_text(organiser_browser.get(list_url(event, sort="organisation", order="desc", page=page)))
        seen += re.findall(r'id="select-(\d+)"', page_html)
    assert len(seen) == 8 and len(set(seen)) == 8


def test_filters_sort_and_page_survive_paging_and_a_row_action(organiser_browser, monkeypatch, listing):
    monkeypatch.setattr(listing, "PER_PAGE", 2)
    event = make_event(non_member_policy="approve")
    people = [make_registration(event, full_name=f"Speaker {n}", category="speaker") for n in range(5)]
    make_registration(event, full_name="A delegate")
    page = page_text(organiser_browser.get(list_url(event, category="speaker", sort="name", order="desc", page=2)))
    assert row_names(page) == ["Speaker 2", "Speaker 1"]
    for link in re.findall(r'href="([^"]+)" rel="(?:prev|next)"', page):
        assert {"category=speaker", "sort=name", "order=desc"} <= set(html.unescape(link).split("?")[1].split("&"))
    # A new search keeps the sort.
    assert '<input type="hidden" name="sort" value="name">' in page
    # Approving a row comes back to the same page, filters and sort.
    back = re.search(r'name="next" value="([^"]+)"', page).group(1)
    response = organiser_browser.post(f"/manage/events/{event.slug}/registrations/{people[2].id}/action",
                                      {"action": "approve", "next": back})
    location = response.headers["Location"]
    for part in ("category=speaker", "sort=name", "order=desc", "page=2"):
        assert part in location


def test_status_links_keep_the_sort(organiser_browser, people):
    event, _made = people
    page = page_text(organiser_browser.get(list_url(event, sort="country")))
    link = re.search(r'<a href="([^"]*status=pending[^"]*)"', page).group(1)
    assert "sort=country" in link


# --- bulk: all matching ------------------------------------------------------------------------

def test_all_35_pending_are_approved_each_audited_and_mailed_like_one(organiser_browser, monkeypatch, listing):
    monkeypatch.setattr(listing, "PER_PAGE", 10)  # four pages of pending people: more than the page
    event = make_event(non_member_policy="approve")
    make_registration(event, full_name="Single One")
    single = make_registration(event, full_name="Single Two")
    organiser_browser.post(f"/manage/events/{event.slug}/registrations/{single.id}/action", {"action": "approve"})
    one_by_one = last_message(single)
    pending = [make_registration(event, full_name=f"Pending {n}", email=f"p{n}@example.org") for n in range(34)]
    pending.insert(0, db.session.get(Registration, single.id - 1))
    page = page_text(organiser_browser.get(list_url(event, status="pending")))
    assert "all 35 registrations matching the filters" in page
    assert len(row_names(page)) == 10
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)" id="bulk"', page).group(1))
    seen_up_to = re.search(r'name="seen_up_to" value="(\d+)"', page).group(1)
    assert action.endswith("/registrations/bulk?status=pending")
    response = organiser_browser.post(action, {"scope": "matching", "action": "approve", "seen_up_to": seen_up_to,
                                               "next": list_url(event, status="pending")}, follow_redirects=True)
    assert "Approve: 35 of 35 registrations changed." in flashes(page_text(response))
    assert statuses(event) == {"confirmed": 36}
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "registration.confirmed")).all()
    assert sorted(e.subject_id for e in entries) == sorted([single.id, *(r.id for r in pending)])
    assert all(e.actor == "organiser@example.org" for e in entries)
    for registration in pending:
        message = last_message(registration)
        assert message.subject == one_by_one.subject
        assert len(message.text_body) > 0 and registration.full_name in message.text_body


def test_all_matching_follows_every_filter_and_leaves_other_statuses_alone(organiser_browser):
    event = make_event(non_member_policy="approve", capacity=100)
    seoul = make_organisation(name="Seoul", country="KR", status="non_member")  # non-members wait for approval
    from_seoul = [make_registration(event, full_name=f"서울 {n}", organisation_id=seoul.id) for n in range(3)]
    others = [make_registration(event, full_name=f"Other {n}") for n in range(2)]
    already = make_registration(event, full_name="Already In", organisation_id=seoul.id)
    organiser_browser.post(f"/manage/events/{event.slug}/registrations/{already.id}/action", {"action": "approve"})
    response = organiser_browser.post(BULK.format(slug=event.slug) + f"?organisation_id={seoul.id}",
                                      {"scope": "matching", "action": "approve"}, follow_redirects=True)
    messages = flashes(page_text(response))
    assert "Approve: 3 of 3 registrations changed." in messages
    assert "1 other matching registration was left as it is" in messages
    db.session.expire_all()
    assert [db.session.get(Registration, r.id).status for r in from_seoul] == ["confirmed"] * 3
    assert [db.session.get(Registration, r.id).status for r in others] == ["pending"] * 2


def test_someone_registering_after_the_list_was_shown_is_not_approved_unseen(organiser_browser):
    event = make_event(non_member_policy="approve")
    seen = [make_registration(event) for _n in range(3)]
    page = page_text(organiser_browser.get(list_url(event, status="pending")))
    seen_up_to = re.search(r'name="seen_up_to" value="(\d+)"', page).group(1)
    newcomer = make_registration(event, full_name="Late Arrival")
    response = organiser_browser.post(BULK.format(slug=event.slug) + "?status=pending",
                                      {"scope": "matching", "action": "approve", "seen_up_to": seen_up_to},
                                      follow_redirects=True)
    assert "Approve: 3 of 3 registrations changed." in flashes(page_text(response))
    db.session.expire_all()
    assert db.session.get(Registration, newcomer.id).status == "pending"
    assert all(db.session.get(Registration, r.id).status == "confirmed" for r in seen)


def test_rejecting_everyone_matching_asks_once_more(organiser_browser):
    event = make_event(non_member_policy="approve")
    for n in range(4):
        make_registration(event, full_name=f"Applicant {n}")
    url = BULK.format(slug=event.slug) + "?status=pending"
    page = page_text(organiser_browser.post(url, {"scope": "matching", "action": "reject"}))
    assert "Reject 4 registrations?" in page and "Yes, reject 4 registrations" in page
    assert statuses(event) == {"pending": 4}  # nothing yet
    form = re.search(r'<form method="post" action="([^"]*/registrations/bulk[^"]*)">(.*?)</form>', page, re.S)
    assert html.unescape(form.group(1)) == url
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2)))
    assert fields["confirmed"] == "y" and fields["scope"] == "matching"
    response = organiser_browser.post(url, {k: v for k, v in fields.items() if k != "csrf_token"},
                                      follow_redirects=True)
    assert "Reject: 4 of 4 registrations changed." in flashes(page_text(response))
    assert statuses(event) == {"rejected": 4}


def test_without_a_csrf_token_nothing_changes(browser, organiser):
    browser.login(organiser)
    event = make_event(non_member_policy="approve")
    make_registration(event)
    response = browser.client.post(BULK.format(slug=event.slug), data={"scope": "matching", "action": "approve"})
    assert response.status_code in (302, 400)
    assert statuses(event) == {"pending": 1}


def test_refusals_are_named_then_counted(organiser_browser):
    event = make_event(capacity=1)
    make_registration(event, full_name="Has The Place")
    waiting = [make_registration(event, full_name=f"Waiting {n}") for n in range(8)]
    response = organiser_browser.post(BULK.format(slug=event.slug) + "?status=waitlisted",
                                      {"scope": "matching", "action": "promote"}, follow_redirects=True)
    messages = flashes(page_text(response))
    assert "Promote: 0 of 8 registrations changed." in messages
    assert messages.count("Not changed —") == 5 and "Waiting 0" in messages
    assert "… and 3 more registrations were not changed." in messages
    assert statuses(event) == {"confirmed": 1, "waitlisted": 8}
    assert all(r.status == "waitlisted" for r in waiting)


def test_a_refusal_undoes_only_its_own_registration(organiser_browser):
    """One transaction per chunk, a savepoint per registration: the refused ones after a promotion in the same
    chunk leave it (and its e-mail and audit entry) in place."""
    event = make_event(capacity=2)
    make_registration(event, full_name="Has A Place")
    waiting = [make_registration(event, full_name=f"Waiting {n}") for n in range(4)]
    event.capacity = 3
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    response = organiser_browser.post(BULK.format(slug=event.slug) + "?status=waitlisted",
                                      {"scope": "matching", "action": "promote"}, follow_redirects=True)
    messages = flashes(page_text(response))
    assert "Promote: 1 of 3 registrations changed." in messages and messages.count("Not changed —") == 2
    db.session.expire_all()
    assert [db.session.get(Registration, r.id).status for r in waiting] == [
        "confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == before + 1
    promoted = db.session.scalars(select(AuditEntry).where(AuditEntry.subject_id == waiting[1].id,
                                                           AuditEntry.action == "registration.confirmed")).one()
    assert promoted.changes == {"status": ["waitlisted", "confirmed"]}


def test_approving_more_people_than_places_gives_the_places_in_registration_order(organiser_browser):
    event = make_event(non_member_policy="approve", capacity=2)
    people = [make_registration(event, full_name=f"Applicant {n}") for n in range(4)]
    organiser_browser.post(BULK.format(slug=event.slug), {"scope": "matching", "action": "approve"})
    db.session.expire_all()
    assert [db.session.get(Registration, r.id).status for r in people] == [
        "confirmed", "confirmed", "waitlisted", "waitlisted"]


def test_tick_all_without_javascript_shows_the_page_with_every_row_ticked(organiser_browser):
    event = make_event()
    for _n in range(3):
        make_registration(event)
    page = page_text(organiser_browser.get(list_url(event)))
    link = html.unescape(re.search(r'<a href="([^"]+)"\s+class="tick-page"', page).group(1))
    ticked = page_text(organiser_browser.get(link))
    assert len(re.findall(r'name="ids" value="\d+"[^>]*checked', ticked)) == 3
    assert len(re.findall(r'name="ids" value="\d+"[^>]*checked', page)) == 0


def test_status_filter_offers_only_the_actions_it_allows(organiser_browser):
    event = make_event(non_member_policy="approve")
    make_registration(event)
    page = page_text(organiser_browser.get(list_url(event, status="pending")))
    bar = page[page.index('id="bulk"'):page.index("</form>", page.index('id="bulk"'))]
    assert re.findall(r'name="action" value="(\w+)"', bar) == ["approve", "reject", "cancel"]
    make_registration(event, full_name="Gone").status = "cancelled"
    db.session.commit()
    page = page_text(organiser_browser.get(list_url(event, status="cancelled")))
    bar = page[page.index('id="bulk"'):page.index("</form>", page.index('id="bulk"'))]
    assert re.findall(r'name="action" value="(\w+)"', bar) == [] and "Badges for the ticked rows" in bar


# --- big events: rounds and queries -----------------------------------------------------------

def test_a_long_action_goes_on_in_rounds_and_changes_each_registration_once(organiser_browser, monkeypatch,
                                                                             bulk_actions):
    monkeypatch.setattr(bulk_actions, "ROUND_SECONDS", 0)  # one chunk per request
    monkeypatch.setattr(bulk_actions, "CHUNK", 10)
    event = make_event(non_member_policy="approve", capacity=1000)
    seed(event, 35)
    seed(event, 5, status="confirmed", prefix="Confirmed")
    first = organiser_browser.post(BULK.format(slug=event.slug), {"scope": "matching", "action": "approve",
                                                                  "next": list_url(event, sort="name")})
    page = page_text(first)
    assert first.status_code == 200 and "10 of 35 registrations done; 25 to go." in page
    assert '<progress id="bulk-progress" value="10" max="35">' in page
    last, rounds = follow_rounds(organiser_browser, first)
    assert rounds == 4 and last.status_code == 302 and "sort=name" in last.headers["Location"]
    final = page_text(organiser_browser.get(last.headers["Location"]))
    assert "Approve: 35 of 35 registrations changed." in flashes(final)
    assert "5 other matching registrations were left as they are" in flashes(final)
    assert statuses(event) == {"confirmed": 40}
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 35  # one e-mail each
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "registration.confirmed")) == 35


def test_each_approval_costs_a_fixed_number_of_queries(organiser_browser, count_queries):
    def queries_for(count: int) -> int:
        event = make_event(non_member_policy="approve", capacity=1000)
        seed(event, count, prefix=f"Batch{count}")
        db.session.expire_all()
        with count_queries() as statements:
            organiser_browser.post(BULK.format(slug=event.slug), {"scope": "matching", "action": "approve"})
        assert statuses(event) == {"confirmed": count}
        return len(statements)

    small, big = queries_for(20), queries_for(120)
    # Savepoint, lock, reload, count, update, audit, e-mail, badge (look-up and insert), release.
    assert (big - small) / 100 <= 10.5, (small, big)


def test_1500_registrations_are_approved_without_any_request_running_long(organiser_browser, bulk_actions):
    event = make_event(non_member_policy="approve", capacity=2000)
    seed(event, 1500)
    started = time.monotonic()
    response = organiser_browser.post(BULK.format(slug=event.slug) + "?status=pending",
                                      {"scope": "matching", "action": "approve"})
    longest = time.monotonic() - started
    while in_progress(response):
        started = time.monotonic()
        response = next_round(organiser_browser, response)
        longest = max(longest, time.monotonic() - started)
    # A round stops after ROUND_SECONDS, at the end of a chunk: well inside gunicorn's 60 s.
    assert longest < bulk_actions.ROUND_SECONDS + 15
    assert statuses(event) == {"confirmed": 1500}


# --- in a browser ------------------------------------------------------------------------------

def screenshot(page, tmp_path, name: str, **options) -> None:
    """Keep a picture of the page: in SCREENSHOTS_DIR when set (to look at them), else in the test's folder."""
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    page.screenshot(path=str(folder / name), **options)


def axe_problems(page) -> list[str]:
    """Serious and critical WCAG 2.1 AA problems axe-core finds on the page (as tests/test_accessibility.py)."""
    from tests.test_accessibility import AXE, RUN_AXE

    page.evaluate(AXE)
    return page.evaluate(RUN_AXE)


@pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed")
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_35_pending_are_approved_in_two_clicks(server, organiser, monkeypatch, listing, viewport,  # noqa: F811
                                               tmp_path):
    from playwright.sync_api import expect, sync_playwright

    monkeypatch.setattr(listing, "PER_PAGE", 20)  # the 35 span two pages
    event = make_event(title="Congreso Mundial de Ciudades", non_member_policy="approve", capacity=200)
    names = ["محمد علي", "서지원", "Łucja Kowalska", "Дмитрий Иванов", "São João da Silva"]
    for n in range(35):
        make_registration(event, full_name=f"{names[n % len(names)]} {n}", organisation_name="Ciudad de Prueba")
    seed(event, 10, status="confirmed", prefix="Confirmed")
    phone = viewport["width"] < 500
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport=viewport)
        sign_in(page, server, organiser.email)
        page.goto(f"{server}/manage/events/{event.slug}/registrations?status=pending&sort=name")
        expect(page.locator("#tick-page")).to_be_visible()  # the script made the "Tick all" link a checkbox
        assert axe_problems(page) == []
        suffix = "-phone" if phone else ""
        screenshot(page, tmp_path, f"b-registrations{suffix}.png", full_page=not phone)
        # The first click: every registration matching the filter, not only the 20 on this page.
        page.get_by_label("all 35 registrations matching the filters").check()
        expect(page.locator('input[name="ids"]:checked')).to_have_count(20)
        page.wait_for_timeout(300)  # the checkboxes' fade-in, for the picture
        screenshot(page, tmp_path, f"b-registrations-all{suffix}.png")
        # The second click.
        page.locator('#bulk button[name="action"][value="approve"]').click()
        expect(page.locator(".flash-success")).to_contain_text("Approve: 35 of 35 registrations changed.")
        assert "sort=name" in page.url and "status=pending" in page.url
        screenshot(page, tmp_path, f"b-registrations-done{suffix}.png")
        browser.close()
    assert statuses(event) == {"confirmed": 45}


@pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed")
def test_tick_every_row_on_the_page_then_untick_one(server, organiser):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    event = make_event(non_member_policy="approve")
    people = [make_registration(event, full_name=f"Applicant {n}") for n in range(4)]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        sign_in(page, server, organiser.email)
        page.goto(f"{server}/manage/events/{event.slug}/registrations")
        # Nothing ticked: the action is stopped in the page, with a message.
        page.locator('#bulk button[value="reject"]').click()
        expect(page.locator(".bulk-status")).to_contain_text("Tick at least one registration")
        page.get_by_label("Tick every row on this page").check()
        expect(page.locator("[data-ticked-count]")).to_have_text("(4)")
        page.get_by_label(f"Select {people[0].full_name}").uncheck()
        expect(page.locator("[data-ticked-count]")).to_have_text("(3)")
        assert page.evaluate("document.getElementById('tick-page').indeterminate")
        page.locator('#bulk button[value="reject"]').click()
        expect(page.locator(".flash-success")).to_contain_text("Reject: 3 of 3 registrations changed.")
        browser.close()
    assert statuses(event) == {"pending": 1, "rejected": 3}
