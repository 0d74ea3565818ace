"""Unguessable secrets (manage links, calendar feeds, API tokens) and the pages that carry them.

A secret in a URL is a key: it must not leak through a Referer header to another site, nor be
kept by a shared cache (a venue's proxy, a library computer's browser).
"""
import hashlib
import secrets

# 32 random bytes: 256 bits, far beyond guessing; 43 URL-safe characters.
SECRET_BYTES = 32


def new_secret(prefix: str = "") -> str:
    """A fresh URL-safe secret, e.g. for /registrations/<secret>; `prefix` marks its kind (API tokens)."""
    return prefix + secrets.token_urlsafe(SECRET_BYTES)


def digest(secret: str) -> str:
    """SHA-256 of a secret that is stored only as its digest (API tokens)."""
    return hashlib.sha256(secret.encode()).hexdigest()


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
