"""The printed programme and the badges speak the event's main language, whoever downloads them and in
whatever language their pages are: one pile of badges, one booklet, the same for everyone."""
import io
from datetime import datetime, timedelta, timezone

import pytest
from flask import g
from pypdf import PdfReader

from eventhub.extensions import db
from eventhub.core.types import utcnow
from tests.factories import at, make_registration, make_session, open_event


def next_june() -> datetime:
    """15 June next year: a month named differently in every language."""
    return datetime(datetime.now(timezone.utc).year + 1, 6, 15, 8, tzinfo=timezone.utc)


@pytest.fixture
def event():
    """A French-speaking congress with a published agenda of one session."""
    start = next_june()
    event = open_event(title="Congrès mondial des villes", language="fr", timezone="Europe/Paris", start=start,
                       end=start + timedelta(days=2), translations={"en": {"title": "World Cities Congress"}})
    make_session(event, title="Transition énergétique", start=at(event, 9), end=at(event, 10))
    event.agenda_published_at = utcnow()
    db.session.commit()
    return event


def get(client, url: str, language: str):
    """A download by a visitor whose browser asks for `language` (the tests share one app context, where
    Flask-Babel keeps the locale it chose: dropped, as a new request in production starts without it)."""
    g.pop("_flask_babel", None)
    return client.get(url, headers={"Accept-Language": language})


def pdf_text(data: bytes) -> str:
    """Every page's text, as a reader's copy and paste gives it."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_programme_prints_its_dates_and_labels_in_the_events_language(client, event):
    english = get(client, f"/events/{event.slug}/programme.pdf", "en")
    text = pdf_text(english.data)
    assert "juin" in text and "June" not in text
    assert "Congrès mondial des villes" in text and "World Cities Congress" not in text
    assert PdfReader(io.BytesIO(english.data)).trailer["/Root"]["/Lang"] == "fr"


def test_every_visitor_gets_the_same_booklet_whatever_their_language(client, event):
    english = get(client, f"/events/{event.slug}/programme.pdf", "en")
    portuguese = get(client, f"/events/{event.slug}/programme.pdf", "pt-BR")
    assert english.headers["ETag"] == portuguese.headers["ETag"]
    assert "juin" in pdf_text(portuguese.data)


def test_a_badge_prints_the_event_dates_in_the_events_language(client, event):
    person = make_registration(event, full_name="Joana Silva", locale="pt_BR")
    response = get(client, f"/registrations/{person.manage_token}/badge.pdf", "pt-BR")
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "juin" in text and "jun." not in text
    assert "Congrès mondial des villes" in text
