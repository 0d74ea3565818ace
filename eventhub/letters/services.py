"""The rules of visa invitation letters: request, approve, refuse, withdraw, verify, erase.

Only what the person typed is sensitive; it is sealed (eventhub.letters.crypto) before it reaches the
session, and the audit trail records that something happened, never the details. The caller commits
(eventhub.core.transaction.atomic).
"""
import base64
import secrets
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventhub.audit.services import REGISTRANT, Actor, record
from eventhub.core import capacity
from eventhub.core.countries import country_name
from eventhub.core.errors import Refused, ValidationError
from eventhub.core.types import utcnow
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.letters import crypto
from eventhub.letters.models import OPEN_STATUSES, VisaLetter, VisaLetterSettings
from eventhub.registration.models import Registration

DETAILS = ("passport_name", "nationality", "passport_number", "birth_date", "embassy")
SETTINGS = ("signatory_name", "signatory_title", "organisation", "letterhead")
LIMITS = {"passport_name": 200, "passport_number": 30, "embassy": 200, "signatory_name": 200,
          "signatory_title": 200, "organisation": 200, "letterhead": 2000, "reason": 500}
OLDEST = date(1900, 1, 1)


def settings_of(event: Event) -> VisaLetterSettings | None:
    """Who signs the event's letters, or None until the organisers have said."""
    return db.session.scalar(select(VisaLetterSettings).where(VisaLetterSettings.event_id == event.id))


def save_settings(event: Event, data: dict, actor: Actor) -> VisaLetterSettings:
    """Name the signatory of the event's letters (and the letterhead text); audited."""
    values = {key: " ".join((data.get(key) or "").split()) for key in SETTINGS if key != "letterhead"}
    values["letterhead"] = (data.get("letterhead") or "").strip() or None
    errors = {key: [_("Please fill this in.")] for key in ("signatory_name", "signatory_title", "organisation")
              if not values[key]}
    errors.update(_too_long(values))
    if errors:
        raise ValidationError(errors)
    settings = settings_of(event) or VisaLetterSettings(event_id=event.id)
    before = {key: getattr(settings, key) for key in SETTINGS}
    for key, value in values.items():
        setattr(settings, key, value)
    db.session.add(settings)
    db.session.flush()
    changes = {key: [before[key], values[key]] for key in SETTINGS if before[key] != values[key]}
    if changes:
        record(actor, "event.visa_letter_settings", event, event.id, changes)
    return settings


def _too_long(values: dict) -> dict:
    return {key: [_("At most %(count)d characters, please.", count=LIMITS[key])]
            for key, value in values.items() if value and key in LIMITS and len(value) > LIMITS[key]}


def current_letter(registration: Registration) -> VisaLetter | None:
    """The registration's newest letter (open, refused or withdrawn), or None."""
    query = (select(VisaLetter).where(VisaLetter.registration_id == registration.id)
             .order_by(VisaLetter.id.desc()).limit(1))
    return db.session.scalar(query)


def clean_details(data: dict) -> dict:
    """The request's details checked and tidied; ValidationError with every problem at once."""
    details = {key: " ".join(str(data.get(key) or "").split()) for key in DETAILS if key != "birth_date"}
    details["passport_number"] = details["passport_number"].replace(" ", "").upper()
    errors = {key: [_("Please fill this in.")] for key, value in details.items() if not value}
    errors.update(_too_long(details))
    details["nationality"] = details["nationality"].upper()
    if details["nationality"] and country_name(details["nationality"]) == details["nationality"]:
        errors["nationality"] = [_("Please choose a country from the list.")]
    if details["passport_number"] and not details["passport_number"].isalnum():
        errors["passport_number"] = [_("A passport number has only letters and digits.")]
    born = data.get("birth_date")
    if not isinstance(born, date):
        errors["birth_date"] = [_("Please give the date of birth as on the passport.")]
    elif not OLDEST <= born < date.today():
        errors["birth_date"] = [_("This date of birth cannot be right: please check it.")]
    else:
        details["birth_date"] = born.isoformat()
    if errors:
        raise ValidationError(errors)
    return details


def request_letter(registration: Registration, data: dict, actor: Actor = REGISTRANT) -> VisaLetter:
    """A confirmed registrant asks for a letter; the details are stored sealed. One open request at a time."""
    if not crypto.available():
        raise crypto.NoKey()
    if registration.status != "confirmed":
        raise Refused("not_confirmed", _("Only confirmed participants can ask for an invitation letter."))
    if registration.event.end_at <= utcnow():
        raise Refused("ended", _("This event is over: invitation letters are no longer issued."))
    details = clean_details(data)
    # Under the registration's lock two clicks make one request (the unique index would refuse the second).
    capacity.lock(Registration, registration.id)
    current = current_letter(registration)
    if current is not None and current.status in OPEN_STATUSES:
        raise Refused("duplicate", _("You have asked for a letter already."))
    letter = VisaLetter(event_id=registration.event_id, registration_id=registration.id, status="requested",
                        sealed=crypto.seal(details))
    db.session.add(letter)
    db.session.flush()
    record(actor, "visa_letter.requested", letter, registration.event_id, {"registration": registration.id})
    return letter


def details_of(letter: VisaLetter) -> dict | None:
    """What the person typed, for the organisers who approve letters and for the PDF; None once erased."""
    return crypto.unseal(letter.sealed)


def for_event(event: Event) -> list[VisaLetter]:
    """The event's letters, newest first, with their registrations."""
    query = (select(VisaLetter).where(VisaLetter.event_id == event.id)
             .options(selectinload(VisaLetter.registration)).order_by(VisaLetter.id.desc()))
    return list(db.session.scalars(query))


def _decide(letter: VisaLetter, status: str, actor: Actor) -> None:
    capacity.lock(VisaLetter, letter.id)
    db.session.refresh(letter)
    if letter.status != "requested":
        raise Refused("wrong_status", _("This request was decided already."))
    letter.status, letter.decided_at, letter.decided_by_id = status, utcnow(), actor.user_id


def new_code() -> str:
    """A verification code: 'VL-' and 16 characters of A-Z and 2-7 (80 random bits), compact in a QR code."""
    return "VL-" + base64.b32encode(secrets.token_bytes(10)).decode("ascii")


def approve(letter: VisaLetter, actor: Actor) -> VisaLetter:
    """Approve a request: the letter gets its verification code and the registrant is told (in their language)."""
    if settings_of(letter.event) is None:
        raise Refused("no_signatory", _("Name the person who signs the letters first (letter settings)."))
    details = details_of(letter)
    if details is None:
        raise Refused("erased", _("The details of this request were erased."))
    _decide(letter, "approved", actor)
    # Only an issued letter names its holder in clear: the public check shows the name.
    letter.code, letter.holder_name = new_code(), details["passport_name"]
    db.session.flush()
    record(actor, "visa_letter.approved", letter, letter.event_id, {"registration": letter.registration_id})
    from eventhub.letters.notifications import notify

    notify(letter, "approved")
    return letter


def refuse(letter: VisaLetter, reason: str, actor: Actor) -> VisaLetter:
    """Refuse a request with a reason the registrant reads; the details are erased at once."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": [_("Please say why, for the person who asked.")]})
    if len(reason) > LIMITS["reason"]:
        raise ValidationError(_too_long({"reason": reason}))
    _decide(letter, "refused", actor)
    letter.refusal_reason, letter.sealed, letter.erased_at = reason, None, utcnow()
    record(actor, "visa_letter.refused", letter, letter.event_id, {"registration": letter.registration_id})
    from eventhub.letters.notifications import notify

    notify(letter, "refused")
    return letter


def withdraw_for(registration: Registration, actor: Actor) -> int:
    """The registration left the event: its open requests and letters are withdrawn, their details erased."""
    query = select(VisaLetter).where(VisaLetter.registration_id == registration.id,
                                     VisaLetter.status.in_(OPEN_STATUSES))
    letters = list(db.session.scalars(query))
    for letter in letters:
        letter.status, letter.sealed, letter.erased_at = "withdrawn", None, utcnow()
        record(actor, "visa_letter.withdrawn", letter, letter.event_id, {"registration": registration.id})
    return len(letters)


def erase_for_event(event: Event, actor: Actor) -> int:
    """After the event (retention): every letter loses its details and its holder's name; how many.

    The rows and codes stay, so an embassy checking a code still learns the letter has expired."""
    letters = list(db.session.scalars(select(VisaLetter).where(VisaLetter.event_id == event.id)))
    for letter in letters:
        letter.sealed, letter.holder_name = None, None
        letter.erased_at = letter.erased_at or utcnow()
    if letters:
        record(actor, "event.visa_letters_erased", event, event.id, {"letters": len(letters)})
    return len(letters)


def by_code(code: str) -> VisaLetter | None:
    """The approved (or since withdrawn) letter with this verification code, or None."""
    code = (code or "").strip().upper()
    if not code or len(code) > 40:
        return None
    letter = db.session.scalar(select(VisaLetter).where(VisaLetter.code == code))
    return letter if letter is not None and letter.status in ("approved", "withdrawn") else None


def validity(letter: VisaLetter) -> str:
    """'valid', 'withdrawn' or 'expired' (the event is over), as the public check says it."""
    if letter.status == "withdrawn":
        return "withdrawn"
    if letter.event.end_at <= utcnow():
        return "expired"
    return "valid"
