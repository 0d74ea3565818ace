"""A session's people are typed, not picked from a list of every registrant (1,500 at a congress): a
type-ahead for organisers, and without JavaScript the server resolves the typed name (issue #14)."""
import html
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from eventhub.agenda.models import AgendaSession
from eventhub.core.text import fold
from eventhub.extensions import db
from eventhub.registration.models import Registration
from tests.factories import make_event, make_organisation, make_registration, make_session, make_user
from tests.fake_camera import CHROMIUM, chromium_available
from tests.test_registration_concurrency import server  # noqa: F401  (the live-server fixture)
from tests.browser_support import sign_in

BASE = "/manage/events/{slug}/agenda"


def url(event, path: str) -> str:
    return BASE.format(slug=event.slug) + path


def session_form(event, **values) -> dict:
    day = event.start_at.date().isoformat()
    data = {"title": "Água e cidades", "start": f"{day}T09:00", "end": f"{day}T10:00", "language": "pt",
            "status": "scheduled", "kind_id": "", "track_id": "", "room_id": ""}
    data.update(values)
    return data


def names(response) -> list[str]:
    return [item["name"] for item in response.get_json()]


def stored_people(event) -> list[tuple]:
    db.session.expire_all()
    session = db.session.scalars(select(AgendaSession).where(AgendaSession.event_id == event.id)).one()
    return [(p.role, p.name, p.registration_id, p.organisation_id) for p in session.people]


def sessions_of(event) -> int:
    return db.session.scalar(select(func.count()).select_from(AgendaSession).where(AgendaSession.event_id == event.id))


@pytest.fixture
def congress():
    """A draft congress (organisers only) with people in several scripts, two of them of the same name."""
    event = make_event(status="draft", title="Congresso Mundial")
    busan = make_organisation(name="Busan", local_name="부산광역시", country="KR")
    people = {
        "seo": make_registration(event, full_name="서지원", email="jiwon@example.kr", organisation_id=busan.id),
        "ali": make_registration(event, full_name="محمد علي", email="m.ali@example.eg", organisation_name="Cairo"),
        "lucja": make_registration(event, full_name="Łucja Kowalska", email="lucja@example.pl"),
        "kim1": make_registration(event, full_name="Kim Min-jun", email="minjun@seoul.kr"),
        "kim2": make_registration(event, full_name="Kim Min-jun", email="kim.mj@busan.kr"),
        "joao": make_registration(event, full_name="João Kimura", email="joao@example.br"),
        "namgung": make_registration(event, full_name="남궁민수", email="minsu@example.kr"),
    }
    other = make_event(title="Another meeting")
    make_registration(other, full_name="서지원", email="jiwon@example.kr")  # same person, another event
    return event, people


# --- the type-ahead's JSON --------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "expected"), [
    ("서지", ["서지원"]),  # Korean, three letters' worth
    ("محم", ["محمد علي"]),  # Arabic
    ("lucja", ["Łucja Kowalska"]),  # without the accent
    ("KOWAL", ["Łucja Kowalska"]),  # any case
    ("kim", ["Kim Min-jun", "Kim Min-jun", "João Kimura"]),  # names starting with it first
    ("min kim", ["Kim Min-jun", "Kim Min-jun"]),  # every word, in any order
    ("busan", ["Kim Min-jun"]),  # the address tells one Kim from the other
    ("nobody", []),
    ("", []),
])
def test_registrants_are_found_by_part_of_the_name_in_any_script(organiser_browser, congress, typed, expected):
    event, _people = congress
    response = organiser_browser.get(url(event, f"/registrants.json?q={typed}"))
    assert response.status_code == 200
    assert names(response) == expected


def test_each_match_says_what_tells_it_apart(organiser_browser, congress):
    event, people = congress
    found = organiser_browser.get(url(event, "/registrants.json?q=kim min")).get_json()
    assert {item["id"] for item in found} == {people["kim1"].id, people["kim2"].id}
    assert {item["detail"] for item in found} == {"Testville · minjun@seoul.kr", "Testville · kim.mj@busan.kr"}
    seo = organiser_browser.get(url(event, "/registrants.json?q=서지원")).get_json()
    assert seo == [{"id": people["seo"].id, "name": "서지원", "detail": "Busan · jiwon@example.kr"}]


def test_at_most_ten_matches_in_a_fixed_number_of_queries(organiser_browser, count_queries):
    event = make_event()
    rows = [{"event_id": event.id, "full_name": f"Ana Lima {n}", "email": f"ana{n}@example.br",
             "status": "confirmed", "category": "delegate", "answers": {},
             "search_text": fold(f"Ana Lima {n} ana{n}@example.br"), **Registration.new_link_columns("manage", "calendar")}
            for n in range(300)]
    db.session.execute(insert(Registration), rows)
    db.session.commit()
    with count_queries() as statements:
        found = organiser_browser.get(url(event, "/registrants.json?q=ana"))
    assert len(found.get_json()) == 10
    # The user and roles, the event, the search, the organisations of the ten: whatever the event's size.
    assert len(statements) <= 5


def test_the_type_ahead_is_for_organisers_only(client, browser, congress):
    event, _people = congress
    assert client.get(url(event, "/registrants.json?q=kim")).status_code == 302  # to the login page
    assert client.get(url(event, "/registrants.json?q=kim"), headers={"Accept": "application/json"}).status_code in (
        302, 401)
    gate = make_user(roles=["checkin"], email="gate@example.org")
    browser.login(gate)
    assert browser.get(url(event, "/registrants.json?q=kim")).status_code == 403
    assert browser.get(url(event, "/organisations.json?q=bus")).status_code == 403


def test_member_records_for_an_external_speaker_even_of_a_draft(organiser_browser, congress):
    event, _people = congress
    found = organiser_browser.get(url(event, "/organisations.json?q=부산")).get_json()
    assert [(o["name"], o["local_name"], o["country"]) for o in found] == [("Busan", "부산광역시", "KR")]


def test_the_form_lists_no_registrants(organiser_browser, congress):
    event, _people = congress
    page = organiser_browser.get(url(event, "/sessions/new")).get_data(as_text=True)
    assert "Łucja Kowalska" not in page and "محمد علي" not in page
    assert 'data-typeahead="' + url(event, "/registrants.json") + '"' in page


# --- the form without JavaScript ------------------------------------------------------------------

def test_a_typed_name_is_resolved_on_the_server(organiser_browser, congress):
    event, people = congress
    response = organiser_browser.post(url(event, "/sessions/new"), session_form(event, **{
        "people-0-role": "speaker", "people-0-registration": "서지원",
        "people-1-role": "moderator", "people-1-registration": "lucja kowalska",
    }))
    assert response.status_code == 302
    assert stored_people(event) == [("speaker", "서지원", people["seo"].id, people["seo"].organisation_id),
                                    ("moderator", "Łucja Kowalska", people["lucja"].id, None)]


def test_a_name_several_people_share_offers_them_and_saves_nothing(organiser_browser, congress):
    event, people = congress
    form = session_form(event, **{"people-0-role": "speaker", "people-0-registration": "Kim Min-jun"})
    response = organiser_browser.post(url(event, "/sessions/new"), form)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and sessions_of(event) == 0
    assert "Several participants match “Kim Min-jun”" in page
    assert 'value="Kim Min-jun"' in page  # what was typed stays
    choices = re.findall(r'name="people-0-registration_choice"[^>]*value="(\d+)"', page)
    assert sorted(map(int, choices)) == sorted([people["kim1"].id, people["kim2"].id])
    assert "kim.mj@busan.kr" in page  # each choice says which one it is
    form["people-0-registration_choice"] = str(people["kim2"].id)
    assert organiser_browser.post(url(event, "/sessions/new"), form).status_code == 302
    assert stored_people(event) == [("speaker", "Kim Min-jun", people["kim2"].id, None)]


def test_a_name_nobody_has_is_explained_and_the_rest_is_kept(organiser_browser, congress):
    event, _people = congress
    response = organiser_browser.post(url(event, "/sessions/new"), session_form(event, title="Título guardado", **{
        "people-0-role": "speaker", "people-0-registration": "Jane Nobody"}))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and sessions_of(event) == 0
    assert "Nobody registered for this event is called “Jane Nobody”" in page
    assert 'value="Jane Nobody"' in page and 'value="Título guardado"' in page
    field = re.search(r'<input[^>]*id="people-0-registration"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field


def test_a_picked_id_counts_only_while_the_text_still_names_it(organiser_browser, congress):
    event, people = congress
    # The script picked Łucja, then the organiser typed another name over it without picking again.
    organiser_browser.post(url(event, "/sessions/new"), session_form(event, **{
        "people-0-registration": "محمد علي", "people-0-registration_id": str(people["lucja"].id)}))
    assert stored_people(event) == [("speaker", "محمد علي", people["ali"].id, None)]


def test_a_registration_of_another_event_is_refused(organiser_browser, congress):
    event, _people = congress
    stranger = make_registration(make_event(), full_name="Somebody Else")
    response = organiser_browser.post(url(event, "/sessions/new"), session_form(event, **{
        "people-0-registration_id": str(stranger.id)}))
    assert response.status_code == 200 and sessions_of(event) == 0
    assert "No such registration for this event." in response.get_data(as_text=True)


def test_an_external_speakers_organisation_is_typed_too(organiser_browser, congress):
    event, _people = congress
    city = make_organisation(name="São Paulo", country="BR")
    organiser_browser.post(url(event, "/sessions/new"), session_form(event, **{
        "people-0-name": "Αλέξανδρος Παπαδόπουλος", "people-0-position_title": "Mayor",
        "people-0-organisation": "sao paulo"}))
    assert stored_people(event) == [("speaker", "Αλέξανδρος Παπαδόπουλος", None, city.id)]


def test_the_edit_form_shows_each_person_by_name(organiser_browser, congress):
    event, people = congress
    city = make_organisation(name="Ciudad de México", country="MX")
    organiser_browser.post(url(event, "/sessions/new"), session_form(event, **{
        "people-0-registration": "서지원", "people-1-name": "Guest Speaker", "people-1-organisation": "Ciudad de México"}))
    session = db.session.scalars(select(AgendaSession)).one()
    page = html.unescape(organiser_browser.get(url(event, f"/sessions/{session.id}")).get_data(as_text=True))
    assert re.search(r'name="people-0-registration"[^>]*value="서지원"', page)
    assert re.search(rf'name="people-0-registration_id"[^>]*value="{people["seo"].id}"', page)
    assert re.search(r'name="people-1-organisation"[^>]*value="Ciudad de México"', page)
    assert re.search(rf'name="people-1-organisation_id"[^>]*value="{city.id}"', page)


# --- in a browser ----------------------------------------------------------------------------------

def screenshot(page, tmp_path, name: str, **options) -> None:
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    page.screenshot(path=str(folder / name), **options)


@pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed")
@pytest.mark.parametrize(("typed", "who", "viewport"), [
    ("남궁민", "namgung", {"width": 1280, "height": 900}),  # three letters of 남궁민수
    ("محم", "ali", {"width": 390, "height": 844}),  # three letters of محمد علي, on a phone
])
def test_type_three_letters_pick_and_save(server, organiser, congress, tmp_path, typed, who, viewport):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    from tests.test_accessibility import AXE, RUN_AXE

    event, people = congress
    wanted = people[who]
    session = make_session(event, title="Cidades e água — الماء والمدن")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport=viewport)
        sign_in(page, server, organiser.email)
        page.goto(f"{server}{url(event, f'/sessions/{session.id}')}")
        field = page.locator("#people-0-registration")
        field.press_sequentially(typed, delay=50)
        option = page.get_by_role("option", name=re.compile(re.escape(wanted.full_name)))
        expect(option).to_be_visible()
        expect(field).to_have_attribute("aria-expanded", "true")
        page.evaluate(AXE)
        # The people editor with its list open (the history table below it, templates/_history.html, scrolls
        # sideways on a phone without being focusable: not this feature's).
        assert page.evaluate(RUN_AXE.replace("axe.run(document,", "axe.run('#people',")) == []
        screenshot(page, tmp_path, f"b-speaker-picker-{who}.png")
        field.press("ArrowDown")
        field.press("Enter")
        expect(field).to_have_value(wanted.full_name)
        expect(page.locator("#people-0-registration_id")).to_have_value(str(wanted.id))
        page.get_by_role("button", name="Save session").click()
        expect(page.locator(".flash-success")).to_be_visible()
        browser.close()
    db.session.expire_all()
    stored = db.session.get(AgendaSession, session.id)
    assert [(p.registration_id, p.name) for p in stored.people] == [(wanted.id, wanted.full_name)]


@pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed")
def test_the_registration_forms_organisation_picker_still_works(server, tmp_path):  # noqa: F811
    """The same script serves the public registration form: its member records show with their country."""
    from playwright.sync_api import expect, sync_playwright

    from tests.factories import open_event

    event = open_event()
    busan = make_organisation(name="Busan", local_name="부산광역시", country="KR")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(f"{server}/events/{event.slug}/register")
        field = page.locator("input[data-organisation-picker]")
        field.press_sequentially("부산", delay=50)
        option = page.get_by_role("option", name=re.compile("Busan"))
        expect(option).to_contain_text("(KR)")
        option.click()
        expect(field).to_have_value("Busan")
        expect(page.locator(f"#{field.get_attribute('data-target')}")).to_have_value(str(busan.id))
        browser.close()
