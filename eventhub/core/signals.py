"""Domain events: a domain announces what happened, the domains built on it react.

Arrows between domains point one way (agenda builds on registration, registration on events):
events must not reach into registration to tell registrants, nor registration into agenda to free
workshop places. Instead the lower domain sends one of these signals and the higher one listens
(each domain's listeners.py, connected by create_app). Receivers run synchronously, inside the
sender's unit of work (eventhub.core.transaction), so a reaction is committed with the change or
rolled back with it. Badges (revoked when a registration leaves) and check-in subscribe here too.

Every signal is sent with the changed object as sender and keyword arguments, always including
`actor` (eventhub.audit.services.Actor). Pretalx (`schedule_release`) and Indico
(`indico.core.signals`) work the same way; blinker ships with Flask.
"""
from blinker import Namespace

_signals = Namespace()

# --- what happened (receivers react; return values are ignored) ---------------------------

event_status_changed = _signals.signal("event-status-changed", doc="""
An event was published, returned to draft or cancelled. Sender: the event; kwargs: previous, status, actor.
""")

event_capacity_raised = _signals.signal("event-capacity-raised", doc="""
An event's capacity grew (or became unlimited): places may be free for the waiting list.
Sender: the event; kwargs: previous (the old capacity), actor. The sender holds the event's lock.
""")

registration_left = _signals.signal("registration-left", doc="""
A registration left the event: cancelled or rejected (from pending, waitlisted or confirmed).
Sender: the registration; kwargs: previous (its status before), actor. The sender holds the event's lock.
""")

registration_confirmed = _signals.signal("registration-confirmed", doc="""
A registration now holds a place: registered straight to confirmed, approved, promoted from the
waiting list, or back after a cancellation. Sender: the registration; kwargs: previous (its status
before, None when new), actor. The sender holds the event's lock.
""")

session_status_changed = _signals.signal("session-status-changed", doc="""
A session of the agenda changed status (draft, scheduled, cancelled): the organisers cancelled it or
brought it back. Sender: the session; kwargs: previous, status, actor.
""")

session_moved = _signals.signal("session-moved", doc="""
A scheduled session got another time or room (the timetable, its form or the API). Sender: the session;
kwargs: before (its start_at, end_at and room as they were), actor.
""")

signup_changed = _signals.signal("signup-changed", doc="""
A person's place in a session that takes sign-ups changed: signed up (confirmed or waitlisted), moved up
from the waiting list, or cancelled. Sender: the sign-up; kwargs: previous (its status before, None when
new), actor, registration_left (True when the place went back because the registration left the event,
which its own message already says). The sender holds the session's lock.
""")

registrations_anonymised = _signals.signal("registrations-anonymised", doc="""
An ended event's registrations lost their names, e-mails and answers (eventhub.registration.retention):
the domains built on them forget what they copied or issued (speakers' names, badges). Sender: the
event; kwargs: registration_ids, actor.
""")

# --- questions to the other domains (receivers answer; the asker merges the answers) ------

member_participation = _signals.signal("member-participation", doc="""
What an organisation took part in, for its page. Sender: the organisation; each receiver returns
{key: rows}, e.g. {"hosted_events": [...]} (see templates/members/_participation.html).
""")

event_figures = _signals.signal("event-figures", doc="""
Figures about an event for its organisers' page. Sender: the event; each receiver returns
{name: number}, e.g. {"registered": 120}.
""")

badge_states = _signals.signal("badge-states", doc="""
The valid badge of each of some registrations, for the organisers' lists. Sender: the event;
kwargs: registration_ids; each receiver returns {registration_id: badge}.
""")


def answers(signal, sender, **kwargs) -> dict:
    """The receivers' dicts of a question signal merged into one."""
    merged = {}
    for _receiver, answer in signal.send(sender, **kwargs):
        merged.update(answer or {})
    return merged
