"""The rules of the directory: who may have a profile, what it may hold, and who may see the directory."""
from flask_babel import gettext as _
from sqlalchemy import delete, select

from eventhub.agenda.models import Track
from eventhub.audit.services import REGISTRANT, Actor, record
from eventhub.core.errors import Refused, ValidationError
from eventhub.core.validation import as_id
from eventhub.directory.models import SPOKEN_LANGUAGES, DirectoryLanguage, DirectoryTopic
from eventhub.extensions import db


def may_see_directory(registration) -> bool:
    """Only confirmed participants see (and appear in) their event's directory."""
    return registration is not None and registration.status == "confirmed"


def topic_ids(registration) -> list[int]:
    """The tracks the participant wants to discuss, by id."""
    query = select(DirectoryTopic.track_id).where(DirectoryTopic.registration_id == registration.id)
    return sorted(db.session.scalars(query))


def language_codes(registration) -> list[str]:
    """The languages the participant speaks, by code."""
    query = select(DirectoryLanguage.code).where(DirectoryLanguage.registration_id == registration.id)
    return sorted(db.session.scalars(query))


def event_tracks(event) -> list[Track]:
    """The event's tracks by name: the topics one may choose."""
    return list(db.session.scalars(select(Track).where(Track.event_id == event.id).order_by(Track.name)))


def save_profile(registration, listed: bool, topics, languages, actor: Actor = REGISTRANT) -> None:
    """Switch the listing on or off and keep these topics (track ids) and languages (codes), shown while listed.

    Only a confirmed registration has a profile. A topic must be one of the event's tracks, a language one of
    SPOKEN_LANGUAGES; anything else is refused and nothing changes. Audited on the registration's trail.
    """
    if not may_see_directory(registration):
        raise Refused("wrong_status", _("Only confirmed participants can appear in the directory."))
    known = {track.id for track in event_tracks(registration.event)}
    chosen_topics = {as_id(topic) for topic in topics or ()}
    chosen_languages = {str(code) for code in languages or ()}
    errors = {}
    if not chosen_topics <= known:  # a junk id reads as None, which is no track either
        errors["topics"] = [_("Choose topics among the event's tracks.")]
    if chosen_languages - set(SPOKEN_LANGUAGES):
        errors["languages"] = [_("Choose languages from the list.")]
    if errors:
        raise ValidationError(errors)
    before = {"listed": registration.listed, "topics": topic_ids(registration),
              "languages": language_codes(registration)}
    registration.listed = bool(listed)
    db.session.execute(delete(DirectoryTopic).where(DirectoryTopic.registration_id == registration.id))
    db.session.execute(delete(DirectoryLanguage).where(DirectoryLanguage.registration_id == registration.id))
    db.session.add_all([DirectoryTopic(registration_id=registration.id, track_id=topic) for topic in sorted(chosen_topics)])
    db.session.add_all([DirectoryLanguage(registration_id=registration.id, code=code)
                        for code in sorted(chosen_languages)])
    db.session.flush()
    after = {"listed": registration.listed, "topics": topic_ids(registration),
             "languages": language_codes(registration)}
    changes = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    if changes:
        record(actor, "registration.directory_updated", registration, registration.event_id, changes)
