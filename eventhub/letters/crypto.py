"""Sealing what a visa letter request holds: one Fernet token (AES-128-CBC + HMAC-SHA256) per request.

The key is VISA_LETTER_KEY (config.py): a Fernet key as Fernet.generate_key() writes it, or any other
secret, from which a key is derived with HKDF-SHA256. Without a key nothing is stored: requests are
refused (NoKey) rather than kept in plain text. cryptography is imported inside the functions, so the
app starts without loading it.
"""
import base64
import binascii
import json

from flask import current_app
from flask_babel import gettext as _

from eventhub.core.errors import Refused

_INFO = b"eventhub visa letter requests"


class NoKey(Refused):
    """The configuration has no VISA_LETTER_KEY: letters are switched off."""

    def __init__(self):
        super().__init__("no_key", _("Invitation letters are not available: the organisers have not set up "
                                     "the encryption key they need. Please contact the organisers."))


def available() -> bool:
    """Whether letters can be requested (a key is configured)."""
    return bool(current_app.config.get("VISA_LETTER_KEY"))


def _fernet_key(secret: str) -> bytes:
    """The secret itself when it is a Fernet key, else a key derived from it."""
    try:
        if len(base64.urlsafe_b64decode(secret.encode("ascii"))) == 32 and len(secret) == 44:
            return secret.encode("ascii")
    except (binascii.Error, ValueError, UnicodeEncodeError):
        pass
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret.encode("utf-8"))
    return base64.urlsafe_b64encode(derived)


def _fernet():
    """The current key first (it seals), then the retired ones (they only open what they sealed)."""
    from cryptography.fernet import Fernet, MultiFernet

    secret = current_app.config.get("VISA_LETTER_KEY")
    if not secret:
        raise NoKey()
    retired = [key.strip() for key in current_app.config.get("VISA_LETTER_KEY_FALLBACKS") or () if key.strip()]
    return MultiFernet([Fernet(_fernet_key(key)) for key in (secret, *retired)])


def seal(details: dict) -> str:
    """The details as one encrypted, authenticated token (text, for a Text column)."""
    return _fernet().encrypt(json.dumps(details, ensure_ascii=False).encode("utf-8")).decode("ascii")


def reseal(token: str) -> str | None:
    """The token sealed again under the current key, or None when no key known here opens it."""
    from cryptography.fernet import InvalidToken

    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        return None


def unseal(token: str | None) -> dict | None:
    """The details back, or None when they were erased (or the key changed: nothing readable)."""
    if not token:
        return None
    from cryptography.fernet import InvalidToken

    try:
        return json.loads(_fernet().decrypt(token.encode("ascii")))
    except InvalidToken:
        return None
