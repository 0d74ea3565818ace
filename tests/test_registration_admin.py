"""Organiser pages for registrations: list, filters, search, actions, bulk, detail, overview, questions."""
import html
import re

import pytest
from sqlalchemy import select

from eventhub.audit.services import SYSTEM
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.members.services import region_by_name
from eventhub.registration import questions as answers
from eventhub.registration import services
from eventhub.registration.models import Question, Registration
from eventhub.core.errors import ValidationError
from tests.factories import make_question, make_event, make_network, make_organisation, make_registration


def page_text(response) -> str:
    """The page as text with entities decoded, for plain `in` checks."""
    return html.unescape(response.get_data(as_text=True))


def flashes(page: str) -> str:
    """The flash messages shown on a page, joined."""
    return " ".join(re.findall(r'<p class="flash[^"]*"[^>]*>(.*?)</p>', page, re.S))


def row_names(page: str) -> list[str]:
    """The names listed in the registrations table, in order."""
    return [html.unescape(n) for n in re.findall(r'<th scope="row">\s*<a [^>]*><bdi>(.*?)</bdi></a>', page)]


def status_count(page: str, status: str) -> int:
    """The number shown for a status in the summary bar."""
    return int(re.search(rf'<strong data-status="{status}">([\d,]+)</strong>', page).group(1).replace(",", ""))


def stored(registration) -> Registration:
    """The registration as the database has it now."""
    db.session.expire_all()
    return db.session.get(Registration, registration.id)


def list_url(event, **args) -> str:
    """The registrations list of an event, with filters in the query string."""
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/manage/events/{event.slug}/registrations" + (f"?{query}" if query else "")


@pytest.fixture
def world():
    """Registrations from different countries, regions and networks, in several scripts."""
    europe, east_asia = region_by_name("Europe"), region_by_name("East Asia")
    malmo = make_organisation(name="Malmö", country="SE", region="Europe")
    tokyo = make_organisation(name="Tokyo", local_name="東京都", country="JP", region="East Asia", kind="metropolitan_area")
    network = make_network(name="Climate Cities", members=[malmo])
    event = make_event(title="World Congress Łódź", capacity=3)
    people = {
        "lucja": make_registration(event, full_name="Łucja Kowalska", email="lucja@example.pl", organisation_id=malmo.id),
        "dmitry": make_registration(event, full_name="Дмитрий Иванов", email="dmitry@example.ru",
                                    organisation_id=tokyo.id, category="speaker"),
        "jiwon": make_registration(event, full_name="서지원", email="jiwon@example.kr", organisation_name="Busan Metro",
                                   category="press"),
        "mohammed": make_registration(event, full_name="محمد علي", email="m.ali@example.eg", organisation_name="Cairo"),
    }
    return {"event": event, "malmo": malmo, "tokyo": tokyo, "network": network, "europe": europe,
            "east_asia": east_asia, **people}


# --- list, filters, search, counts ------------------------------------------------------------

def test_list_shows_every_registration_with_status_and_waitlist_position(organiser_browser, world):
    page = page_text(organiser_browser.get(list_url(world["event"])))
    assert row_names(page) == ["Łucja Kowalska", "Дмитрий Иванов", "서지원", "محمد علي"]
    assert "Position 1" in page  # the fourth person waits: capacity 3
    assert status_count(page, "confirmed") == 3 and status_count(page, "waitlisted") == 1


@pytest.mark.parametrize(
    "filter_, expected",
    [
        (lambda w: {"status": "waitlisted"}, ["محمد علي"]),
        (lambda w: {"category": "speaker"}, ["Дмитрий Иванов"]),
        (lambda w: {"organisation_id": w["malmo"].id}, ["Łucja Kowalska"]),
        (lambda w: {"country": "JP"}, ["Дмитрий Иванов"]),
        (lambda w: {"region_id": w["europe"].id}, ["Łucja Kowalska"]),
        (lambda w: {"network_id": w["network"].id}, ["Łucja Kowalska"]),
        (lambda w: {"category": "delegate", "status": "confirmed"}, ["Łucja Kowalska"]),
    ],
    ids=["status", "category", "organisation", "country", "region", "network", "combined"],
)
def test_each_filter_narrows_the_list(organiser_browser, world, filter_, expected):
    page = page_text(organiser_browser.get(list_url(world["event"], **filter_(world))))
    assert row_names(page) == expected


@pytest.mark.parametrize(
    "q, expected",
    [
        ("Łucja", ["Łucja Kowalska"]),  # as typed, any script
        ("KOWALSKA", ["Łucja Kowalska"]),  # case-insensitive
        ("Дмитрий", ["Дмитрий Иванов"]),
        ("дмитрий", ["Дмитрий Иванов"]),  # case-insensitive in Cyrillic too, on SQLite as well
        ("lucja kowalska", ["Łucja Kowalska"]),  # accent-insensitive on the person's own name
        ("서지원", ["서지원"]),
        ("محمد", ["محمد علي"]),
        ("example.kr", ["서지원"]),  # email
        ("busan", ["서지원"]),  # typed organisation name
        ("malmo", ["Łucja Kowalska"]),  # linked record, without its accent
        ("東京", ["Дмитрий Иванов"]),  # linked record's local name
        ("100%", []),  # wildcards are literal
    ],
)
def test_search_over_name_email_and_organisation(organiser_browser, world, q, expected):
    page = page_text(organiser_browser.get(list_url(world["event"], q=q)))
    assert row_names(page) == expected


def test_counts_per_status_follow_the_other_filters(organiser_browser, world):
    services.cancel(world["jiwon"], SYSTEM)
    page = page_text(organiser_browser.get(list_url(world["event"])))
    assert [status_count(page, s) for s in ("pending", "confirmed", "waitlisted", "cancelled", "rejected")] == [0, 3, 0, 1, 0]
    page = page_text(organiser_browser.get(list_url(world["event"], category="press")))
    assert status_count(page, "cancelled") == 1 and status_count(page, "confirmed") == 0


def test_pagination_keeps_the_filters(organiser_browser, app, monkeypatch):
    from eventhub.registration.admin import listing as admin_views

    monkeypatch.setattr(admin_views, "PER_PAGE", 2)
    event = make_event()
    for n in range(5):
        make_registration(event, full_name=f"Zoë {n}", category="speaker")
    page = page_text(organiser_browser.get(list_url(event, category="speaker")))
    assert row_names(page) == ["Zoë 0", "Zoë 1"] and "Page 1 of 3" in page
    next_link = re.search(r'href="([^"]+)" rel="next"', page).group(1)
    assert "category=speaker" in next_link
    assert row_names(page_text(organiser_browser.get(next_link))) == ["Zoë 2", "Zoë 3"]


def test_list_runs_the_same_number_of_queries_for_5_or_40_registrations(organiser_browser, count_queries):
    def queries_for(count: int) -> int:
        """Statements the list runs for an event with `count` registrations, half of them linked."""
        event = make_event(capacity=count - 2)
        for n in range(count):
            # A record of its own for every other person: a lazy load per row would show.
            linked = {"organisation_id": make_organisation(region="Europe").id} if n % 2 else {}
            make_registration(event, **linked)
        organiser_browser.get(list_url(event))  # warm up (login, caches)
        db.session.expunge_all()  # the test shares the session: start cold, as a real request does
        with count_queries() as statements:
            response = organiser_browser.get(list_url(event))
        assert response.status_code == 200 and len(row_names(page_text(response))) == count
        return len(statements)

    assert queries_for(5) == queries_for(40)


# --- actions ----------------------------------------------------------------------------------

def post_action(browser, registration, action):
    """Press one action button on the list and follow the redirect back to it."""
    event = registration.event
    return browser.post(f"/manage/events/{event.slug}/registrations/{registration.id}/action",
                        {"action": action, "next": list_url(event)}, follow_redirects=True)


def test_approving_a_pending_registration_confirms_it(organiser_browser, organiser):
    event = make_event(non_member_policy="approve")
    pending = make_registration(event, full_name="Ngozi Okafor")
    assert pending.status == "pending"
    page = page_text(post_action(organiser_browser, pending, "approve"))
    assert stored(pending).status == "confirmed"
    assert "Ngozi Okafor is now: Confirmed." in flashes(page)
    assert row_names(page) == ["Ngozi Okafor"]  # back on the list
    from eventhub.audit.services import trail
    assert trail("registration", pending.id)[-1].user_id == organiser.id


def test_rejecting_a_confirmed_registration_promotes_the_first_waitlisted(organiser_browser):
    event = make_event(capacity=1)
    confirmed, first, second = (make_registration(event, full_name=n) for n in ("Ana", "Bea", "Chloé"))
    post_action(organiser_browser, confirmed, "reject")
    assert [stored(r).status for r in (confirmed, first, second)] == ["rejected", "confirmed", "waitlisted"]


def test_promoting_when_full_is_refused_with_the_reason(organiser_browser):
    event = make_event(capacity=1)
    make_registration(event)
    waiting = make_registration(event, full_name="Bea")
    page = page_text(post_action(organiser_browser, waiting, "promote"))
    assert stored(waiting).status == "waitlisted"
    assert "Bea: The event is full" in flashes(page)


def test_an_action_without_a_choice_changes_nothing(organiser_browser):
    event = make_event(non_member_policy="approve")
    pending = make_registration(event)
    response = organiser_browser.post(f"/manage/events/{event.slug}/registrations/{pending.id}/action", {})
    assert response.status_code == 302 and stored(pending).status == "pending"


def test_registration_of_another_event_is_404_in_this_events_urls(organiser_browser):
    mine, other = make_event(non_member_policy="approve"), make_event(non_member_policy="approve")
    foreign = make_registration(other)
    base = f"/manage/events/{mine.slug}/registrations/{foreign.id}"
    assert organiser_browser.get(base).status_code == 404
    assert organiser_browser.post(f"{base}/action", {"action": "approve"}).status_code == 404
    assert organiser_browser.post(f"{base}/link", {"organisation_id": make_organisation().id}).status_code == 404
    assert stored(foreign).status == "pending"
    assert organiser_browser.get("/manage/events/no-such-event/registrations").status_code == 404


def test_bulk_approve_reports_successes_and_refusals(organiser_browser):
    event = make_event(non_member_policy="approve")
    member = make_organisation(status="member")
    pending = [make_registration(event, full_name=f"Pending {n}") for n in (1, 2)]
    confirmed = make_registration(event, full_name="Already Confirmed", organisation_id=member.id)
    foreign = make_registration(make_event(non_member_policy="approve"))
    ids = [r.id for r in (*pending, confirmed, foreign)]
    response = organiser_browser.post(f"/manage/events/{event.slug}/registrations/bulk",
                                      {"action": "approve", "ids": ids, "next": list_url(event)}, follow_redirects=True)
    messages = flashes(page_text(response))
    assert [stored(r).status for r in pending] == ["confirmed", "confirmed"]
    assert "Approve: 2 of 3 registrations changed." in messages
    assert "Not changed — Already Confirmed: This registration is confirmed" in messages
    assert stored(foreign).status == "pending"  # another event's id is ignored


def test_bulk_without_a_selection_changes_nothing(organiser_browser):
    event = make_event(non_member_policy="approve")
    pending = make_registration(event)
    response = organiser_browser.post(f"/manage/events/{event.slug}/registrations/bulk", {"action": "approve"},
                                      follow_redirects=True)
    assert "tick at least one registration" in flashes(page_text(response))
    assert stored(pending).status == "pending"


# --- detail and linking -----------------------------------------------------------------------

def test_detail_shows_details_answers_and_audit_trail(organiser_browser, organiser):
    event = make_event(capacity=1)
    make_question(event, {"label": "Dietary needs", "key": "diet", "kind": "multiple_choice",
                                  "options": "Vegetarian\nHalal\nKosher"})
    make_question(event, {"label": "Needs a wheelchair space", "key": "wheelchair", "kind": "checkbox"})
    make_question(event, {"label": "Country of residence", "key": "residence", "kind": "country"})
    make_registration(event)
    person = make_registration(event, full_name="Ελένη Παπαδοπούλου", position="Δήμαρχος",
                               answers={"diet": ["Halal", "Vegetarian"], "wheelchair": True, "residence": "GR"})
    page = page_text(organiser_browser.get(f"/manage/events/{event.slug}/registrations/{person.id}"))
    assert re.search(r"Needs a wheelchair space</dt><dd>Yes", page)
    page = re.sub(r"<[^>]+>", "", page)  # the text a reader sees
    for text in ("Ελένη Παπαδοπούλου", "Δήμαρχος", "On the waiting list", "position 1 on the waiting list",
                 "Vegetarian; Halal", "Greece (GR)", "registration.waitlisted", "system"):
        assert text in page, text


def test_linking_a_typed_organisation_name_to_a_member_record(organiser_browser, organiser):
    event = make_event()
    krakow = make_organisation(name="Kraków", country="PL")
    person = make_registration(event, organisation_name="Krakow city hall")
    url = f"/manage/events/{event.slug}/registrations/{person.id}"
    page = page_text(organiser_browser.get(url, query_string={"org_q": "krakow"}))
    assert "Kraków" in page and "Link to this record" in page
    page = page_text(organiser_browser.post(f"{url}/link", {"organisation_id": krakow.id}, follow_redirects=True))
    linked = stored(person)
    assert linked.organisation_id == krakow.id and linked.organisation_name is None
    assert "is now linked to Kraków" in flashes(page) and "registration.linked" in page


# --- participation overview -------------------------------------------------------------------

def overview_rows(page: str, table_id: str) -> dict[str, tuple[int, int]]:
    """{label: (confirmed, waitlisted)} from one of the overview tables."""
    table = re.search(rf'<table[^>]*id="{table_id}-table".*?</table>', page, re.S).group(0)
    rows = re.findall(r'<th scope="row">(.*?)</th>\s*<td class="numeric">(\d+)</td>\s*<td class="numeric">(\d+)</td>', table)
    return {html.unescape(label.strip()): (int(c), int(w)) for label, c, w in rows}


def test_participation_overview_counts_by_region_country_and_kind(organiser_browser, world):
    event = world["event"]
    make_registration(event, organisation_id=world["tokyo"].id)  # waitlisted
    services.cancel(make_registration(event, organisation_id=world["malmo"].id), SYSTEM)  # not counted
    page = page_text(organiser_browser.get(f"/manage/events/{event.slug}/participation"))
    assert overview_rows(page, "by-region") == {"East Asia": (1, 1), "Europe": (1, 0), "No region or not linked": (1, 1)}
    assert overview_rows(page, "by-country") == {"Japan": (1, 1), "Sweden": (1, 0), "Not linked to a member record": (1, 1)}
    assert overview_rows(page, "by-kind") == {"Metropolitan area": (1, 1), "City": (1, 0), "Not linked to a member record": (1, 1)}
    assert 'class="bar-confirmed"' in page and "<script" not in page


# --- organisation page ------------------------------------------------------------------------

def test_organisation_page_lists_its_registrations_across_events(organiser_browser, count_queries):
    city = make_organisation(name="Zürich", country="CH")
    first, second = make_event(title="Forum Genève"), make_event(title="Congreso Bogotá", days_from_now=60)
    make_registration(first, full_name="Jürg Müller", organisation_id=city.id)
    make_registration(second, full_name="Anaïs Favre", organisation_id=city.id, category="speaker")
    make_registration(second, full_name="Somebody Else")
    page = page_text(organiser_browser.get(f"/members/{city.id}"))
    table = re.search(r'id="organisation-registrations".*?</table>', page, re.S).group(0)
    assert table.index("Congreso Bogotá") < table.index("Forum Genève")  # newest event first
    assert "Jürg Müller" in table and "Anaïs Favre" in table and "Speaker" in table and "Somebody Else" not in table

    from eventhub.members.services import participation
    city = db.session.merge(city)
    db.session.expunge_all()  # start cold, so lazy loads would show up as statements
    city = db.session.get(type(city), city.id)
    with count_queries() as statements:
        found = participation(city)
        titles = [r.event.title for r in found["registrations"]]
    assert titles == ["Congreso Bogotá", "Forum Genève"] and len(statements) == 2  # hosted + registrations


# --- custom questions -------------------------------------------------------------------------

def questions_of(event) -> list[tuple[str, str]]:
    """(key, label) of the event's questions in form order, as stored."""
    db.session.expire_all()
    return [(q.key, q.label) for q in answers.event_questions(db.session.get(Event, event.id))]


def test_questions_editor_adds_edits_moves_and_deletes(organiser_browser):
    event = make_event()
    base = f"/manage/events/{event.slug}/questions"
    organiser_browser.post(base, {"label": "Dietary needs", "kind": "single_choice", "options": "None\nVegetarian\nHalal",
                                  "required": "y"})
    organiser_browser.post(base, {"label": "Interpretation language", "key": "language", "kind": "short_text"})
    assert questions_of(event) == [("dietary_needs", "Dietary needs"), ("language", "Interpretation language")]
    diet, language = answers.event_questions(event)
    assert diet.options == ["None", "Vegetarian", "Halal"] and diet.required

    response = organiser_browser.post(f"{base}/{diet.id}", {"label": "Régime alimentaire", "key": "dietary_needs",
                                                            "kind": "multiple_choice", "options": "Végétarien\nHalal"})
    assert response.status_code == 302
    assert questions_of(event)[0] == ("dietary_needs", "Régime alimentaire")

    organiser_browser.post(f"{base}/{language.id}/move", {"direction": "up"})
    assert [key for key, _ in questions_of(event)] == ["language", "dietary_needs"]

    organiser_browser.post(f"{base}/{language.id}/delete", {})  # not confirmed
    assert len(questions_of(event)) == 2
    organiser_browser.post(f"{base}/{language.id}/delete", {"confirm": "y"})
    assert questions_of(event) == [("dietary_needs", "Régime alimentaire")]
    page = page_text(organiser_browser.get(base))
    assert "Interpretation language” is deleted" in flashes(page)
    table = re.search(r"<table.*?</table>", page, re.S).group(0)
    assert "Régime alimentaire" in table and "Interpretation language" not in table


def test_question_errors_are_shown_next_to_the_field(organiser_browser):
    event = make_event()
    make_question(event, {"label": "Arrival", "key": "arrival", "kind": "short_text"})
    response = organiser_browser.post(f"/manage/events/{event.slug}/questions",
                                      {"label": "Arrival date", "key": "arrival", "kind": "single_choice", "options": "x"})
    page = page_text(response)
    assert response.status_code == 200
    assert "Another question already uses the key 'arrival'." in page and "at least two choices" in page
    assert 'value="Arrival date"' in page  # nothing typed is lost


def test_a_required_question_added_in_the_editor_is_enforced_on_registration(organiser_browser):
    event = make_event()
    organiser_browser.post(f"/manage/events/{event.slug}/questions",
                           {"label": "Accessibility needs", "key": "access", "kind": "long_text", "required": "y"})
    with pytest.raises(ValidationError) as error:
        make_registration(db.session.get(Event, event.id))
    assert "answers.access" in error.value.errors
    assert make_registration(event, answers={"access": "Step-free route"}).answers == {"access": "Step-free route"}


def test_question_of_another_event_is_404(organiser_browser):
    mine, other = make_event(), make_event()
    question = make_question(other, {"label": "Diet", "kind": "short_text"})
    assert organiser_browser.get(f"/manage/events/{mine.slug}/questions/{question.id}").status_code == 404
    assert organiser_browser.post(f"/manage/events/{mine.slug}/questions/{question.id}/delete",
                                  {"confirm": "y"}).status_code == 404
    assert db.session.scalar(select(Question).where(Question.id == question.id)) is not None


# --- event settings ---------------------------------------------------------------------------

def event_form(event, **values) -> dict:
    """The event edit form as a browser sends it, with the event's current basics."""
    data = {"kind": event.kind, "title": event.title, "slug": event.slug, "timezone": event.timezone,
            "start": "2031-06-15T09:00", "end": "2031-06-17T18:00"}
    data.update(values)
    return data


def test_event_form_saves_the_registration_settings(organiser_browser):
    event = make_event(status="draft", title="Regional Forum Kraków")
    data = event_form(event, delegate_quota="5", non_member_policy="approve", public_categories=["delegate", "press"])
    response = organiser_browser.post(f"/manage/events/{event.slug}/edit", data)
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Event, event.id)
    assert (saved.delegate_quota, saved.non_member_policy, saved.public_category_list) == (5, "approve", ["delegate", "press"])
    page = page_text(organiser_browser.get(f"/manage/events/{event.slug}/edit"))
    assert re.search(r'<input[^>]*checked[^>]*value="approve"|<input[^>]*value="approve"[^>]*checked', page)
    assert re.search(r'<input[^>]*checked[^>]*value="press"|<input[^>]*value="press"[^>]*checked', page)
    assert not re.search(r'<input[^>]*checked[^>]*value="speaker"|<input[^>]*value="speaker"[^>]*checked', page)


def test_event_form_shows_a_bad_quota_next_to_the_field(organiser_browser):
    event = make_event(status="draft")
    response = organiser_browser.post(f"/manage/events/{event.slug}/edit", event_form(event, delegate_quota="0"))
    page = page_text(response)
    assert response.status_code == 200
    assert re.search(r'<small id="delegate_quota-errors"[^>]*>[^<]+</small>', page)
    db.session.expire_all()
    assert db.session.get(Event, event.id).delegate_quota is None
