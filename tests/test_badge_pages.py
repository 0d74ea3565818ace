"""Badges from the browser: attendees download their own; organisers pick, print, mark, reprint and reissue."""
import re

import pytest

from eventhub.audit.services import SYSTEM
from eventhub.badges import services
from eventhub.core.transaction import atomic
from eventhub.extensions import db
from eventhub.registration import services as registration_services
from tests.badge_support import page_texts, scanned_codes
from tests.factories import make_organisation, make_registration, open_event


@pytest.fixture
def event():
    return open_event(title="ICLEI World Congress", non_member_policy="approve")


@pytest.fixture
def member():
    return make_organisation(name="Malmö stad", country="SE")


def confirmed(event, name, organisation=None, **values):
    if organisation is not None:
        values["organisation_id"] = organisation.id
    person = make_registration(event, full_name=name, **values)
    assert person.status == "confirmed"
    return person


def badges_url(event, **args):
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/manage/events/{event.slug}/badges.pdf" + (f"?{query}" if query else "")


# --- attendees --------------------------------------------------------------------------------

def test_a_confirmed_attendee_downloads_their_badge_from_the_manage_page(client, event, member):
    person = confirmed(event, "Zoë Łódź-Ångström", member)
    page = client.get(f"/registrations/{person.manage_token}")
    assert f"/registrations/{person.manage_token}/badge.pdf" in page.text
    response = client.get(f"/registrations/{person.manage_token}/badge.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert scanned_codes(response.data) == [[services.valid_badge(person).token]]
    assert "Zoë Łódź-Ångström" in page_texts(response.data)[0]


def test_no_badge_before_confirmation_nor_after_cancelling(client, event):
    pending = make_registration(event, organisation_name="Not a member yet")
    assert pending.status == "pending"
    response = client.get(f"/registrations/{pending.manage_token}/badge.pdf", follow_redirects=True)
    assert response.mimetype == "text/html" and "once your registration is confirmed" in response.text
    assert "badge.pdf" not in client.get(f"/registrations/{pending.manage_token}").text


def test_a_made_up_or_other_persons_token_gets_nothing(client, event, member):
    confirmed(event, "Someone Else", member)
    assert client.get("/registrations/not-a-token/badge.pdf").status_code == 404


# --- organisers ---------------------------------------------------------------------------------

def test_organisers_print_every_confirmed_badge_four_to_an_a4_page_and_every_code_resolves(
        organiser_browser, event, member):
    people = [confirmed(event, name, member) for name in
              ("Ana Zapata", "Bo Young", "Chen Wei", "Dmitri Xenakis", "Eva Wagner")]
    leaving = confirmed(event, "Fatima Volkova", member)
    with atomic():
        registration_services.cancel(leaving, SYSTEM)
    response = organiser_browser.get(badges_url(event, layout="a4"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = scanned_codes(response.data)
    assert [len(codes) for codes in pages] == [4, 1]
    resolved = [services.resolve(code, event.id) for codes in pages for code in codes]
    assert all(result.valid for result in resolved)
    # By family name, the last word of a Latin-script name.
    assert [r.holder.full_name for r in resolved] == ["Eva Wagner", "Chen Wei", "Dmitri Xenakis", "Bo Young",
                                                            "Ana Zapata"]
    assert sorted(r.holder.registration_id for r in resolved) == sorted(p.id for p in people)


def test_the_page_lists_the_selection_and_downloads_and_marks_the_same_badges(organiser_browser, event, member):
    speaker = confirmed(event, "Sipho Ndlovu", member, category="speaker")
    confirmed(event, "Delegate One", member)
    page = organiser_browser.get(f"/manage/events/{event.slug}/badges?category=speaker")
    assert page.status_code == 200 and "Sipho Ndlovu" in page.text and "Delegate One" not in page.text
    assert "1 badge selected" in page.text
    # Someone confirmed after the page was shown is not in what the button marks.
    late = confirmed(event, "Late Speaker", member, category="speaker")
    issued_until = re.search(r'name="issued_until" value="([^"]+)"', page.text).group(1)
    organiser_browser.post(f"/manage/events/{event.slug}/badges/printed",
                           {"category": "speaker", "issued_until": issued_until})
    assert services.valid_badge(speaker).printed_at is not None
    assert services.valid_badge(late).printed_at is None
    remaining = organiser_browser.get(f"/manage/events/{event.slug}/badges?category=speaker&not_printed=1")
    assert "Late Speaker" in remaining.text and "Sipho Ndlovu" not in remaining.text


def test_marking_printed_without_the_csrf_token_marks_nothing(client, organiser_browser, event, member):
    person = confirmed(event, "Unmarked Person", member)
    response = client.post(f"/manage/events/{event.slug}/badges/printed", data={})
    assert response.status_code in (302, 400)
    assert services.valid_badge(person).printed_at is None


def test_the_registrations_list_shows_which_badges_are_printed(organiser_browser, event, member):
    printed, _waiting = confirmed(event, "Printed Person", member), confirmed(event, "Waiting Person", member)
    with atomic():
        services.mark_printed(event, [services.valid_badge(printed)], SYSTEM)
    page = organiser_browser.get(f"/manage/events/{event.slug}/registrations")
    assert page.text.count('data-badge="printed"') == 1 and page.text.count('data-badge="not-printed"') == 1


def test_ticked_rows_open_the_badge_page_with_just_them(organiser_browser, event, member):
    one, _two = confirmed(event, "Ticked Person", member), confirmed(event, "Unticked Person", member)
    response = organiser_browser.post(f"/manage/events/{event.slug}/badges/ticked", {"ids": [str(one.id)]})
    assert response.status_code == 302 and f"ids={one.id}" in response.location
    page = organiser_browser.get(response.location)
    assert "Ticked Person" in page.text and "Unticked Person" not in page.text


def test_reprint_and_reissue_from_the_registration_page(organiser_browser, event, member):
    person = confirmed(event, "Lost Badge Person", member)
    old = services.valid_badge(person).token
    detail = organiser_browser.get(f"/manage/events/{event.slug}/registrations/{person.id}")
    assert "Not printed yet" in detail.text
    reprint = organiser_browser.get(f"/manage/events/{event.slug}/registrations/{person.id}/badge.pdf")
    assert scanned_codes(reprint.data) == [[old]]
    organiser_browser.post(f"/manage/events/{event.slug}/registrations/{person.id}/badge/reissue")
    new = services.valid_badge(person).token
    assert new != old and services.resolve(old, event.id).outcome == services.REVOKED
    detail = organiser_browser.get(f"/manage/events/{event.slug}/registrations/{person.id}")
    assert "registration.badge_reissued" in detail.text and old not in detail.text
    assert scanned_codes(organiser_browser.get(
        f"/manage/events/{event.slug}/registrations/{person.id}/badge.pdf").data) == [[new]]


def test_another_events_registration_cannot_be_reissued_through_this_event(organiser_browser, event, member):
    other = open_event()
    stranger = confirmed(other, "Other Event Person", member)
    token = services.valid_badge(stranger).token
    response = organiser_browser.post(f"/manage/events/{event.slug}/registrations/{stranger.id}/badge/reissue")
    assert response.status_code == 404 and services.valid_badge(stranger).token == token


@pytest.mark.parametrize("query", ["layout=a5", "sort=height", "ids=abc", "organisation_id=-1", "category=vip",
                                   "issued_until=yesterday"])
def test_a_bad_selection_is_a_clear_message_never_a_500(organiser_browser, event, member, query):
    confirmed(event, "Some Person", member)
    page = organiser_browser.get(f"/manage/events/{event.slug}/badges?{query}")
    assert page.status_code == 200 and 'role="alert"' in page.text
    download = organiser_browser.get(f"/manage/events/{event.slug}/badges.pdf?{query}")
    assert download.status_code == 400


def test_an_empty_selection_says_so_instead_of_an_empty_file(organiser_browser, event):
    response = organiser_browser.get(badges_url(event), follow_redirects=True)
    assert response.mimetype == "text/html" and "No badge matches" in response.text


# --- the command line -------------------------------------------------------------------------------

def test_flask_badges_render_writes_every_confirmed_badge(runner, event, member, tmp_path):
    people = [confirmed(event, name, member) for name in ("Олена Коваленко", "Αθηνά Παπαδοπούλου", "山田 花子")]
    output = tmp_path / "badges.pdf"
    result = runner.invoke(args=["badges", "render", event.slug, "--output", str(output), "--layout", "a6"])
    assert result.exit_code == 0, result.output
    assert "Wrote 3 badge(s)" in result.output
    pages = scanned_codes(output.read_bytes())
    assert sorted(code for codes in pages for code in codes) == sorted(services.valid_badge(p).token for p in people)
    text = "".join(page_texts(output.read_bytes()))
    assert "Олена Коваленко" in text and "Αθηνά Παπαδοπούλου" in text


def test_the_command_selects_marks_and_refuses_clearly(runner, event, member, tmp_path):
    speaker = confirmed(event, "Speaker Person", member, category="speaker")
    confirmed(event, "Delegate Person", member)
    output = tmp_path / "speakers.pdf"
    result = runner.invoke(args=["badges", "render", event.slug, "-o", str(output), "--category", "speaker",
                                 "--mark-printed"])
    assert result.exit_code == 0 and "Wrote 1 badge(s)" in result.output and "Marked 1" in result.output
    db.session.expire_all()
    assert services.valid_badge(speaker).printed_at is not None
    again = runner.invoke(args=["badges", "render", event.slug, "-o", str(output), "--category", "speaker",
                                "--not-printed"])
    assert again.exit_code == 1 and "No badge matches" in again.output
    missing = runner.invoke(args=["badges", "render", "no-such-event", "-o", str(output)])
    assert missing.exit_code == 1 and "no event" in missing.output


# --- the API ---------------------------------------------------------------------------------------

@pytest.fixture
def headers(organiser):
    from tests.factories import make_token

    _token, secret = make_token(organiser, "tests")
    return {"Authorization": f"Bearer {secret}"}


def test_the_api_gives_one_badge_and_a_selection(client, event, member, headers):
    people = [confirmed(event, f"Api Person {n}", member, category="press" if n else "delegate") for n in range(3)]
    one = client.get(f"/api/v1/registrations/{people[0].id}/badge.pdf", headers=headers)
    assert one.status_code == 200 and one.mimetype == "application/pdf"
    assert scanned_codes(one.data) == [[services.valid_badge(people[0]).token]]
    press = client.get(f"/api/v1/events/{event.slug}/badges.pdf?category=press&layout=a4", headers=headers)
    assert press.status_code == 200 and [len(codes) for codes in scanned_codes(press.data)] == [2]
    ticked = client.get(f"/api/v1/events/{event.slug}/badges.pdf?ids={people[1].id},{people[2].id}&layout=a6",
                        headers=headers)
    assert [len(codes) for codes in scanned_codes(ticked.data)] == [1, 1]


def test_the_api_needs_an_organiser_token_and_answers_json_errors(client, event, member, headers):
    person = confirmed(event, "Api Guarded", member)
    assert client.get(f"/api/v1/registrations/{person.id}/badge.pdf").status_code == 401
    with atomic():
        registration_services.cancel(person, SYSTEM)
    gone = client.get(f"/api/v1/registrations/{person.id}/badge.pdf", headers=headers)
    assert gone.status_code == 404 and gone.json["reason"] == "no_badge"
    bad = client.get(f"/api/v1/events/{event.slug}/badges.pdf?layout=a5", headers=headers)
    assert bad.status_code == 422
    none = client.get(f"/api/v1/events/{event.slug}/badges.pdf?ids=99999", headers=headers)
    assert none.status_code == 404 and none.json["reason"] == "no_badges"


def test_the_openapi_document_describes_the_pdfs(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/registrations/{registration_id}/badge.pdf", "/api/v1/events/{slug}/badges.pdf"):
        content = paths[path]["get"]["responses"]["200"]["content"]
        assert content == {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
    names = {p["name"] for p in paths["/api/v1/events/{slug}/badges.pdf"]["get"]["parameters"]}
    assert {"category", "organisation_id", "not_printed", "ids", "sort", "layout", "double_sided"} <= names


# --- the back, and the cost of a big selection ---------------------------------------------------

def test_the_back_of_a_double_sided_badge_lists_the_persons_own_sessions(client, event, member):
    from eventhub.agenda.signups import sign_up, star
    from tests.factories import make_session, make_workshop, publish_agenda

    publish_agenda(event)
    person = confirmed(event, "Ngozi Okafor", member)
    keynote = make_session(event, title="Opening plenary: cities and climate")
    workshop = make_workshop(event, seats=5, title="Solar rooftops workshop")
    make_session(event, title="A session nobody chose", start=keynote.start_at.isoformat(),
                 end=keynote.end_at.isoformat())
    with atomic():
        star(person, keynote)
        sign_up(workshop, person, SYSTEM)
    response = client.get(f"/registrations/{person.manage_token}/badge.pdf?double_sided=1")
    front, back = page_texts(response.data)
    assert "Ngozi Okafor" in front
    assert "Opening plenary: cities and climate" in back and "Solar rooftops workshop" in back
    assert back.index("Opening plenary") < back.index("Solar rooftops")
    assert "nobody chose" not in back


def test_a_selection_costs_the_same_queries_for_4_badges_as_for_12(organiser_browser, event, member,
                                                                     count_queries):
    def queries_for_download():
        with count_queries() as statements:
            assert organiser_browser.get(badges_url(event, layout="a4", double_sided=1)).status_code == 200
        return len(statements)

    for n in range(4):
        confirmed(event, f"Person {n}", member)
    few = queries_for_download()
    for n in range(8):
        confirmed(event, f"More {n}", member)
    assert queries_for_download() == few


def test_reissuing_needs_the_csrf_token_and_a_confirmed_registration(client, organiser_browser, event, member):
    person = confirmed(event, "Careful Person", member)
    token = services.valid_badge(person).token
    client.post(f"/manage/events/{event.slug}/registrations/{person.id}/badge/reissue", data={})
    assert services.valid_badge(person).token == token
    with atomic():
        registration_services.cancel(person, SYSTEM)
    page = organiser_browser.post(f"/manage/events/{event.slug}/registrations/{person.id}/badge/reissue",
                                  follow_redirects=True)
    assert "Only a confirmed registration has a badge." in page.text
    assert services.valid_badge(person) is None
