"""Event changes leave an audit entry saying who did what, through the organiser pages and the API."""
from datetime import datetime, timezone

import lxml.html
import pytest
from sqlalchemy import select

from eventhub.audit.models import AuditEntry
from eventhub.audit.services import Actor
from eventhub.events.models import Event
from eventhub.events.services import save_event
from eventhub.extensions import db
from eventhub.core.formatting import format_in_zone
from tests.factories import make_token, make_event, make_network, make_organisation, make_user

UTC = timezone.utc


def entries(event_id: int) -> list[AuditEntry]:
    """The event's own entries, oldest first."""
    query = select(AuditEntry).where(AuditEntry.subject_type == "event", AuditEntry.subject_id == event_id)
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def actions(event_id: int) -> list[str]:
    """What was recorded about the event, oldest first."""
    return [entry.action for entry in entries(event_id)]


def form_data(**values) -> dict:
    """The new-event form as a browser sends it: a network meeting in São Paulo."""
    data = {
        "kind": "congress", "title": "Congresso Mundial São Paulo", "slug": "", "summary": "Cidades à frente",
        "description": "", "host_organisation_id": "", "venue_name": "", "venue_address": "", "latitude": "",
        "longitude": "", "timezone": "America/Sao_Paulo", "start": "2027-06-15T09:00", "end": "2027-06-17T18:00",
        "registration_opens": "", "registration_closes": "", "capacity": "", "network_id": "",
        "non_member_policy": "confirm", "public_categories": ["delegate"],
    }
    data.update(values)
    return data


def prefilled(page: str) -> dict:
    """What the browser sends back when the edit form is submitted untouched."""
    form = next(f for f in lxml.html.fromstring(page).forms if f.get("method") == "post" and "title" in f.fields)
    values: dict[str, list[str]] = {}
    for name, value in form.form_values():
        values.setdefault(name, []).append(value)
    return {name: found if name == "public_categories" else found[0] for name, found in values.items()}


@pytest.fixture
def headers(organiser):
    """An organiser's bearer token."""
    _token, secret = make_token(organiser, "tests")
    return {"Authorization": f"Bearer {secret}"}


def created_on_the_page(browser, **values) -> Event:
    """An event created through the organiser form."""
    response = browser.post("/manage/events/new", form_data(**values))
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalar(select(Event).order_by(Event.id.desc()))


def test_creating_on_the_page_records_the_organiser_and_the_main_values(organiser_browser, organiser):
    event = created_on_the_page(organiser_browser)
    [entry] = entries(event.id)
    assert (entry.action, entry.actor, entry.user_id, entry.event_id) == ("event.created", organiser.email, organiser.id, event.id)
    assert entry.changes["title"] == "Congresso Mundial São Paulo"
    assert entry.changes["timezone"] == "America/Sao_Paulo"
    assert entry.changes["start_at"] == "2027-06-15T12:00:00+00:00"  # 09:00 in São Paulo, stored as UTC


def test_moving_the_dates_on_the_page_records_who_and_the_old_and_new_values(organiser_browser, organiser):
    event = created_on_the_page(organiser_browser)
    response = organiser_browser.post(
        f"/manage/events/{event.slug}/edit",
        form_data(slug=event.slug, start="2027-06-16T09:00", end="2027-06-18T18:30"),
    )
    assert response.status_code == 302
    entry = entries(event.id)[-1]
    assert (entry.action, entry.actor, entry.user_id) == ("event.updated", organiser.email, organiser.id)
    assert entry.changes == {
        "start_at": ["2027-06-15T12:00:00+00:00", "2027-06-16T12:00:00+00:00"],
        "end_at": ["2027-06-17T21:00:00+00:00", "2027-06-18T21:30:00+00:00"],
    }


def test_saving_the_edit_form_untouched_records_nothing(organiser_browser):
    host = make_organisation(name="São Paulo", local_name="São Paulo", country="BR")
    network = make_network("Ciudades Ñandú", members=[host])
    event = make_event(
        kind="network_meeting", title="Encontro 東京 Łódź", timezone="America/Sao_Paulo", host_organisation_id=host.id,
        network_id=network.id, latitude=-23.5505, longitude=-46.6333, venue_name="Centro", venue_address="Rua 1\nSP",
        description="Três dias.", capacity=120, delegate_quota=3, non_member_policy="approve",
        public_categories=["delegate", "speaker"],
        start=datetime(2027, 6, 15, 12, tzinfo=UTC), end=datetime(2027, 6, 17, 21, tzinfo=UTC),
        registration_opens=datetime(2027, 1, 10, 12, tzinfo=UTC), registration_closes=datetime(2027, 6, 1, 3, tzinfo=UTC),
    )
    before = actions(event.id)
    url = f"/manage/events/{event.slug}/edit"
    response = organiser_browser.post(url, prefilled(organiser_browser.get(url).get_data(as_text=True)))
    assert response.status_code == 302
    assert actions(event.id) == before == ["event.created", "event.published"]


def test_an_edit_names_the_changed_host_and_network_and_cuts_long_texts(organiser_browser):
    bonn, lyon = make_organisation(name="Bonn"), make_organisation(name="Lyon", country="FR")
    event = make_event(kind="network_meeting", host_organisation_id=bonn.id, description="Short.")
    url = f"/manage/events/{event.slug}/edit"
    data = prefilled(organiser_browser.get(url).get_data(as_text=True))
    data.update(host_organisation_id=str(lyon.id), description="Ж" * 1000)
    assert organiser_browser.post(url, data).status_code == 302
    changes = entries(event.id)[-1].changes
    assert set(changes) == {"host_organisation", "description"}
    assert changes["host_organisation"] == ["Bonn", "Lyon"]
    assert changes["description"][0] == "Short."
    assert changes["description"][1].startswith("ЖЖЖ") and len(changes["description"][1]) < 1000


def test_publishing_and_cancelling_on_the_page_record_the_organiser_and_the_status(organiser_browser, organiser):
    event = make_event(status="draft")
    organiser_browser.post(f"/manage/events/{event.slug}/publish")
    organiser_browser.post(f"/manage/events/{event.slug}/cancel", {"confirm": "y"})
    *_, published, cancelled = entries(event.id)
    assert (published.action, published.actor, published.changes) == ("event.published", organiser.email, {"status": ["draft", "published"]})
    assert (cancelled.action, cancelled.user_id, cancelled.changes) == ("event.cancelled", organiser.id, {"status": ["published", "cancelled"]})


def test_a_refused_cancel_records_nothing(organiser_browser):
    event = make_event(status="draft")
    organiser_browser.post(f"/manage/events/{event.slug}/cancel", {"confirm": "y"})
    organiser_browser.post(f"/manage/events/{event.slug}/cancel")  # box not ticked
    assert actions(event.id) == ["event.created"]


def test_creating_through_the_api_records_the_token_owner(client, headers, organiser):
    body = {"kind": "congress", "title": "Σύνοδος Αθήνα", "timezone": "Europe/Athens",
            "start": "2027-05-10T09:00:00", "end": "2027-05-12T17:00:00"}
    response = client.post("/api/v1/events", json=body, headers=headers)
    assert response.status_code == 201
    [entry] = entries(db.session.scalar(select(Event.id)))
    assert (entry.action, entry.actor, entry.user_id) == ("event.created", organiser.email, organiser.id)
    assert entry.changes["title"] == "Σύνοδος Αθήνα"


def test_moving_the_dates_through_the_api_records_the_token_owner_and_old_and_new(client, headers, organiser):
    event = make_event(timezone="Asia/Tokyo", start=datetime(2027, 4, 1, 0, tzinfo=UTC), end=datetime(2027, 4, 3, 8, tzinfo=UTC))
    response = client.patch(f"/api/v1/events/{event.slug}", json={"start": "2027-04-02T09:00:00"}, headers=headers)
    assert response.status_code == 200
    entry = entries(event.id)[-1]
    assert (entry.action, entry.actor, entry.user_id) == ("event.updated", organiser.email, organiser.id)
    assert entry.changes == {"start_at": ["2027-04-01T00:00:00+00:00", "2027-04-02T00:00:00+00:00"]}


def test_cancelling_through_the_api_is_recorded_and_a_patch_that_changes_nothing_is_not(client, headers, organiser):
    event = make_event(title="Bonn Summit")
    url = f"/api/v1/events/{event.slug}"
    assert client.patch(url, json={"title": "Bonn Summit", "status": "published"}, headers=headers).status_code == 200
    assert actions(event.id) == ["event.created", "event.published"]
    assert client.patch(url, json={"status": "cancelled"}, headers=headers).status_code == 200
    entry = entries(event.id)[-1]
    assert (entry.action, entry.actor, entry.changes) == ("event.cancelled", organiser.email, {"status": ["published", "cancelled"]})


def test_services_called_without_an_actor_record_system():
    event = make_event()
    assert {(e.actor, e.user_id) for e in entries(event.id)} == {("system", None)}


def test_the_edit_page_shows_the_history_newest_first_in_the_event_timezone(app, organiser_browser, organiser):
    event = created_on_the_page(organiser_browser, timezone="Asia/Seoul", title="서울 Summit")
    organiser_browser.post(f"/manage/events/{event.slug}/edit",
                           form_data(timezone="Asia/Seoul", title="서울 Summit", slug=event.slug, start="2027-06-15T10:00"))
    page = organiser_browser.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    history = page[page.index('id="history-heading"'):]
    assert history.index("event.updated") < history.index("event.created")
    assert organiser.email in history
    # Times of the change in Seoul's clock.
    updated = entries(event.id)[-1]
    with app.test_request_context():
        assert format_in_zone(updated.at, "Asia/Seoul") in history
    # The moved start on Seoul's clock too (stored as UTC text), as it was and as it is.
    with app.test_request_context():
        was, now = (format_in_zone(datetime(2027, 6, 15, hour, tzinfo=timezone.utc), "Asia/Seoul") for hour in (0, 1))
    assert f"{was}</bdi> → <bdi>{now}" in history
    assert "2027-06-15T00:00:00+00:00" not in history


def test_a_new_event_page_has_no_history_and_an_untouched_event_says_so(organiser_browser):
    assert 'id="history-heading"' not in organiser_browser.get("/manage/events/new").get_data(as_text=True)
    event = make_event()
    db.session.execute(AuditEntry.__table__.delete())
    db.session.commit()
    assert "No history recorded." in organiser_browser.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)


def test_the_history_costs_the_same_queries_however_long_it_is(organiser_browser, count_queries):
    event = make_event(title="Bonn Summit")
    url = f"/manage/events/{event.slug}/edit"
    db.session.expire_all()  # as after any save: the signed-in user is loaded again in both measures
    with count_queries() as few:
        organiser_browser.get(url)
    for n in range(8):  # eight different people: a per-row look-up of who acted could not hide in the session
        save_event({"title": f"Bonn Summit {n}"}, event, Actor.for_user(make_user(email=f"editor{n}@example.org")))
    assert len(entries(event.id)) == 10
    db.session.expire_all()
    with count_queries() as many:
        page = organiser_browser.get(url).get_data(as_text=True)
    assert page.count("event.updated") == 8
    assert len(many) == len(few)
