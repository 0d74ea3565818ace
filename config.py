"""Configuration read from the environment, one class per deployment kind."""
import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _database_url() -> str:
    """Return the SQLAlchemy URL, steering plain postgres URLs to psycopg 3."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'eventhub.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _megabytes(name: str, default: float) -> int:
    """A size in bytes from an environment variable given in megabytes (MiB), e.g. MAX_REQUEST_MB=4."""
    return int(float(os.environ.get(name) or default) * 1024 * 1024)


def _development_secret() -> str:
    """Generate a secret once per checkout and keep it, so sessions survive restarts."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _development_visa_letter_key() -> str:
    """A key for visa letter requests, generated once per checkout and kept beside the secret key."""
    path = INSTANCE_DIR / "visa_letter_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    """Settings shared by every environment."""

    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # SQLite (WAL) writes each commit to its log; NORMAL flushes the log to disk at checkpoints, not at every
    # commit. A crashed or killed app loses nothing either way and the file never corrupts; a power cut or
    # OS crash can lose the last few seconds of commits. FULL waits for the disk at every commit: about 1 ms
    # of CPU more per check-in scan and a third fewer scans a second (README, performance).
    SQLITE_SYNCHRONOUS = os.environ.get("SQLITE_SYNCHRONOUS", "NORMAL").upper()
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # Retired keys, comma-separated, newest first: after a rotation, links mailed under an old key (manage
    # links, calendar feeds: eventhub/core/tokens.py) and signed-in sessions keep working.
    SECRET_KEY_FALLBACKS = [key for key in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if key.strip()]
    # Encrypts what people type into a visa letter request (passport number, birth date...): a Fernet key, or
    # any long secret one is derived from (eventhub/letters/crypto.py). Without it, letters cannot be requested.
    # Keep it apart from the database backups: it is what makes a stolen dump useless.
    VISA_LETTER_KEY = os.environ.get("VISA_LETTER_KEY") or None
    # Retired visa letter keys, comma-separated: still read after a rotation, until `flask letters rekey` has
    # sealed every request again under VISA_LETTER_KEY (README, Configuration).
    VISA_LETTER_KEY_FALLBACKS = [key for key in os.environ.get("VISA_LETTER_KEY_FALLBACKS", "").split(",")
                                 if key.strip()]
    # The address people open EventHub at, which links in e-mails, calendar feeds and exports start with
    # (eventhub/core/urls.py). Required in production: a link is never built from a request's Host header.
    BASE_URL = os.environ.get("BASE_URL") or None
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    # The address every e-mail comes from (and the SMTP envelope sender), e.g. "EventHub <events@network.org>".
    # Each message about an event shows the event's title as the name and its contact as Reply-To
    # (eventhub/mail/sender.py). The default only suits development and the tests: production has none.
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "EventHub <noreply@localhost>")
    REDIS_URL = os.environ.get("REDIS_URL") or None
    EVENTHUB_TIMEZONE = os.environ.get("EVENTHUB_TIMEZONE", "UTC")
    BABEL_DEFAULT_LOCALE = "en"
    # The catalogues (translations/<code>/LC_MESSAGES/messages.po, compiled by make into .mo files).
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    BABEL_DEFAULT_TIMEZONE = EVENTHUB_TIMEZONE
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    # "json" (one line per request, the production default) or "text" (debug and tests); see core/requestlog.py.
    LOG_FORMAT = os.environ.get("LOG_FORMAT") or None
    # Public registration (README, Security): how long an unconfirmed request waits for its address to be
    # confirmed, and what one visitor may cost in a window (eventhub/registration/throttle.py).
    REGISTRATION_CONFIRM_HOURS = int(os.environ.get("REGISTRATION_CONFIRM_HOURS", "48"))
    # Successful submissions only: a form refused for a typing mistake costs nothing.
    REGISTRATION_RATE_LIMIT = os.environ.get("REGISTRATION_RATE_LIMIT", "10 per minute")
    REGISTRATION_PEOPLE_LIMIT = os.environ.get("REGISTRATION_PEOPLE_LIMIT", "30 per hour")
    REGISTRATION_RECIPIENTS_LIMIT = os.environ.get("REGISTRATION_RECIPIENTS_LIMIT", "10 per hour")
    ORGANISATION_REGISTRATION_LIMIT = os.environ.get("ORGANISATION_REGISTRATION_LIMIT", "30 per hour")
    WTF_CSRF_TIME_LIMIT = None  # a form left open all morning at a registration desk still submits
    API_TITLE = "EventHub API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    MEMBERS_PER_PAGE = 25
    # werkzeug's default: deliberately slow, so a stolen hash is slow to crack.
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105  (the name of a hash method, not a password)
    # Bodies are refused (413) from their Content-Length, before they are read. Forms and JSON are a few
    # kilobytes; the members CSV import has its own, smaller limit (about 40,000 records in 4 MB; larger
    # files go through `flask members import`).
    MAX_CONTENT_LENGTH = _megabytes("MAX_REQUEST_MB", 5)
    MEMBERS_IMPORT_MAX_BYTES = _megabytes("MEMBERS_IMPORT_MAX_MB", 4)
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host/-Port are believed (0: none).
    # Set it to exactly the number of proxies: one more lets any client choose its address for the rate limits.
    PROXY_HOPS = int(os.environ.get("PROXY_HOPS") or 0)
    # Browsers keep to HTTPS this long after an HTTPS answer (sent only over HTTPS; see ProductionConfig).
    HSTS_SECONDS = 0
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    TESTING = False
    DEBUG = False


class DevelopmentConfig(Config):
    """Local development: a generated secret kept in instance/."""

    DEBUG = True
    SECRET_KEY = Config.SECRET_KEY or _development_secret()
    VISA_LETTER_KEY = Config.VISA_LETTER_KEY or _development_visa_letter_key()
    # Without BASE_URL, links follow the address each request came in on (`flask run --port 5071`, a phone
    # on the laptop's address), and the `make run` address outside a request.
    BASE_URL_FROM_REQUEST = True


class TestingConfig(Config):
    """The test suite: CSRF stays on, tests fetch the token like a browser does."""

    TESTING = True
    SECRET_KEY = "test-secret"  # noqa: S105  (signs only the test suite's cookies)
    VISA_LETTER_KEY = "test-visa-letter-key"  # noqa: S105  (encrypts only the test suite's letter requests)
    BASE_URL = "http://127.0.0.1:5000"  # the same links in every run, whatever the environment says
    RATELIMIT_STORAGE_URI = "memory://"
    # No ping before every checkout: the test database does not go away during a run.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": False}
    # One round: the tests check that passwords work, not that they are slow to crack.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"  # noqa: S105  (a hash method)


class ProductionConfig(Config):
    """Production refuses to run with a missing secret (see create_app) and is served over HTTPS only."""

    # Cookies only over HTTPS; __Host- names cannot be set by a sibling subdomain nor for another path.
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_NAME = "__Host-remember_token"
    # Development and `make venue` (a laptop's address, a self-signed certificate) send no HSTS.
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS") or 365 * 24 * 3600)
    # Required: `flask mail send` refuses to run without a real sender address, rather than send from
    # noreply@localhost, which receiving servers reject or file as spam.
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "")
    # A database error's message must not print the statement's values (an e-mail address in a unique-key
    # error) into the logs.
    SQLALCHEMY_ENGINE_OPTIONS = {**Config.SQLALCHEMY_ENGINE_OPTIONS, "hide_parameters": True}


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None = None) -> type[Config]:
    """Pick the config class named by EVENTHUB_ENV (default development)."""
    return CONFIGS[name or os.environ.get("EVENTHUB_ENV", "development")]
