"""Event rules: time conversion, slugs, status changes and the public list."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from eventhub.events import services
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.core.errors import ValidationError
from eventhub.core.transaction import atomic
from tests.factories import make_event, make_organisation

UTC = timezone.utc


def data(**values) -> dict:
    """Valid save_event input with overrides."""
    base = {"kind": "congress", "title": "World Congress", "timezone": "Europe/Berlin",
            "start": "2027-06-15T09:00", "end": "2027-06-17T18:00"}
    base.update(values)
    return base


@pytest.mark.parametrize(
    "tz_name, local, expected_utc",
    [
        ("America/Sao_Paulo", "2027-06-15T09:00", datetime(2027, 6, 15, 12, 0, tzinfo=UTC)),
        ("Asia/Kolkata", "2027-06-15T09:00", datetime(2027, 6, 15, 3, 30, tzinfo=UTC)),
        # Spring-forward gap: 02:30 does not exist; read with the winter offset, i.e. 03:30 summer time.
        ("Europe/Berlin", "2027-03-28T02:30", datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),
        # Autumn overlap: 02:30 happens twice; the first (summer time) one is meant.
        ("Europe/Berlin", "2027-10-31T02:30", datetime(2027, 10, 31, 0, 30, tzinfo=UTC)),
    ],
)
def test_naive_times_are_wall_clock_in_the_event_timezone(tz_name, local, expected_utc):
    event = services.save_event(data(timezone=tz_name, start=local, end="2027-12-31T00:00"))
    db.session.expire_all()
    assert db.session.get(Event, event.id).start_at == expected_utc


def test_aware_times_keep_their_instant_whatever_the_event_timezone():
    start = datetime(2027, 6, 15, 12, 0, tzinfo=UTC)
    event = services.save_event(data(timezone="Pacific/Auckland", start=start, end=start + timedelta(hours=5)))
    assert event.start_at == start


def test_slugify_is_url_safe_for_any_script():
    assert services.slugify("Kraków Summit 2027") == "krakow-summit-2027"
    assert services.slugify("Straße der Städte") == "strasse-der-stadte"
    for title in ("Всемирный конгресс 東京 2027", "مؤتمر القاهرة", "Ελληνικό Φόρουμ"):
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", services.slugify(title))
    # Transliterated, so the address still says what the event is.
    assert services.slugify("Всемирный конгресс 2027") == "vsemirnyi-kongress-2027"
    assert services.slugify("Αθήνα Forum") == "athena-forum"


def test_unique_slug_adds_a_number_but_ignores_the_event_itself():
    first = services.save_event(data(title="Mayors Forum"))
    second = services.save_event(data(title="Mayors Forum"))
    assert (first.slug, second.slug) == ("mayors-forum", "mayors-forum-2")
    assert services.unique_slug("Mayors Forum", exclude_id=first.id) == "mayors-forum"


def test_refused_input_lists_every_bad_field_and_saves_nothing():
    with pytest.raises(ValidationError) as caught:
        services.save_event(data(timezone="Nowhere/Atlantis", kind="party", title=""))
    assert {"timezone", "kind", "title"} <= set(caught.value.errors)
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_unpublish_returns_an_event_to_draft_and_hides_it(client, organiser_browser):
    event = make_event(title="Climate Week")
    with atomic():
        services.unpublish_event(event)
    assert event.status == "draft"
    assert client.get(f"/events/{event.slug}").status_code == 404
    assert organiser_browser.get(f"/manage/events/{event.slug}").status_code == 200


def test_only_a_public_event_can_be_cancelled(client):
    draft = make_event(status="draft")
    with pytest.raises(ValidationError) as caught:
        services.cancel_event(draft)
    assert "status" in caught.value.errors
    assert draft.status == "draft"
    published = make_event()
    with atomic():
        assert services.cancel_event(published).status == "cancelled"
    assert client.get(f"/events/{published.slug}").status_code == 200  # its page stays up, marked cancelled


def test_upcoming_public_events_congresses_first_then_by_start():
    meeting = make_event(kind="network_meeting", days_from_now=2)
    late = make_event(days_from_now=100)
    early = make_event(days_from_now=10)
    cancelled = make_event(status="cancelled", days_from_now=50)
    ongoing = make_event(days_from_now=-1, length_days=3)
    make_event(days_from_now=-10)  # over
    make_event(status="draft", days_from_now=5)
    assert services.upcoming_public_events() == [ongoing, early, cancelled, late, meeting]


def test_host_options_are_ordered_by_name():
    make_organisation(name="Zürich", country="CH")
    make_organisation(name="Aarhus", country="DK")
    make_organisation(name="Mumbai", local_name="मुंबई", country="IN")
    assert [org.name for org in services.host_options()] == ["Aarhus", "Mumbai", "Zürich"]
