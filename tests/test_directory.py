"""The participant directory (#17): who appears, who may look, search in any script, filters, and its cost."""
import pytest
from sqlalchemy import select

from eventhub.audit.models import AuditEntry
from eventhub.core.transaction import atomic
from eventhub.extensions import db
from eventhub.members.models import Region
from eventhub.registration.services import cancel
from tests.factories import (
    make_agenda_parts,
    make_event,
    make_listed_participant,
    make_network,
    make_organisation,
    make_registration,
    make_user,
)


@pytest.fixture
def event():
    return make_event(title="Congresso Mundial", capacity=200)


@pytest.fixture
def tracks(event):
    """Energy and Вода (water)."""
    return make_agenda_parts(event)["tracks"]


def region(name):
    return db.session.scalar(select(Region).where(Region.name == name))


@pytest.fixture
def seoul():
    return make_organisation(name="Seoul", local_name="서울특별시", country="KR", kind="city",
                             region="East Asia")


@pytest.fixture
def sao_paulo():
    return make_organisation(name="São Paulo", country="BR", kind="city", region="Latin America & Caribbean")


@pytest.fixture
def minjun(event, tracks, seoul):
    """A Seoul delegate who wants to talk about water and speaks Korean and English."""
    return make_listed_participant(event, topics=[tracks[1]], languages=["ko", "en"], full_name="김민준",
                                   position="Deputy Mayor", organisation_id=seoul.id, organisation_name=None)


@pytest.fixture
def joao(event, tracks, sao_paulo):
    """A São Paulo delegate who wants to talk about energy and speaks Portuguese and Spanish."""
    return make_listed_participant(event, topics=[tracks[0]], languages=["pt", "es"], full_name="João Gonçalves",
                                   position="Secretary for Climate", organisation_id=sao_paulo.id,
                                   organisation_name=None)


def directory(client, person, **query):
    return client.get(f"/registrations/{person.manage_token}/directory", query_string=query)


def shown(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_two_delegates_find_each_other_in_any_script_and_without_accents(client, minjun, joao):
    # João types the Korean name of Seoul; 김민준 types São Paulo without its accent.
    page = shown(directory(client, joao, q="서울"))
    assert "김민준" in page and "Deputy Mayor" in page and "서울특별시" in page and "João" not in page
    page = shown(directory(client, minjun, q="sao paulo"))
    assert "João Gonçalves" in page and "Secretary for Climate" in page and "김민준" not in page
    page = shown(directory(client, minjun, q="GONCALVES"))
    assert "João Gonçalves" in page
    # What each one shows: country, region, kind, topics and languages spoken.
    page = shown(directory(client, minjun))
    rows = page.split("<tbody>")[1]
    for text in ("Korea", "East Asia", "Brazil", "Latin America", "City", "Вода", "Energy", "Korean",
                 "Portuguese", "Spanish"):
        assert text in rows, text


def test_filters_narrow_the_directory(client, event, tracks, minjun, joao, seoul):
    network = make_network(name="Water Cities", members=[seoul])
    university = make_organisation(name="Universidad de Chile", country="CL", kind="academia",
                                   region="Latin America & Caribbean")
    ana = make_listed_participant(event, topics=tracks, languages=["es"], full_name="Ana Rojas",
                                  organisation_id=university.id, organisation_name=None)

    def names(**query):
        page = shown(directory(client, ana, **query))
        return {person.full_name for person in (minjun, joao, ana) if person.full_name in page}

    latin_america = region("Latin America & Caribbean").id
    assert names() == {"김민준", "João Gonçalves", "Ana Rojas"}
    assert names(region_id=latin_america) == {"João Gonçalves", "Ana Rojas"}
    assert names(country="KR") == {"김민준"}
    assert names(kind="academia") == {"Ana Rojas"}
    assert names(kind="city", region_id=latin_america) == {"João Gonçalves"}
    assert names(network_id=network.id) == {"김민준"}
    assert names(track_id=tracks[1].id) == {"김민준", "Ana Rojas"}
    assert names(language="es") == {"João Gonçalves", "Ana Rojas"}
    assert names(language="ko", track_id=tracks[0].id) == set()
    # An unknown filter value is left out, not an error.
    assert names(region_id="nope", language="xx") == {"김민준", "João Gonçalves", "Ana Rojas"}


def test_only_confirmed_listed_participants_appear(client, minjun):
    event = minjun.event
    unlisted = make_registration(event, full_name="Unlisted Person", listed=False)
    cancelled = make_registration(event, full_name="Cancelled Person", listed=True)
    with atomic():
        cancel(cancelled)
    full = make_event(capacity=1)
    first = make_listed_participant(full, full_name="First Person")
    waiting = make_registration(full, full_name="Waiting Person", listed=True)
    assert unlisted.status == "confirmed" and waiting.status == "waitlisted"
    page = shown(directory(client, minjun))
    assert "김민준" in page and "Unlisted Person" not in page and "Cancelled Person" not in page
    assert "Waiting Person" not in shown(directory(client, first))
    # Nor does the e-mail address, which the search does not reach either.
    assert minjun.email not in page
    assert "김민준" not in shown(directory(client, first, q=minjun.email.split("@")[0]))
    assert "김민준" not in shown(directory(client, unlisted, q=minjun.email.split("@")[0]))


def test_a_non_participant_cannot_see_the_directory(client, browser, event, minjun):
    organisers_page = f"/manage/events/{event.slug}/directory"
    # Anonymous: no page at all.
    assert client.get(organisers_page).status_code == 302
    assert client.get("/registrations/not-a-token/directory").status_code == 404
    # The calendar feed's secret is not a manage link.
    assert client.get(f"/registrations/{minjun.calendar_token}/directory").status_code == 404
    # Another event's participant sees their own event's directory, never this one's.
    other = make_listed_participant(make_event(title="Other Meeting"), full_name="Other Participant")
    assert "김민준" not in shown(directory(client, other))
    # Waitlisted, cancelled, rejected and unconfirmed people of this very event: 404.
    full = make_event(capacity=1)
    make_listed_participant(full)
    waiting = make_registration(full, listed=True)
    cancelled = make_registration(event, listed=True)
    with atomic():
        cancel(cancelled)
    for person in (waiting, cancelled):
        assert directory(client, person).status_code == 404, person.status
        assert client.get(f"/registrations/{person.manage_token}/directory/profile").status_code == 404
    # A signed-in account without the organiser role: 403.
    browser.login(make_user(roles=[]))
    assert browser.get(organisers_page).status_code == 403


def test_pending_registrations_see_nothing(client, event):
    pending = make_registration(event, listed=True)
    pending.status = "pending"
    db.session.commit()
    assert directory(client, pending).status_code == 404


def test_the_organisers_see_the_same_directory(organiser_browser, event, minjun, joao):
    page = shown(organiser_browser.get(f"/manage/events/{event.slug}/directory", query_string={"q": "민준"}))
    assert "김민준" in page and "João" not in page


def test_directory_pages_are_private_and_never_indexed(client, organiser_browser, event, minjun):
    for response in (directory(client, minjun), client.get(f"/registrations/{minjun.manage_token}/directory/profile"),
                     organiser_browser.get(f"/manage/events/{event.slug}/directory")):
        assert response.status_code == 200
        assert "noindex" in response.headers["X-Robots-Tag"]
        assert "no-store" in response.headers["Cache-Control"]


def test_a_participant_edits_their_entry(browser, event, tracks):
    person = make_registration(event, full_name="Amani Njoroge", listed=False)
    url = f"/registrations/{person.manage_token}/directory/profile"
    assert "Amani" not in shown(directory(browser, person))
    response = browser.post(url, {"listed": "y", "topics": [str(tracks[0].id), str(tracks[1].id)],
                                  "languages": ["sw", "en"]})
    assert response.status_code == 302
    page = shown(directory(browser, person))
    assert "Amani Njoroge" in page and "Swahili" in page and "Вода" in page
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "registration.directory_updated"))
    assert entry.subject_id == person.id and entry.changes["listed"] == [False, True]
    # Switching the listing off takes the person out again.
    browser.post(url, {"topics": [str(tracks[0].id)]})
    assert "Amani" not in shown(directory(browser, person))


def test_bad_profile_input_changes_nothing(browser, event, tracks, minjun):
    foreign_track = make_agenda_parts(make_event())["tracks"][0]
    url = f"/registrations/{minjun.manage_token}/directory/profile"
    for data, message in (({"listed": "y", "topics": [str(foreign_track.id)]}, "Choose topics among the event"),
                          ({"listed": "y", "languages": ["tlh"]}, "Choose languages from the list"),
                          ({"listed": "y", "topics": ["abc"]}, "")):
        response = browser.post(url, data)
        assert response.status_code == 200 and message in response.get_data(as_text=True)
    page = shown(directory(browser, minjun))
    assert "Вода" in page and "Korean" in page
    # Without the CSRF token nothing is saved either.
    assert browser.client.post(url, data={"listed": ""}).status_code == 400
    assert "김민준" in shown(directory(browser, minjun))


def test_one_page_costs_the_same_queries_with_3_or_60_participants(client, event, tracks, count_queries):
    """Each participant has a member record of their own (in a network) or a typed one, topics and languages."""
    cities = [make_organisation(name=f"City {n:02d}", local_name=f"Город {n:02d}", country="UA", region="Europe")
              for n in range(60)]
    make_network(members=cities[::2])

    def participant(n):
        linked = {"organisation_id": cities[n].id, "organisation_name": None} if n % 3 else {}
        return make_listed_participant(event, topics=tracks[: n % 3], languages=["en", "fr", "uk"][: n % 4],
                                       full_name=f"Person {n:02d}", **linked)

    people = [participant(n) for n in range(3)]

    def statements() -> int:
        db.session.expire_all()
        with count_queries() as seen:
            assert directory(client, people[0]).status_code == 200
        return len(seen)

    few = statements()
    people += [participant(n) for n in range(3, 60)]
    assert statements() == few
    page = shown(directory(client, people[0], page=2))
    assert "Person 59" in page and "Person 00" not in page and "Page 2 of 2" in page


def test_anonymising_an_event_empties_its_directory(organiser_browser):
    from eventhub.audit.services import SYSTEM
    from eventhub.directory.models import DirectoryLanguage, DirectoryTopic
    from eventhub.registration.retention import anonymise

    past = make_event(title="Past Summit", days_from_now=-10, length_days=1)
    track = make_agenda_parts(past)["tracks"][0]
    make_listed_participant(past, topics=[track], languages=["fr"], full_name="Élodie Fournier")
    with atomic():
        anonymise(past, SYSTEM)
    assert db.session.scalars(select(DirectoryTopic)).all() == []
    assert db.session.scalars(select(DirectoryLanguage)).all() == []
    page = shown(organiser_browser.get(f"/manage/events/{past.slug}/directory"))
    assert "Élodie" not in page and "Anonymised" not in page


def test_the_directory_is_reached_from_the_manage_page_and_the_event_settings(client, organiser_browser, event):
    person = make_registration(event, full_name="Nomvula Dube", listed=False)
    manage = shown(client.get(f"/registrations/{person.manage_token}"))
    assert f"/registrations/{person.manage_token}/directory" in manage
    assert f"/registrations/{person.manage_token}/directory/profile" in shown(directory(client, person))
    assert "You are not listed" in shown(directory(client, person))
    settings = shown(organiser_browser.get(f"/manage/events/{event.slug}/edit"))
    assert f"/manage/events/{event.slug}/directory" in settings
    # A person who has no place yet is not offered the directory.
    full = make_event(capacity=1)
    make_registration(full)
    waiting = make_registration(full)
    assert "/directory" not in shown(client.get(f"/registrations/{waiting.manage_token}"))


@pytest.mark.parametrize("query", [{"page": "9" * 30}, {"page": "-3"}, {"page": "two"}, {"q": "%_\\"},
                                   {"q": "x" * 300}, {"track_id": "9" * 30}, {"network_id": "-1"}])
def test_any_query_string_shows_a_page(client, minjun, query):
    response = directory(client, minjun, **query)
    assert response.status_code == 200


def test_the_service_refuses_junk_topics_with_a_message(minjun):
    from eventhub.core.errors import ValidationError
    from eventhub.directory.services import save_profile

    for topics in (["abc"], [-1], [10**30]):
        with pytest.raises(ValidationError) as refused, atomic():
            save_profile(minjun, True, topics, ["en"])
        assert "topics" in refused.value.errors


def test_a_participant_asks_for_a_meeting_from_someone_s_directory_entry(client):
    from tests.factories import make_listed_participant

    event = make_event(title="Directory meets meetings")
    ana, li = make_listed_participant(event, full_name="Ana Lima"), make_listed_participant(event, full_name="Li Wei")
    page = client.get(f"/registrations/{ana.manage_token}/directory").get_data(as_text=True)
    link = f"/registrations/{ana.manage_token}/meetings/request?to={li.id}"
    assert link in page.replace("&amp;", "&")
    assert f"?to={ana.id}" not in page  # never a meeting with oneself
    form = client.get(link)
    assert form.status_code == 200
    assert '<strong dir="auto">Li Wei</strong>' in form.get_data(as_text=True)  # the request form, to Li Wei


def test_on_the_page_the_filters_stay_folded_until_one_narrows_the_list(client):
    from tests.factories import make_listed_participant

    event = make_event(title="Folded filters")
    ana = make_listed_participant(event, full_name="Ana Lima")
    url = f"/registrations/{ana.manage_token}/directory"
    assert '<details class="directory-filters">' in client.get(url).get_data(as_text=True)
    assert '<details class="directory-filters">' in client.get(url + "?q=Ana").get_data(as_text=True)
    assert '<details class="directory-filters" open>' in client.get(url + "?language=pt").get_data(as_text=True)
