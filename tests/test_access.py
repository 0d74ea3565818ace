"""Who may open what: every page is either public or guarded by a role, and the guard works.

The matrix is built from the app's own URL map, so a new organiser page is covered the day it is
added, and a page that forgets its guard fails test_every_page_is_public_or_guarded.
"""
import pytest

from tests.factories import make_question, make_event, make_network, make_organisation, make_registration, make_user

PUBLIC = {"events.index", "events.detail", "auth.login", "static", "api-docs.openapi_json"}
# Public registration pages; the manage pages are guarded by their secret token instead of a role.
PUBLIC |= {f"registration.{name}" for name in (
    "register", "organisations", "resend", "manage", "cancel")}
PUBLIC |= {f"delegations.{name}" for name in ("register_delegation", "delegation", "withdraw")}
# Public agenda pages; the personal agenda is guarded by its token, the buttons by the remembered token.
PUBLIC |= {f"agenda.{name}" for name in (
    "agenda", "session", "signup", "cancel_signup", "star", "unstar", "forget", "personal")}
# Public calendars; the personal feed and its rotation are guarded by their secret tokens.
PUBLIC |= {f"calendars.{name}" for name in ("agenda_feed", "session_ics", "event_ics", "personal_feed", "rotate")}
# Exports of a published agenda (frab XML/JSON, CSV, the programme PDF).
PUBLIC |= {"schedule_exports.schedule_json", "schedule_exports.schedule_xml_view", "schedule_exports.agenda_csv",
           "printing.programme_pdf"}
# One's own badge, guarded by the manage link's token.
PUBLIC |= {"badges.own_badge"}
SIGNED_IN = {"auth.logout", "auth.change_password"}
# The API guards itself with bearer tokens (tests/test_api_*.py).
API_PREFIXES = ("api_",)


def _guarded_rules(app):
    for rule in app.url_map.iter_rules():
        roles = getattr(app.view_functions[rule.endpoint], "required_roles", None)
        if roles:
            yield rule, roles


def test_every_page_is_public_or_guarded(app):
    unguarded = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in PUBLIC | SIGNED_IN
        and not rule.endpoint.startswith(API_PREFIXES)
        and not getattr(app.view_functions[rule.endpoint], "required_roles", None)
    ]
    assert unguarded == []


@pytest.fixture
def sample_url(app):
    """A real URL for each guarded rule, its arguments filled with existing records."""
    organisation = make_organisation(name="Malmö", country="SE")
    event = make_event(status="draft")
    values = {
        "slug": event.slug,
        "id": organisation.id,
        "registration_id": make_registration(event).id,
        "question_id": make_question(event, {"label": "Dietary needs", "kind": "short_text"}).id,
    }
    values["checkin_id"] = _checkin_id(event, values["registration_id"])
    network = make_network(members=[organisation])
    values.update(_agenda_ids(event))

    def build(rule):
        args = {name: values[name] for name in rule.arguments}
        if rule.endpoint.startswith("members.network_") and "id" in args:
            args["id"] = network.id
        with app.test_request_context():
            from flask import url_for

            return url_for(rule.endpoint, **args)

    return build


def _checkin_id(event, registration_id) -> int:
    """A standing check-in at the event, for the undo button."""
    from eventhub.audit.services import SYSTEM
    from eventhub.badges.services import valid_badge
    from eventhub.checkin.services import record_scan
    from eventhub.core.transaction import atomic
    from eventhub.extensions import db
    from eventhub.registration.models import Registration

    with atomic():
        code = valid_badge(db.session.get(Registration, registration_id)).token
        return record_scan(event, code, "Gate A", SYSTEM).checkin.id


def _agenda_ids(event) -> dict:
    """A room, track, session and kind of the event, for the agenda organiser pages."""
    from eventhub.agenda.models import Room, SessionKind, Track
    from eventhub.agenda.services import save_session
    from eventhub.audit.services import SYSTEM
    from eventhub.extensions import db

    room, track = Room(event_id=event.id, name="Sala São Paulo"), Track(event_id=event.id, name="Climate")
    db.session.add_all([room, track])
    db.session.commit()
    session = save_session(event, {"title": "Opening", "start": event.start_at, "end": event.end_at, "room_id": room.id}, SYSTEM)
    kind = db.session.scalars(db.select(SessionKind)).first()
    return {"room_id": room.id, "track_id": track.id, "session_id": session.id, "kind_id": kind.id}


@pytest.mark.parametrize("who", ["anonymous", "checkin", "organiser", "admin"])
def test_role_matrix(app, browser, sample_url, who):
    """Anonymous -> login redirect, wrong role -> 403, right role (or admin) -> page."""
    if who != "anonymous":
        browser.login(make_user(roles=[who]))
    for rule, roles in _guarded_rules(app):
        url = sample_url(rule)
        method = "GET" if "GET" in rule.methods else "POST"
        response = browser.get(url) if method == "GET" else browser.post(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url
        elif who in roles or who == "admin":
            assert response.status_code in (200, 302), (url, response.status_code)
            if method == "GET":
                assert response.status_code == 200, url
        else:
            assert response.status_code == 403, url


def test_signed_in_pages_send_anonymous_users_to_login(browser):
    response = browser.get("/auth/password")
    assert response.status_code == 302 and "/auth/login?next=" in response.headers["Location"]
