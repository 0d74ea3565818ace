"""Retention: once an event is over, its registrations can lose everything that says who the people were.

What goes: names, e-mail addresses, positions, answers, typed organisation names, heads of delegation,
the messages sent (or still queued) to those people about this event, and the names and addresses in
the event's audit trail; the manage links and calendar feeds stop working. The domains built on
registration forget their part through `registrations_anonymised` (badges are revoked, speakers who
were registrations lose their names in the agenda).

What stays: each registration's row with its status, category and member organisation (so its
country, region and kind), its check-ins, sign-ups and dates, so every participation figure reads
the same afterwards.
"""
import re

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from eventhub.audit.models import AuditEntry
from eventhub.audit.services import Actor, record
from eventhub.core import capacity, tokens
from eventhub.core.errors import Refused
from eventhub.core.signals import registrations_anonymised
from eventhub.core.types import utcnow
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.mail.models import OutboxMessage
from eventhub.registration.models import Delegation, Registration

# Shown in place of a person's name; the trail shows REDACTED in place of what it held about them.
ANONYMISED = "Anonymised"
REDACTED = "[anonymised]"
# Fields of registration and delegation entries in the trail that hold what a person told us.
PERSONAL_KEYS = frozenset({"full_name", "email", "position", "organisation_name", "organisation", "answers",
                           "head_name", "head_email"})
# Of those, the ones that name a person: searched for in every other entry of the event (e.g. a
# session's speakers, "Ana Lima (speaker)").
NAMING_KEYS = ("full_name", "email", "head_name", "head_email")
# Shorter names are only matched as the whole text, so "Li" does not wipe every "Climate".
SHORTEST_SUBSTRING = 4
CHUNK = 500
# The secret of a manage link in a message (/registrations/<token>, /delegations/<token>).
LINK = re.compile(r"/(?:registrations|delegations)/([A-Za-z0-9_-]+)")


def refusal(event: Event) -> str | None:
    """Why the event's registrations cannot be anonymised now, or None when they can."""
    if event.end_at > utcnow():
        return _("“%(title)s” has not ended yet: registrations are anonymised only once the event is over.",
                 title=event.title)
    return None


def anonymise(event: Event, actor: Actor) -> dict | None:
    """Remove the personal data of every registration of an ended event, keeping what the statistics count.

    Returns what was done ({"registrations": n, ...}, also the audit entry's changes), or None when the
    event was anonymised before (nothing changes). Raises Refused for an event that has not ended.
    """
    if reason := refusal(event):
        raise Refused("not_ended", reason)
    # Under the event's lock nobody registers, edits or is promoted while the rows are rewritten.
    capacity.lock(Event, event.id)
    db.session.refresh(event)
    if event.anonymised_at is not None:
        return None
    registrations = list(db.session.scalars(select(Registration).where(Registration.event_id == event.id)))
    delegations = list(db.session.scalars(select(Delegation).where(Delegation.event_id == event.id)))
    trail = list(db.session.scalars(select(AuditEntry).where(AuditEntry.event_id == event.id)))
    people = {("registration", r.id) for r in registrations} | {("delegation", d.id) for d in delegations}
    names = _names(registrations, delegations, [e for e in trail if (e.subject_type, e.subject_id) in people])
    messages = _forget_messages(event, registrations, delegations, names)  # while their links can be rebuilt
    entries = _scrub_trail(trail, people, names)
    for registration in registrations:
        _anonymise_registration(registration)
    for delegation in delegations:
        _anonymise_delegation(delegation)
    event.anonymised_at = utcnow()
    db.session.flush()
    registrations_anonymised.send(event, registration_ids=[r.id for r in registrations], actor=actor)
    counts = {"registrations": len(registrations), "delegations": len(delegations), "messages": messages,
              "audit_entries": entries}
    record(actor, "event.anonymised", event, event.id, counts)
    return counts


def _dead_link() -> tuple[str, None]:
    """Digest and salt of a link nobody holds: the digest of a secret thrown away, no salt to rebuild it."""
    return tokens.digest(tokens.new_secret()), None


def _anonymise_registration(registration: Registration) -> None:
    """The row keeps its status, category, organisation and dates; nothing that says who it was."""
    registration.full_name = ANONYMISED
    # Unique per event (a constraint) and undeliverable: ".invalid" is reserved for that (RFC 2606).
    registration.email = f"anonymised-{registration.id}@anonymised.invalid"
    registration.position = registration.organisation_name = None
    registration.answers, registration.listed, registration.search_text = {}, False, ""
    registration.manage_token_digest, registration.manage_token_salt = _dead_link()
    registration.calendar_token_digest, registration.calendar_token_salt = _dead_link()


def _anonymise_delegation(delegation: Delegation) -> None:
    """The delegation keeps its organisation and its delegates; its head is nobody in particular."""
    delegation.head_name = ANONYMISED
    delegation.head_email = f"anonymised-delegation-{delegation.id}@anonymised.invalid"
    delegation.organisation_name = None
    delegation.manage_token_digest, delegation.manage_token_salt = _dead_link()


def _names(registrations, delegations, own_entries) -> set[str]:
    """Every name and address these people have, and had before an edit (their own audit entries say)."""
    names = {r.full_name for r in registrations} | {r.email for r in registrations}
    names |= {d.head_name for d in delegations} | {d.head_email.lower() for d in delegations}
    for entry in own_entries:
        names |= {text for key in NAMING_KEYS for text in _texts((entry.changes or {}).get(key))}
    return {name.strip() for name in names if name and name.strip()} - {REDACTED}


def _forget_messages(event, registrations, delegations, names: set[str]) -> int:
    """Delete the outbox messages, sent or queued, to these people about this event; how many.

    The outbox knows no event: a message is this event's when it carries one of its people's links
    (every message does), or, for a link the app can no longer rebuild, when its subject names the event.
    Messages to the same address about another event stay.
    """
    links = {row.manage_token for row in [*registrations, *delegations]} - {None}
    addresses = sorted({name.lower() for name in names if "@" in name})
    doomed = []
    for start in range(0, len(addresses), CHUNK):
        query = select(OutboxMessage).where(func.lower(OutboxMessage.recipient).in_(addresses[start:start + CHUNK]))
        for message in db.session.scalars(query):
            carried = set(LINK.findall(f"{message.text_body}\n{message.html_body or ''}"))
            if carried & links or event.title in message.subject:
                doomed.append(message.id)
    for start in range(0, len(doomed), CHUNK):
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(doomed[start:start + CHUNK]))
                           .execution_options(synchronize_session=False))
    return len(doomed)


def _scrub_trail(entries, people: set, names: set[str]) -> int:
    """Replace what the event's audit entries hold about these people with REDACTED; how many entries changed.

    Entries about a registration or delegation (people) lose their personal fields; every entry of the
    event loses any text that names one of the people.
    """
    changed, names_anyone = 0, _Finder({name.casefold() for name in names})
    for entry in entries:
        personal = (entry.subject_type, entry.subject_id) in people
        scrubbed = _scrub(entry.changes or {}, personal, names_anyone)
        if scrubbed != entry.changes:
            entry.changes, changed = scrubbed, changed + 1
    return changed


def _texts(value) -> list[str]:
    """Every text inside a value of the trail (a text, or [before, after])."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in _texts(item)]
    return []


def _redact(value):
    """A personal value replaced, keeping its shape ([before, after] stays a pair); blanks stay blank."""
    if isinstance(value, list):
        return [_redact(item) for item in value]
    return value if value in (None, "", {}, []) else REDACTED


class _Finder:
    """Whether a text names one of the people: the whole text, or a long enough name inside it.

    Remembers its answers: the trail repeats the same few texts (statuses, categories) thousands of times.
    """

    def __init__(self, needles: set[str]):
        self.needles = needles
        self.long_needles = [needle for needle in needles if len(needle) >= SHORTEST_SUBSTRING]
        self.seen: dict[str, bool] = {}

    def __call__(self, text: str) -> bool:
        if text not in self.seen:
            folded = text.casefold().strip()
            self.seen[text] = folded in self.needles or any(needle in folded for needle in self.long_needles)
        return self.seen[text]


def _scrub(value, personal: bool, names_anyone: _Finder, key: str | None = None):
    """The value with personal fields (of a person's own entry) and texts naming a person replaced."""
    if personal and key in PERSONAL_KEYS:
        return _redact(value)
    if isinstance(value, dict):
        return {k: _scrub(item, personal, names_anyone, k) for k, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, personal, names_anyone) for item in value]
    if isinstance(value, str) and names_anyone(value):
        return REDACTED
    return value
