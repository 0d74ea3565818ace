"""Extensions created once here and bound to the app in create_app()."""
import os
import sqlite3

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=naming_convention))
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
babel = Babel()
# How long a SQLite connection waits for another's write to finish before giving up.
SQLITE_BUSY_TIMEOUT_MS = 10_000


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    """SQLite enforces foreign keys only when asked; WAL and a busy timeout let readers and a writer share it."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def init_app(app) -> None:
    """Bind every extension to the app."""
    db.init_app(app)
    _sqlite_durability(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    limiter.init_app(app)
    from eventhub.core.languages import select_locale

    babel.init_app(app, locale_selector=select_locale)


def _sqlite_durability(app) -> None:
    """Apply SQLITE_SYNCHRONOUS (config.py says what it trades) to every connection of a SQLite database."""
    level = app.config.get("SQLITE_SYNCHRONOUS", "FULL")
    if level not in ("OFF", "NORMAL", "FULL", "EXTRA"):
        raise RuntimeError(f"SQLITE_SYNCHRONOUS must be NORMAL, FULL, EXTRA or OFF, not {level!r}.")
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def synchronous(dbapi_connection, connection_record):
        dbapi_connection.execute(f"PRAGMA synchronous = {level}")
