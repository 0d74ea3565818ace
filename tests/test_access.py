"""Who may open what: one table gives every route (and every method of it) the access it needs, and the
tests check the table against the app and the app against the table.

A new route without an entry fails test_every_route_has_an_entry; a page whose guard differs from its
entry fails test_page_guards_are_the_ones_in_the_table; the matrices open every guarded page and API
operation as nobody, as the wrong role and as the right one. Pages guarded by a secret token in their
URL (manage links, feeds, one's own badge) are tested against other people's tokens in test_idor.py.
"""
import pytest

from tests.factories import (
    make_event,
    make_network,
    make_organisation,
    make_question,
    make_registration,
    make_token,
    make_user,
)

PUBLIC = "public"  # anyone
SECRET = "secret link"  # anyone holding the secret token in the URL (or remembered by this browser)
SIGNED_IN = "signed in"  # any account
ORGANISER = "organiser"  # the organiser role (admins hold every role)
ADMIN = "admin"  # the admin role alone
CHECKIN = "checkin"  # check-in staff or organisers
API_PUBLIC = "api: public"  # no token needed (a bad token is still a 401); organisers see more
API_ORGANISER = "api: organiser"  # a bearer token of an organiser
API_CHECKIN = "api: checkin"  # a bearer token of check-in staff or an organiser

ACCESS = {
    "static": PUBLIC,
    "favicon": PUBLIC,
    "events.index": PUBLIC,
    "events.detail": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    # The language switcher: a cookie for anyone; the account's language changes only for its signed-in owner.
    "auth.choose_language": PUBLIC,
    # Registering; the registrant's and the head of delegation's pages are guarded by their secret links.
    "registration.register": PUBLIC,
    "registration.organisations": PUBLIC,
    "registration.resend": PUBLIC,
    "registration.check_your_email": PUBLIC,
    "registration.manage": SECRET,
    "registration.language": SECRET,  # the language of the person's e-mails
    "registration.cancel": SECRET,
    "registration.confirm": SECRET,
    "delegations.register_delegation": PUBLIC,
    "delegations.delegation": SECRET,
    "delegations.withdraw": SECRET,
    "delegations.confirm": SECRET,
    # The public agenda; the personal agenda by its link, the buttons for the person this browser remembers.
    "agenda.agenda": PUBLIC,
    "agenda.session": PUBLIC,
    "agenda.grid": PUBLIC,
    "agenda.personal": SECRET,
    "agenda.signup": SECRET,
    "agenda.cancel_signup": SECRET,
    "agenda.star": SECRET,
    "agenda.unstar": SECRET,
    "agenda.marks": SECRET,  # the list's one form for star and sign-up buttons
    "agenda.forget": SECRET,
    # Calendars and exports of a published agenda; the personal feed and its rotation by their links.
    "calendars.agenda_feed": PUBLIC,
    "calendars.session_ics": PUBLIC,
    "calendars.event_ics": PUBLIC,
    "calendars.personal_feed": SECRET,
    "calendars.rotate": SECRET,
    "schedule_exports.schedule_json": PUBLIC,
    "schedule_exports.schedule_xml_view": PUBLIC,
    "schedule_exports.agenda_csv": PUBLIC,
    "printing.programme_pdf": PUBLIC,
    "events.image": PUBLIC,  # a draft's image only for organisers, as its page
    "badges.own_badge": SECRET,
    # The participant directory: a confirmed participant's by the manage link, the organisers' by role.
    "directory.participant_directory": SECRET,
    "directory.profile": SECRET,
    "directory.organiser_directory": ORGANISER,
    # Visa letters: the registrant's by the manage link; the embassy's check of a code is public (name, event,
    # validity only); the organisers' list, decisions and settings by role.
    "letters.ask": SECRET,
    "letters.download": SECRET,
    "letters.verify": PUBLIC,
    **{f"letters.{name}": ORGANISER for name in ("admin_list", "admin_pdf", "decide", "settings")},
    # Bilateral meetings: the participant's by the manage link (or the head of delegation's link for a delegate),
    # the organisers' tables, windows and limit by role.
    **{f"meetings.{name}": SECRET for name in ("mine", "new_request", "accept", "propose", "decline", "withdraw",
                                               "cancel")},
    **{f"meetings_admin.{name}": ORGANISER for name in (
        "index", "add_area", "add_window", "settings", "delete_area", "delete_window", "overview_page", "export_csv",
        "cancel_meeting")},
    # Organisers' pages.
    **{f"events.{name}": ORGANISER for name in ("manage", "new", "preview", "edit", "publish", "unpublish", "cancel")},
    "events.image_settings": ORGANISER,
    "events.remove_image": ORGANISER,
    "printing.programme_check": ORGANISER,
    **{f"members.{name}": ORGANISER for name in (
        "index", "detail", "new", "edit", "import_csv", "export_csv", "networks", "network_detail", "network_new",
        "network_edit", "regions")},
    **{f"registration_admin.{name}": ORGANISER for name in (
        "index", "detail", "bulk", "change_status", "link", "export_csv", "participation", "questions",
        "edit_question", "move_question", "delete_question", "anonymise")},
    **{f"agenda_admin.{name}": ORGANISER for name in (
        "timetable", "clashes", "publish", "unpublish", "new_session", "edit_session", "move_session",
        "delete_session", "registrants", "organisations", "rooms", "edit_room", "move_room", "delete_room", "tracks",
        "edit_track", "delete_track", "kinds", "edit_kind")},
    **{f"badges.{name}": ORGANISER for name in (
        "index", "download", "ticked", "mark_printed", "mark_one_printed", "reprint", "reissue")},
    # Organisers watch the outbox on congress day and queue failed mail again.
    "mail_admin.index": ORGANISER,
    "mail_admin.retry": ORGANISER,
    # Probes of load balancers and process managers: no account, no data.
    "health.healthz": PUBLIC,
    "health.readyz": PUBLIC,
    # The audit trail: an event's for its organisers, the whole system's for admins.
    "trail.event_trail": ORGANISER,
    "trail.system_trail": ADMIN,
    # The door.
    **{f"checkin.{name}": CHECKIN for name in (
        "scanner", "scan", "check_in_by_name", "undo", "data", "dashboard", "export_csv")},
    # The API: per method where reading is public and writing is not.
    "api-docs.openapi_json": API_PUBLIC,
    "api_events.events": {"GET": API_PUBLIC, "POST": API_ORGANISER},
    "api_events.event": {"GET": API_PUBLIC, "PATCH": API_ORGANISER},
    "api_members.members": API_ORGANISER,
    "api_members.member": API_ORGANISER,
    "api_registrations.registrations": API_ORGANISER,
    "api_registrations.registration": API_ORGANISER,
    "api_registrations.cancel": API_ORGANISER,
    "api_agenda.sessions": {"GET": API_PUBLIC, "POST": API_ORGANISER},
    "api_agenda.session": {"GET": API_PUBLIC, "PATCH": API_ORGANISER, "DELETE": API_ORGANISER},
    "api_agenda.rooms": API_PUBLIC,
    "api_agenda.tracks": API_PUBLIC,
    "api_agenda.signups": API_ORGANISER,
    "api_badges.badge": API_ORGANISER,
    "api_badges.badges": API_ORGANISER,
    "api_checkins.checkins": API_CHECKIN,
    "api_checkins.undo": API_CHECKIN,
    "api_directory.directory": API_ORGANISER,
    **{f"api_meetings.{name}": API_ORGANISER for name in ("areas", "slots", "meetings")},
}
PAGE_GUARDS = {ORGANISER: ("organiser",), CHECKIN: ("checkin", "organiser"), ADMIN: ("admin",)}
WHO = ["anonymous", "no role", "checkin", "organiser", "admin"]


def access(endpoint: str, method: str) -> str | None:
    entry = ACCESS.get(endpoint)
    return entry.get(method) if isinstance(entry, dict) else entry


def routes(app):
    """(rule, method) for every route of the app, HEAD and OPTIONS left to Flask."""
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_has_an_entry(app):
    missing = [f"{method} {rule.rule} ({rule.endpoint})" for rule, method in routes(app)
               if access(rule.endpoint, method) is None]
    assert missing == [], "add these routes to ACCESS in tests/test_access.py"


def test_page_guards_are_the_ones_in_the_table(app):
    wrong = [rule.endpoint for rule in app.url_map.iter_rules()
             if not rule.endpoint.startswith(("api_", "api-docs"))
             and getattr(app.view_functions[rule.endpoint], "required_roles", None)
             != PAGE_GUARDS.get(ACCESS.get(rule.endpoint))]
    assert wrong == []


def test_an_entry_needing_a_role_cannot_be_public(app):
    """A page's table entry is one of the page kinds, an API operation's one of the API kinds."""
    for rule, method in routes(app):
        kind = access(rule.endpoint, method)
        is_api = rule.rule.startswith("/api/")
        assert kind.startswith("api") == is_api, (rule.rule, kind)


@pytest.fixture
def sample_url(app):
    """A real URL for each rule, its arguments filled with existing records of one (draft) event."""
    organisation = make_organisation(name="Malmö", country="SE")
    event = make_event(status="draft")
    registration = make_registration(event)
    values = {
        "slug": event.slug,
        "id": organisation.id,
        "member_id": organisation.id,
        "registration_id": registration.id,
        "question_id": make_question(event, {"label": "Dietary needs", "kind": "short_text"}).id,
        "token": registration.manage_token,
        "filename": "css/app.css",
    }
    values["checkin_id"] = _checkin_id(event, values["registration_id"])
    network = make_network(members=[organisation])
    values.update(_agenda_ids(event))
    values.update(_letter_values(event, registration))
    values.update(_meeting_values(event, registration))

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


def _letter_values(event, registration) -> dict:
    """An approved visa letter of the registration, for the letter pages (and its code for the public check)."""
    from datetime import date

    from eventhub.audit.services import SYSTEM
    from eventhub.core.transaction import atomic
    from eventhub.letters import services

    with atomic():
        services.save_settings(event, {"signatory_name": "Ana Lima", "signatory_title": "Secretary General",
                                       "organisation": "Network of Cities"}, SYSTEM)
        letter = services.request_letter(registration, {
            "passport_name": "Ana Lima", "nationality": "BR", "passport_number": "FX123456",
            "birth_date": date(1980, 1, 1), "embassy": "Lisbon, Portugal"})
        services.approve(letter, SYSTEM)
    return {"letter_id": letter.id, "decision": "approve", "code": letter.code}

def _meeting_values(event, registration) -> dict:
    """A table and a window of the event, for the organisers' meetings pages; ids for the participant's."""
    from eventhub.audit.services import SYSTEM
    from eventhub.core.transaction import atomic
    from eventhub.meetings.services import accept
    from tests.factories import make_meeting_request, make_meeting_setup

    (area,), slots = make_meeting_setup(event)
    other = make_registration(event, listed=True)
    meeting_request = make_meeting_request(registration, other, slots[:1])
    with atomic():
        meeting = accept(meeting_request, slots[0].id, other, SYSTEM)
    return {"area_id": area.id, "window_id": slots[0].window_id, "request_id": meeting_request.id,
            "meeting_id": meeting.id, "delegate_id": registration.id}


def _agenda_ids(event) -> dict:
    """A room, track, session and kind of the event, for the agenda organiser pages."""
    from eventhub.agenda.models import Room, SessionKind, Track
    from eventhub.agenda.services import save_session
    from eventhub.audit.services import SYSTEM
    from eventhub.extensions import db

    room, track = Room(event_id=event.id, name="Sala São Paulo"), Track(event_id=event.id, name="Climate")
    db.session.add_all([room, track])
    db.session.commit()
    session = save_session(event, {"title": "Opening", "start": event.start_at, "end": event.end_at,
                                   "room_id": room.id}, SYSTEM)
    kind = db.session.scalars(db.select(SessionKind)).first()
    return {"room_id": room.id, "track_id": track.id, "session_id": session.id, "kind_id": kind.id}


def _user(who):
    return None if who == "anonymous" else make_user(roles=[] if who == "no role" else [who])


@pytest.mark.parametrize("who", WHO)
def test_page_matrix(app, browser, sample_url, who):
    """Anonymous -> login redirect, wrong role -> 403, right role (or admin) -> the page."""
    user = _user(who)
    if user:
        browser.login(user)
    for rule, method in routes(app):
        kind = access(rule.endpoint, method)
        if kind not in PAGE_GUARDS:
            continue
        url = sample_url(rule)
        response = browser.get(url) if method == "GET" else browser.post(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url
        elif who in PAGE_GUARDS[kind] or who == "admin":
            # An empty form comes back with its errors (200) or is done (302).
            expected = (200,) if method == "GET" else (200, 302)
            assert response.status_code in expected, (method, url, response.status_code)
        else:
            assert response.status_code == 403, (method, url)


@pytest.mark.parametrize("who", WHO)
def test_api_matrix(app, client, sample_url, who):
    """No token -> 401, a token without the role -> 403, the right role -> the operation (never a 5xx)."""
    user = _user(who)
    headers = {"Authorization": f"Bearer {make_token(user)[1]}"} if user else {}
    allowed = {API_PUBLIC: set(WHO), API_ORGANISER: {"organiser", "admin"},
               API_CHECKIN: {"checkin", "organiser", "admin"}}
    for rule, method in routes(app):
        kind = access(rule.endpoint, method)
        if kind not in allowed:
            continue
        url = sample_url(rule)
        response = client.open(url, method=method, headers=headers, json={} if method != "GET" else None)
        if who in allowed[kind]:
            assert response.status_code not in (401, 403) and response.status_code < 500, (method, url, response.json)
        else:
            assert response.status_code == (401 if who == "anonymous" else 403), (method, url)


def test_a_bad_token_is_a_401_even_where_no_token_is_needed(client):
    response = client.get("/api/v1/events", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401 and "invalid_token" in response.headers["WWW-Authenticate"]


def test_signed_in_pages_send_anonymous_users_to_login(app, browser, sample_url):
    pages = [rule for rule, method in routes(app) if access(rule.endpoint, method) == SIGNED_IN and method == "GET"]
    assert pages
    for rule in pages:
        response = browser.get(sample_url(rule))
        assert response.status_code == 302 and "/auth/login?next=" in response.headers["Location"], rule.rule
