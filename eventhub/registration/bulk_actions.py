"""One action (approve, reject, cancel, promote) on many registrations of an event: the ticked rows, or every registration the list's
filters match (found here, on the server, from the same filters; never a list of ids sent by the page).

Each registration goes through the same service function as a single click (approve, reject, ...),
so each is audited and mailed exactly as one approval is. They are done in chunks, one transaction
per chunk, each registration inside a savepoint: a refusal (the event is full) undoes only that
registration, and a chunk holds the event's lock for a moment only, so people registering at the same
time wait a fraction of a second instead of for the whole batch.
"""
import time
from dataclasses import dataclass, field

from sqlalchemy import func, select

from eventhub.core import capacity
from eventhub.core.errors import Refused
from eventhub.core.transaction import atomic
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration import queries, services
from eventhub.registration.models import Registration

# Which actions make sense for a registration in each status (others would be refused anyway).
ACTIONS_FOR_STATUS = {
    "pending": ("approve", "reject", "cancel"),
    "confirmed": ("reject", "cancel"),
    "waitlisted": ("promote", "reject", "cancel"),
}
# Each action is one service function; they all take (registration, actor) and raise Refused.
SERVICE_FOR_ACTION = {
    "approve": services.approve, "reject": services.reject, "cancel": services.cancel, "promote": services.promote,
}
# Registrations per transaction: big enough that 1,500 take a few commits, small enough that the event's
# lock (which public registration waits for) is held for well under a second.
CHUNK = 100
# Refusals reported by name; the rest are counted (flash messages live in the session cookie).
NAMED_REFUSALS = 5
# How long one request works before it answers "n of m done" and continues in the next one: far below
# gunicorn's timeout (docs/deploy.md), whatever the number of registrations.
ROUND_SECONDS = 10.0


@dataclass
class Outcome:
    """What a bulk action did: how many changed, and why the others did not."""

    done: int = 0
    # (name, reason) of the first refusals, and how many there were in all.
    refusals: list[tuple[str, str]] = field(default_factory=list)
    refused: int = 0
    # The id of the last registration dealt with, and how many were left for the next round.
    last_id: int | None = None
    left: int = 0

    @property
    def total(self) -> int:
        return self.done + self.refused

    def refuse(self, name: str, reason: str) -> None:
        self.refused += 1
        if len(self.refusals) < NAMED_REFUSALS:
            self.refusals.append((name, reason))


def statuses_for(action: str) -> list[str]:
    """The statuses an action applies to (approve: pending; promote: waitlisted; ...)."""
    return [status for status, actions in ACTIONS_FOR_STATUS.items() if action in actions]


def matching(event, filters: dict, action: str, seen_up_to: int | None, after: int | None = None) -> tuple[list[int], int]:
    """(ids the action applies to, how many others match but are in a status it does not apply to).

    Only registrations the organiser could have seen count: those with an id up to `seen_up_to`, the
    newest one when the list was shown. Someone registering meanwhile is not approved unseen. `after`:
    a later round goes on after the last id the one before dealt with (the others are counted in all).
    """
    query = queries.registrations_query(event, **filters).with_only_columns(
        Registration.id, Registration.status, maintain_column_froms=True).order_by(None)
    if seen_up_to is not None:
        query = query.where(Registration.id <= seen_up_to)
    wanted = set(statuses_for(action))
    ids, others = [], 0
    for registration_id, status in db.session.execute(query.order_by(Registration.id)):
        if status not in wanted:
            others += 1
        elif after is None or registration_id > after:
            ids.append(registration_id)
    return ids, others


def newest_id(event, filters: dict) -> int | None:
    """The highest registration id the filters match now: what "all matching" will be limited to."""
    query = queries.registrations_query(event, **filters).with_only_columns(
        func.max(Registration.id), maintain_column_froms=True).order_by(None)
    return db.session.scalar(query)


def apply(event, action: str, ids: list[int], actor, seconds: float | None = None) -> Outcome:
    """Run the action's service on each registration of `ids` that belongs to the event, oldest first
    (when places run out, those who registered first get them). After `seconds` (ROUND_SECONDS), stop at the end of a
    chunk: Outcome.left says how many are left, Outcome.last_id where to go on from."""
    service = SERVICE_FOR_ACTION[action]
    ids = sorted(set(ids))
    deadline = time.monotonic() + (ROUND_SECONDS if seconds is None else seconds)
    outcome = Outcome()
    for start in range(0, len(ids), CHUNK):
        if start and time.monotonic() > deadline:
            outcome.left = len(ids) - start
            break
        with atomic():
            # The lock first, as everywhere (eventhub.core.capacity); on SQLite it also opens the
            # transaction, so the savepoints below nest inside it instead of committing on release.
            capacity.lock(Event, event.id)
            for registration in _chunk(event, ids[start:start + CHUNK]):
                try:
                    with db.session.begin_nested():
                        service(registration, actor)
                except Refused as refused:
                    outcome.refuse(registration.full_name, refused.message)
                else:
                    outcome.done += 1
        outcome.last_id = ids[min(start + CHUNK, len(ids)) - 1]
    return outcome


def _chunk(event, ids: list[int]) -> list[Registration]:
    """The registrations of one chunk, only those of the event (an id from another event is ignored)."""
    query = select(Registration).where(Registration.event_id == event.id, Registration.id.in_(ids))
    return list(db.session.scalars(query.order_by(Registration.id)))
