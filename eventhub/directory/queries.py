"""Reading the directory: the listed, confirmed participants of an event, filtered, a page at a time.

A page costs a fixed number of queries whatever its size: the count, the page's rows, their member records
(with region), the records' networks, then the page's topics and languages, one query each.
"""
from dataclasses import dataclass, field

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from eventhub.agenda.models import Track
from eventhub.core.text import like_pattern
from eventhub.directory.models import DirectoryLanguage, DirectoryTopic
from eventhub.extensions import db
from eventhub.members.models import Organisation, network_members
from eventhub.registration.models import Registration

FILTERS = ("q", "region_id", "country", "kind", "network_id", "track_id", "language")


def _linked_to(*conditions):
    """Where-clause: linked to a member record that meets the conditions (a subquery, as the registrations list)."""
    return Registration.organisation_id.in_(select(Organisation.id).where(*conditions).correlate(None))


def _search(q: str):
    """The folded name or typed organisation (never the e-mail address, which the directory does not show),
    or the linked record's name or local name, in any script, accents and case ignored."""
    pattern = like_pattern(q.strip())
    # search_text folds "name email organisation"; the address (stored lower case) is cut out before matching.
    without_email = func.replace(Registration.search_text, Registration.email, "")
    return or_(without_email.like(pattern, escape="\\"),
               _linked_to(Organisation.search_text.like(pattern, escape="\\")))


def directory_query(event, q=None, region_id=None, country=None, kind=None, network_id=None, track_id=None,
                    language=None) -> Select:
    """The event's confirmed participants who agreed to be listed, matching the filters, by name."""
    query = select(Registration).where(Registration.event_id == event.id, Registration.status == "confirmed",
                                       Registration.listed.is_(True))
    if q and q.strip():
        query = query.where(_search(q))
    if region_id:
        query = query.where(_linked_to(Organisation.region_id == region_id))
    if country:
        query = query.where(_linked_to(Organisation.country == country.upper()))
    if kind:
        query = query.where(_linked_to(Organisation.kind == kind))
    if network_id:
        members = select(network_members.c.organisation_id).where(network_members.c.network_id == network_id)
        query = query.where(Registration.organisation_id.in_(members))
    if track_id:
        query = query.where(Registration.id.in_(
            select(DirectoryTopic.registration_id).where(DirectoryTopic.track_id == track_id)))
    if language:
        query = query.where(Registration.id.in_(
            select(DirectoryLanguage.registration_id).where(DirectoryLanguage.code == language)))
    return query.options(selectinload(Registration.organisation).selectinload(Organisation.networks)).order_by(
        Registration.search_text, Registration.id)


@dataclass
class Entry:
    """One participant as the directory shows them."""

    registration: Registration
    topics: list[str] = field(default_factory=list)
    topic_ids: list[int] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)


def entries(registrations: list[Registration]) -> list[Entry]:
    """The page's participants with their topics (track names and ids) and languages (codes): two queries."""
    found = {registration.id: Entry(registration) for registration in registrations}
    if not found:
        return []
    topics = (select(DirectoryTopic.registration_id, Track.id, Track.name).join(Track, Track.id == DirectoryTopic.track_id)
              .where(DirectoryTopic.registration_id.in_(found)).order_by(Track.name))
    for registration_id, track_id, name in db.session.execute(topics):
        found[registration_id].topics.append(name)
        found[registration_id].topic_ids.append(track_id)
    languages = (select(DirectoryLanguage.registration_id, DirectoryLanguage.code)
                 .where(DirectoryLanguage.registration_id.in_(found)).order_by(DirectoryLanguage.code))
    for registration_id, code in db.session.execute(languages):
        found[registration_id].languages.append(code)
    return list(found.values())
