"""Unguessable secrets (manage links, calendar feeds, API tokens) and the pages that carry them.

A secret in a URL is a key: it must not leak through a Referer header to another site, nor be
kept by a shared cache (a venue's proxy, a library computer's browser).

The database keeps no secret in clear, so that a copy of it (a backup, a replica, a dump handed to
a developer) opens nobody's registration. API tokens are shown once and kept as their digest.
Links that we must put in e-mails again and again (a manage link is in every message about a
registration, the calendar feed on the personal page) are *derived*: an HMAC of a random salt under
the app's SECRET_KEY, which is never in the database. The database keeps the salt and the digest
(the lookup key); only the running app can rebuild the link from them (rebuild()).
"""
import base64
import hashlib
import hmac
import secrets

from flask import current_app

# 32 random bytes: 256 bits, far beyond guessing; 43 URL-safe characters.
SECRET_BYTES = 32


def new_secret(prefix: str = "") -> str:
    """A fresh URL-safe secret, e.g. for /registrations/<secret>; `prefix` marks its kind (API tokens)."""
    return prefix + secrets.token_urlsafe(SECRET_BYTES)


def digest(secret: str) -> str:
    """SHA-256 of a secret that is stored only as its digest: what lookups compare (64 hex digits)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _derive(purpose: str, salt: str, key: str | bytes) -> str:
    """HMAC-SHA256 of purpose and salt under the key, as 43 URL-safe characters like new_secret()."""
    key = key.encode() if isinstance(key, str) else key
    mac = hmac.new(key, f"{purpose}:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def issue(purpose: str) -> tuple[str, str, str]:
    """A new derived secret: (secret, salt, digest). Store the salt and the digest, mail the secret.

    `purpose` ("registration-manage", "registration-calendar", ...) keeps one kind of link from
    ever being valid as another.
    """
    salt = secrets.token_urlsafe(16)
    secret = _derive(purpose, salt, current_app.secret_key)
    return secret, salt, digest(secret)


def rebuild(purpose: str, salt: str | None, stored_digest: str) -> str | None:
    """The secret issue() made, again; None when it cannot be rebuilt.

    That is a link issued before links were derived (migration 0013 kept only its digest: it still
    opens, but only its owner's e-mail holds it), or one derived under a SECRET_KEY that is neither
    the current one nor in SECRET_KEY_FALLBACKS (Flask's list of retired keys).
    """
    if not salt:
        return None
    for key in [current_app.secret_key, *(current_app.config.get("SECRET_KEY_FALLBACKS") or [])]:
        secret = _derive(purpose, salt, key)
        if hmac.compare_digest(digest(secret), stored_digest):
            return secret
    return None


def keep_tokens_private(blueprint, cache_control: str = "private, no-store") -> None:
    """Every page of the blueprint whose URL holds a `token` sends no Referer and stays out of shared caches.

    Feeds pass cache_control="private, no-cache": calendar apps may keep them, but must ask again
    (and get a 304) before showing them.
    """

    @blueprint.after_request
    def _private(response):
        from flask import request

        if "token" in (request.view_args or {}):
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["Cache-Control"] = cache_control
        return response
