"""The languages EventHub speaks, and which one a request is answered in.

Interface, e-mails and event content come in the SUPPORTED languages. A request's language is, in order:
the signed-in account's choice, the browser's `lang` cookie (set by the switcher on every page), the
browser's Accept-Language, English. Code outside a request (CLI, mail worker) picks a language explicitly
with flask_babel.force_locale.
"""
from flask import has_request_context, request
from flask_babel import get_locale

DEFAULT = "en"
# Codes as Babel spells them; Brazilian Portuguese is what the network's Portuguese-speaking members read.
SUPPORTED = ("en", "fr", "es", "pt_BR")
# Each language named in itself, as a switcher shows it to someone who cannot read the current page.
NAMES = {"en": "English", "fr": "Français", "es": "Español", "pt_BR": "Português"}
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def normalise(code: str | None) -> str | None:
    """The supported code a language tag means ("pt-br", "pt", "fr_CA" -> "pt_BR", "pt_BR", "fr"), else None."""
    if not code:
        return None
    tag = code.strip().replace("-", "_")
    for known in SUPPORTED:
        if tag.lower() == known.lower():
            return known
    base = tag.split("_")[0].lower()
    return next((known for known in SUPPORTED if known.split("_")[0] == base), None)


def html_lang(code: str | None) -> str:
    """The BCP 47 form of a code, for lang attributes and Content-Language ("pt_BR" -> "pt-BR")."""
    return str(code or DEFAULT).replace("_", "-")


def current() -> str:
    """The code of the language being spoken now (in a request, a mail being written, a PDF)."""
    return normalise(str(get_locale() or DEFAULT)) or DEFAULT


def choices() -> list[tuple[str, str]]:
    """(code, own name) pairs for select boxes."""
    return [(code, NAMES[code]) for code in SUPPORTED]


def select_locale() -> str:
    """Flask-Babel's locale selector: account, then cookie, then Accept-Language."""
    if not has_request_context():
        return DEFAULT
    from flask_login import current_user

    account = getattr(current_user, "locale", None) if current_user else None
    chosen = normalise(account) or normalise(request.cookies.get(COOKIE))
    if chosen:
        return chosen
    # Matching on the base language too, so "pt-PT" and "fr-CA" browsers get Portuguese and French.
    offered = list(SUPPORTED) + [code.split("_")[0] for code in SUPPORTED if "_" in code]
    best = request.accept_languages.best_match([html_lang(code) for code in offered])
    return normalise(best) or DEFAULT
