"""What one visitor can make EventHub do through the public forms, counted in what it costs rather than
in requests: one request can register fifty people and e-mail each of them.

Four budgets, each over a window in the rate limiter's storage (Redis when REDIS_URL is set, so every
app server counts together): successful submissions per client address (REGISTRATION_RATE_LIMIT, e.g.
"10 per minute"), people registered per client address, e-mail recipients per client address, and people
registered per claimed member organisation (from any address). Only what succeeds is counted: a city
office behind one address that registers colleagues one by one, and mistypes on the way, spends its
budget on registrations, never on the forms that came back with a mistake.

They are charged after the request's changes are made and before they are committed: over budget, the
request is refused (TooMany, which the pages answer with 429 and the form as it was typed) and nothing is
written. Every budget is tested before any is charged, so a refused request costs nothing; each charge is
still one atomic step in the storage, so parallel requests cannot slip past together.
"""
import math
import time
from datetime import timedelta

from flask import current_app
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from limits import parse

from eventhub.core.errors import Refused
from eventhub.extensions import limiter

# The storage namespace of these budgets (the limiter's own decorators use others).
NAMESPACE = "public-registration"


class TooMany(Refused):
    """A budget is spent: `retry_after` seconds until it allows this request again."""

    def __init__(self, message: str, retry_after: int):
        super().__init__("too_many", message)
        self.retry_after = retry_after

    def on_form(self) -> "TooMany":
        """The refusal as a form page gives it: the form comes back as typed, and says so."""
        return TooMany(self.message + " " + _("Nothing was sent: everything you typed is still in the form below."),
                       self.retry_after)


def _budget(setting: str):
    """A budget from config.py (REGISTRATION_PEOPLE_LIMIT, ...), e.g. "30 per hour"."""
    return parse(current_app.config.get(setting))


def charge(people: int = 0, recipients: int = 0, organisation_id: int | None = None) -> None:
    """Count one successful submission with its people and e-mails; TooMany when a budget is spent."""
    address = get_remote_address()
    costs = [("REGISTRATION_RATE_LIMIT", ("submissions", address), 1),
             ("REGISTRATION_PEOPLE_LIMIT", ("people", address), people),
             ("REGISTRATION_RECIPIENTS_LIMIT", ("recipients", address), recipients)]
    if organisation_id is not None:
        costs.append(("ORGANISATION_REGISTRATION_LIMIT", ("organisation", str(organisation_id)), people))
    costs = [(_budget(setting), keys, cost) for setting, keys, cost in costs if cost]
    for budget, keys, cost in costs:
        if not limiter.limiter.test(budget, NAMESPACE, *keys, cost=cost):
            raise _refusal(budget, keys)
    for budget, keys, cost in costs:
        if not limiter.limiter.hit(budget, NAMESPACE, *keys, cost=cost):  # a parallel request got there first
            raise _refusal(budget, keys)


def _refusal(budget, keys: tuple) -> TooMany:
    """The refusal for a spent budget, saying when the form can be sent again."""
    reset_at = limiter.limiter.get_window_stats(budget, NAMESPACE, *keys).reset_time
    wait = max(1, math.ceil(reset_at - time.time()))
    when = format_timedelta(timedelta(seconds=_rounded_up(wait)), threshold=1)
    again = _("Please try again in %(when)s.", when=when)
    if keys[0] == "submissions":
        return TooMany(_("Several registrations have just been sent from this address.") + " " + again, wait)
    return TooMany(_("Too many registrations have been made from here or for this organisation in a short time.")
                   + " " + again + " " + _("Or ask the organisers to register your delegation."), wait)


def _rounded_up(seconds: int) -> int:
    """Whole minutes above a minute, so "in 2 minutes" is never said of 61 seconds."""
    return seconds if seconds <= 60 else math.ceil(seconds / 60) * 60
