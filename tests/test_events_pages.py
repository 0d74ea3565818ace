"""Organiser event pages (create, edit, publish, cancel) and the public event pages."""
import html
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from eventhub.events.models import Event
from eventhub.extensions import db
from tests.factories import make_event, make_network, make_organisation, make_user

UTC = timezone.utc


def form_data(**values) -> dict:
    """A complete, valid event form as a browser would send it."""
    data = {
        "kind": "congress",
        "title": "Congresso Mundial São Paulo",
        "slug": "",
        "summary": "Cidades à frente",
        "description": "",
        "host_organisation_id": "",
        "venue_name": "",
        "venue_address": "",
        "latitude": "",
        "longitude": "",
        "timezone": "America/Sao_Paulo",
        "start": "2027-06-15T09:00",
        "end": "2027-06-17T18:00",
        "registration_opens": "",
        "registration_closes": "",
        "capacity": "",
        "network_id": "",
    }
    data.update(values)
    return data


def field_error(page: str, field_id: str) -> str:
    """The error text shown right after a field, or '' when there is none."""
    match = re.search(rf'<small id="{field_id}-errors"[^>]*>(.*?)</small>', page, re.S)
    return html.unescape(match.group(1)) if match else ""


def input_value(page: str, field_id: str) -> str:
    """The value an input field is rendered with."""
    tag = re.search(rf'<input[^>]*\bid="{field_id}"[^>]*>', page).group(0)
    return html.unescape(re.search(r'value="([^"]*)"', tag).group(1))


def event_count() -> int:
    """How many events the database holds."""
    return db.session.scalar(select(func.count()).select_from(Event))


def stored(slug: str) -> Event:
    """The event as the database has it now, not as the session remembers it."""
    db.session.expire_all()
    return db.session.scalar(select(Event).where(Event.slug == slug))


@pytest.fixture
def draft():
    """An unpublished event."""
    return make_event(status="draft", title="Regional Forum Kraków")


# --- who may open what ---------------------------------------------------------------------

ORGANISER_PAGES = [
    ("get", "/manage/events/", 200),
    ("get", "/manage/events/new", 200),
    ("get", "/manage/events/{slug}/edit", 200),
    ("get", "/manage/events/{slug}", 200),
    ("post", "/manage/events/{slug}/publish", 302),
    ("post", "/manage/events/{slug}/unpublish", 302),
    ("post", "/manage/events/{slug}/cancel", 302),
]


@pytest.mark.parametrize("method, url, organiser_status", ORGANISER_PAGES)
@pytest.mark.parametrize("who", ["anonymous", "checkin", "organiser"])
def test_organiser_pages_need_the_organiser_role(browser, draft, who, method, url, organiser_status):
    if who != "anonymous":
        browser.login(make_user(roles=[who]))
    response = getattr(browser, method)(url.format(slug=draft.slug))
    if who == "anonymous":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login")
    elif who == "checkin":
        assert response.status_code == 403
    else:
        assert response.status_code == organiser_status


# --- creating and editing -----------------------------------------------------------------

def test_create_stores_times_as_utc_and_shows_them_back_in_the_event_timezone(organiser_browser):
    response = organiser_browser.post("/manage/events/new", form_data(registration_opens="2027-01-10T08:30"))
    assert response.status_code == 302
    event = stored("congresso-mundial-sao-paulo")
    assert response.headers["Location"] == "/manage/events/congresso-mundial-sao-paulo/edit"
    assert event.status == "draft"
    # São Paulo is UTC-3 (no daylight saving since 2019).
    assert event.start_at == datetime(2027, 6, 15, 12, 0, tzinfo=UTC)
    assert event.end_at == datetime(2027, 6, 17, 21, 0, tzinfo=UTC)
    assert event.registration_opens == datetime(2027, 1, 10, 11, 30, tzinfo=UTC)
    assert event.summary == "Cidades à frente"

    page = organiser_browser.get(response.headers["Location"]).get_data(as_text=True)
    assert input_value(page, "start") == "2027-06-15T09:00"
    assert input_value(page, "registration_opens") == "2027-01-10T08:30"
    assert "Draft “Congresso Mundial São Paulo” saved" in page


def test_edit_prefills_local_times_and_saving_unchanged_keeps_the_instants(organiser_browser):
    event = make_event(
        title="Tokyo Summit",
        timezone="Asia/Tokyo",
        start=datetime(2027, 4, 1, 0, 0, tzinfo=UTC),
        end=datetime(2027, 4, 3, 8, 0, tzinfo=UTC),
    )
    page = organiser_browser.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    assert input_value(page, "start") == "2027-04-01T09:00"
    assert input_value(page, "end") == "2027-04-03T17:00"
    assert 'value="Asia/Tokyo" selected' in page or 'selected value="Asia/Tokyo"' in page

    response = organiser_browser.post(
        f"/manage/events/{event.slug}/edit",
        form_data(title="Tokyo Summit 2027", slug=event.slug, timezone="Asia/Tokyo",
                  start="2027-04-01T09:00", end="2027-04-03T17:00"),
    )
    assert response.status_code == 302
    saved = stored(event.slug)
    assert saved.title == "Tokyo Summit 2027"
    assert saved.start_at == datetime(2027, 4, 1, 0, 0, tzinfo=UTC)
    assert saved.end_at == datetime(2027, 4, 3, 8, 0, tzinfo=UTC)


def test_a_time_in_the_spring_forward_gap_does_not_crash_and_is_flagged(organiser_browser):
    response = organiser_browser.post(
        "/manage/events/new",
        form_data(title="Berlin Dialogue", timezone="Europe/Berlin", start="2027-03-28T02:30", end="2027-03-28T18:00"),
        follow_redirects=True,
    )
    assert response.status_code == 200
    # 02:30 does not exist that night in Berlin; it is read with the winter offset, i.e. 03:30 summer time.
    assert stored("berlin-dialogue").start_at == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    page = response.get_data(as_text=True)
    assert input_value(page, "start") == "2027-03-28T03:30"
    assert "that time does not exist in Europe/Berlin" in page


def test_blank_slug_is_made_from_the_title_and_kept_unique(organiser_browser):
    for _ in range(2):
        assert organiser_browser.post("/manage/events/new", form_data(title="World Forum")).status_code == 302
    slugs = set(db.session.scalars(select(Event.slug)))
    assert slugs == {"world-forum", "world-forum-2"}


def test_an_explicitly_taken_slug_is_refused_next_to_the_field(organiser_browser):
    make_event(title="Existing", slug="resilient-cities-2027")
    response = organiser_browser.post("/manage/events/new", form_data(slug="resilient-cities-2027"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "/events/resilient-cities-2027 is already taken" in field_error(page, "slug")
    assert input_value(page, "title") == "Congresso Mundial São Paulo"
    assert event_count() == 1


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "is not an IANA timezone"),
        ({"end": "2027-06-15T08:00"}, "end", "must end after it starts"),
        ({"network_id": "NETWORK"}, "network_id", "Only a network meeting can be restricted"),
        ({"registration_closes": "2027-07-01T00:00"}, "registration_closes", "cannot close after the event has ended"),
    ],
)
def test_refused_input_shows_the_message_next_to_the_field_and_saves_nothing(organiser_browser, values, field, message):
    if values.get("network_id") == "NETWORK":
        values = {"network_id": str(make_network("Ciudades Resilientes").id)}
    response = organiser_browser.post("/manage/events/new", form_data(venue_name="Centro Cultural São Paulo", **values))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in field_error(page, field)
    assert "Nothing was saved" in page
    assert input_value(page, "venue_name") == "Centro Cultural São Paulo"
    assert event_count() == 0


def test_new_event_form_defaults_to_the_configured_timezone(app, organiser_browser):
    app.config["EVENTHUB_TIMEZONE"] = "Africa/Nairobi"
    try:
        page = organiser_browser.get("/manage/events/new").get_data(as_text=True)
    finally:
        app.config["EVENTHUB_TIMEZONE"] = "UTC"
    assert re.search(r'<option selected value="Africa/Nairobi">', page)
    assert page.count("<option selected") == 4  # kind, main language, timezone; host and network are "none"


def test_a_network_meeting_can_be_restricted_to_a_network(organiser_browser):
    network = make_network("Ciudades Resilientes")
    response = organiser_browser.post(
        "/manage/events/new", form_data(kind="network_meeting", title="Encuentro", network_id=str(network.id))
    )
    assert response.status_code == 302
    assert stored("encuentro").network_id == network.id


def test_edit_of_an_unknown_event_is_404(organiser_browser):
    assert organiser_browser.get("/manage/events/no-such-event/edit").status_code == 404


# --- publish, unpublish, cancel -----------------------------------------------------------

@pytest.mark.parametrize("action", ["publish", "unpublish", "cancel"])
def test_status_actions_refuse_get(organiser_browser, draft, action):
    assert organiser_browser.get(f"/manage/events/{draft.slug}/{action}").status_code == 405
    assert stored(draft.slug).status == "draft"


def test_status_action_without_csrf_token_is_refused(client, organiser_browser, draft):
    response = client.post(f"/manage/events/{draft.slug}/publish")
    assert response.status_code == 400
    assert stored(draft.slug).status == "draft"


def test_publish_unpublish_and_cancel(organiser_browser, client, draft):
    url = f"/manage/events/{draft.slug}"
    page = organiser_browser.post(f"{url}/publish", follow_redirects=True).get_data(as_text=True)
    assert "is published at" in page
    assert stored(draft.slug).status == "published"
    assert client.get(f"/events/{draft.slug}").status_code == 200

    page = organiser_browser.post(f"{url}/unpublish", follow_redirects=True).get_data(as_text=True)
    assert "is a draft again" in page
    assert stored(draft.slug).status == "draft"

    organiser_browser.post(f"{url}/publish")
    page = organiser_browser.post(f"{url}/cancel", {"confirm": "y"}, follow_redirects=True).get_data(as_text=True)
    assert "is cancelled" in page
    assert stored(draft.slug).status == "cancelled"
    assert "This event has been cancelled." in client.get(f"/events/{draft.slug}").get_data(as_text=True)


def test_cancel_without_the_confirmation_box_changes_nothing(organiser_browser):
    event = make_event(title="Mayors Summit")
    response = organiser_browser.post(f"/manage/events/{event.slug}/cancel", follow_redirects=True)
    assert "Nothing was changed" in response.get_data(as_text=True)
    assert stored(event.slug).status == "published"


def test_a_draft_cannot_be_cancelled(organiser_browser, draft):
    response = organiser_browser.post(f"/manage/events/{draft.slug}/cancel", {"confirm": "y"}, follow_redirects=True)
    assert "A draft cannot be cancelled" in response.get_data(as_text=True)
    assert stored(draft.slug).status == "draft"


# --- organiser list and preview -----------------------------------------------------------

def test_manage_lists_drafts_too_newest_first_and_filters_by_status(organiser_browser):
    make_event(title="Older Congress", days_from_now=10)
    make_event(title="Newer Draft", status="draft", days_from_now=90)
    make_event(title="Cancelled Meeting", status="cancelled", days_from_now=40)
    page = organiser_browser.get("/manage/events/").get_data(as_text=True)
    assert page.index("Newer Draft") < page.index("Cancelled Meeting") < page.index("Older Congress")

    page = organiser_browser.get("/manage/events/?status=draft").get_data(as_text=True)
    assert "Newer Draft" in page and "Older Congress" not in page and "Cancelled Meeting" not in page


def test_draft_is_404_publicly_and_previewed_with_a_banner(client, organiser_browser, draft):
    assert client.get(f"/events/{draft.slug}").status_code == 404
    assert organiser_browser.get(f"/events/{draft.slug}").status_code == 404
    assert draft.title not in client.get("/").get_data(as_text=True)
    page = organiser_browser.get(f"/manage/events/{draft.slug}").get_data(as_text=True)
    assert "<strong>Draft</strong>" in page
    assert draft.title in page


# --- public pages -------------------------------------------------------------------------

def test_index_lists_congresses_first_then_by_start_and_hides_past_and_drafts(client):
    make_event(title="Early Network Meeting", kind="network_meeting", days_from_now=5)
    make_event(title="Late Congress", days_from_now=200)
    make_event(title="Soon Congress", days_from_now=20)
    make_event(title="Called Off Congress", status="cancelled", days_from_now=60)
    make_event(title="Past Congress", days_from_now=-10)
    make_event(title="Secret Draft", status="draft", days_from_now=30)
    page = client.get("/").get_data(as_text=True)
    order = ["Soon Congress", "Called Off Congress", "Late Congress", "Early Network Meeting"]
    assert [page.index(title) for title in order] == sorted(page.index(title) for title in order)
    assert "Past Congress" not in page and "Secret Draft" not in page
    cancelled_card = page[page.index("Called Off Congress"):page.index("Late Congress")]
    assert "Cancelled" in cancelled_card


def test_index_shows_dates_in_the_event_timezone_and_the_host_names(client):
    tokyo = make_organisation(name="Tokyo", local_name="東京都", country="JP")
    # 23:00 UTC on 31 May is already 1 June in Tokyo.
    make_event(title="Tokyo Forum", timezone="Asia/Tokyo", host_organisation_id=tokyo.id,
               start=datetime(2099, 5, 31, 23, 0, tzinfo=UTC), end=datetime(2099, 6, 1, 8, 0, tzinfo=UTC))
    page = client.get("/").get_data(as_text=True)
    assert "Jun 1, 2099" in page
    assert "May 31" not in page
    assert '<span class="local-name" lang="ja" dir="auto">東京都</span>' in page


def test_names_in_any_script_survive_and_the_slug_stays_url_safe(organiser_browser, client):
    cairo = make_organisation(name="Cairo", local_name="القاهرة", country="EG")
    title = "Всемирный конгресс 東京 2027"
    response = organiser_browser.post("/manage/events/new", form_data(title=title, host_organisation_id=str(cairo.id)))
    event = db.session.scalar(select(Event).where(Event.title == title))
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", event.slug)
    assert response.headers["Location"] == f"/manage/events/{event.slug}/edit"
    organiser_browser.post(f"/manage/events/{event.slug}/publish")
    for page in (client.get("/").get_data(as_text=True), client.get(f"/events/{event.slug}").get_data(as_text=True)):
        assert title in page
        assert '<span class="local-name" lang="ar" dir="auto">القاهرة</span>' in page


def test_detail_shows_times_in_the_event_timezone_with_venue_registration_and_network(client):
    network = make_network("Red de Ciudades Sostenibles")
    host = make_organisation(name="São Paulo", country="BR")
    event = make_event(
        title="Encontro de Redes",
        kind="network_meeting",
        network_id=network.id,
        host_organisation_id=host.id,
        timezone="America/Sao_Paulo",
        start=datetime(2099, 6, 15, 12, 0, tzinfo=UTC),
        end=datetime(2099, 6, 16, 20, 0, tzinfo=UTC),
        registration_opens=datetime(2099, 1, 10, 11, 30, tzinfo=UTC),
        registration_closes=datetime(2099, 6, 1, 2, 59, tzinfo=UTC),
        venue_name="Centro Cultural",
        venue_address="Rua Vergueiro, 1000",
    )
    # Babel puts a narrow no-break space before AM/PM.
    page = html.unescape(client.get(f"/events/{event.slug}").get_data(as_text=True)).replace("\u202f", " ")
    assert "Mon, Jun 15, 2099, 9:00 AM" in page
    assert "Tue, Jun 16, 2099, 5:00 PM" in page
    assert "America/Sao_Paulo" in page and "GMT-03:00" in page
    assert "Opens <time" in page and "Sat, Jan 10, 2099, 8:30 AM" in page
    assert "Sun, May 31, 2099, 11:59 PM" in page
    assert "Only members of the Red de Ciudades Sostenibles network can register." in page
    assert "São Paulo" in page and "Brazil" in page
    assert "Centro Cultural" in page and "Rua Vergueiro, 1000" in page
    assert page.count("<h1") == 1


@pytest.mark.parametrize("url", ["/", "/manage/events/"])
def test_list_pages_run_as_many_queries_for_15_events_as_for_3(organiser_browser, count_queries, url):
    def queries() -> int:
        """Statements run to render the page once."""
        db.session.expire_all()  # the same starting point each time: nothing cached from earlier requests
        with count_queries() as statements:
            assert organiser_browser.get(url).status_code == 200
        return len(statements)

    for n in range(3):
        make_event(host_organisation_id=make_organisation(local_name=f"Ciudad {n}").id)
    few = queries()
    for n in range(12):
        make_event(host_organisation_id=make_organisation(local_name=f"Город {n}").id, days_from_now=40 + n)
    assert organiser_browser.get(url).get_data(as_text=True).count("Город") == 12
    assert queries() == few


def test_unknown_public_event_is_404(client):
    assert client.get("/events/nothing-here").status_code == 404
