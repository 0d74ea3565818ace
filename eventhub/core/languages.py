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
    # The browser's languages in its order of preference, each matched on its base language too, so that
    # "es-MX, en;q=0.5" gets Spanish and "pt-PT" Portuguese (Werkzeug's best_match would prefer the exact "en").
    return from_browser() or DEFAULT


def from_browser() -> str | None:
    """The first supported language of the request's Accept-Language, matched on base languages too."""
    for tag, quality in request.accept_languages:
        if quality > 0 and normalise(tag):
            return normalise(tag)
    return None


def requested(default: str) -> str:
    """The language a feed, export or API answer is written in: ?lang=, else the Accept-Language, else
    `default` (the event's main language). Never the cookie or account: one address answers every
    calendar app and script alike, and a script's owner switching their interface changes nothing."""
    return normalise(request.args.get("lang")) or from_browser() or default


def init_app(app) -> None:
    """Pages say which language they are in, and that it depends on the browser's language and cookie."""
    from flask_babel import refresh

    @app.before_request
    def choose_afresh():
        # Flask-Babel keeps the language on `g`, which outlives a request when the request joined an
        # application context already pushed (a test's, a CLI command's): each request picks its own.
        refresh()

    @app.after_request
    def say_the_language(response):
        if response.mimetype == "text/html" and has_request_context():
            response.vary.update(("Accept-Language", "Cookie"))
            response.content_language.add(html_lang(current()))
        return response
