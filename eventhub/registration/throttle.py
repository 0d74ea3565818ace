"""What one visitor can make EventHub do through the public forms, counted in what it costs rather than
in requests: one request can register fifty people and e-mail each of them.

Three budgets, each over a moving window in the rate limiter's storage (Redis when REDIS_URL is set,
so every app server counts together): people registered per client address, e-mail recipients per
client address, and people registered per claimed member organisation (from any address). They are
charged after the request's changes are made and before they are committed: over budget, the
request is refused and nothing is written, and parallel requests cannot slip past together (each
charge is one atomic step in the storage).
"""
from flask import current_app
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from limits import parse

from eventhub.core.errors import Refused
from eventhub.extensions import limiter

def _budget(setting: str):
    """A budget from config.py (REGISTRATION_PEOPLE_LIMIT, ...), e.g. "30 per hour"."""
    return parse(current_app.config[setting])


def charge(people: int = 0, recipients: int = 0, organisation_id: int | None = None) -> None:
    """Count this request's people and e-mails; Refused (too_many) when a budget is spent."""
    address = get_remote_address()
    costs = [("REGISTRATION_PEOPLE_LIMIT", ("people", address), people),
             ("REGISTRATION_RECIPIENTS_LIMIT", ("recipients", address), recipients)]
    if organisation_id is not None:
        costs.append(("ORGANISATION_REGISTRATION_LIMIT", ("organisation", str(organisation_id)), people))
    for setting, keys, cost in costs:
        if cost and not limiter.limiter.hit(_budget(setting), "public-registration", *keys, cost=cost):
            raise Refused("too_many", _("Too many registrations have been made from here or for this organisation "
                                        "in a short time. Please try again later, or ask the organisers to "
                                        "register your delegation."))
