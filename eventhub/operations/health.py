"""Health checks for load balancers and process managers: /healthz (the process answers) and /readyz
(it can serve: database reachable, schema at the migrations' head, Redis reachable when configured).

Both are cheap (one small query, one PING), anonymous, and say nothing beyond "ok" or the one word of
the check that failed: they are open to anyone, so they must not describe the installation. They touch
no session (no cookie is set) and count against no rate limit, so a probe every second is harmless.
"""
from functools import cache

from flask import Blueprint, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from eventhub.extensions import db, limiter

bp = Blueprint("health", __name__)
limiter.exempt(bp)
# Seconds a probe waits for Redis: a load balancer's probe times out after a few seconds itself.
REDIS_TIMEOUT = 1.0


def _answer(word: str, status: int):
    """A one-word plain-text answer that nobody caches."""
    return word, status, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.route("/healthz")
def healthz():
    """The process is up and answering requests."""
    return _answer("ok", 200)


@bp.route("/readyz")
def readyz():
    """Ready to serve: 200 "ok", else 503 and the name of the first check that failed."""
    failed = _database_failure() or _redis_failure()
    return _answer(failed, 503) if failed else _answer("ok", 200)


def _database_failure() -> str | None:
    """"database" when it cannot be reached, "migrations" when its schema is not the code's."""
    try:
        connection = db.engine.connect()
    except SQLAlchemyError:
        return "database"
    try:
        with connection:
            applied = set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except SQLAlchemyError:
        return "migrations"  # reachable, but never migrated (no version table)
    return None if applied == _heads(current_app.extensions["migrate"].directory) else "migrations"


@cache
def _heads(directory: str) -> set[str]:
    """The head revisions of the migration scripts: they change only with a new release, so read once."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", directory)
    return set(ScriptDirectory.from_config(config).get_heads())


def _redis_failure() -> str | None:
    """"redis" when REDIS_URL is set and Redis does not answer a PING."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    try:
        _redis(url).ping()
    except Exception:  # noqa: BLE001 (any failure to answer means not ready; the probe only says which check)
        return "redis"
    return None


@cache
def _redis(url: str):
    """One client (and connection pool) per URL for the process, with short timeouts."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT)
