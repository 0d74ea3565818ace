"""Application set-up: configuration from the environment and the SQLite connection settings."""
import importlib

import pytest
from sqlalchemy import create_engine, text

import config
from eventhub import create_app
from eventhub.extensions import db


@pytest.fixture
def reload_config(monkeypatch):
    """Re-read config.py under a changed environment, and restore it afterwards."""

    def reload(**env):
        for name, value in env.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        return importlib.reload(config)

    yield reload
    monkeypatch.undo()
    importlib.reload(config)


def test_production_refuses_to_start_without_a_secret(monkeypatch):
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", None)
    monkeypatch.setenv("EVENTHUB_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_development_secret_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path / "instance")
    first = config._development_secret()
    assert len(first) >= 64
    assert config._development_secret() == first
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    "given, expected",
    [
        ("postgresql://postgres@127.0.0.1:5432/test", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_url_uses_psycopg3(reload_config, given, expected):
    assert reload_config(DATABASE_URL=given).Config.SQLALCHEMY_DATABASE_URI == expected


def test_default_database_is_sqlite_in_instance(reload_config):
    uri = reload_config(DATABASE_URL=None).Config.SQLALCHEMY_DATABASE_URI
    assert uri.startswith("sqlite:///") and uri.endswith("instance/eventhub.db")


def test_rate_limits_use_redis_when_configured(reload_config):
    assert reload_config(REDIS_URL=None).Config.RATELIMIT_STORAGE_URI == "memory://"
    assert reload_config(REDIS_URL="redis://127.0.0.1:6379/0").Config.RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/0"


def test_timezone_defaults_to_utc(reload_config):
    assert reload_config(EVENTHUB_TIMEZONE=None).Config.EVENTHUB_TIMEZONE == "UTC"


def test_sqlite_runs_with_foreign_keys_wal_and_busy_timeout(app, tmp_path):
    """Checked on a SQLite engine of its own, so the PostgreSQL run checks it too."""
    engine = create_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    engine.dispose()


@pytest.mark.parametrize("setting, expected", [(None, 1), ("full", 2)])
def test_sqlite_syncs_its_log_at_checkpoints_unless_told_to_at_every_commit(tmp_path, setting, expected):
    """NORMAL (1) by default, FULL (2) when SQLITE_SYNCHRONOUS says so (config.py explains the trade)."""
    settings = {"EVENTHUB_ENV": "production", "SECRET_KEY": "x",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'durability.db'}"}
    if setting:
        settings["SQLITE_SYNCHRONOUS"] = setting.upper()
    app = create_app(settings)
    with app.app_context():
        assert db.session.execute(text("PRAGMA synchronous")).scalar() == expected
        db.engine.dispose()


def test_an_unknown_sqlite_durability_setting_stops_the_start(tmp_path):
    with pytest.raises(RuntimeError, match="SQLITE_SYNCHRONOUS"):
        create_app({"EVENTHUB_ENV": "production", "SECRET_KEY": "x", "SQLITE_SYNCHRONOUS": "SOMETIMES",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})


def test_sqlite_durability_comes_from_the_environment(reload_config):
    assert reload_config(SQLITE_SYNCHRONOUS=None).Config.SQLITE_SYNCHRONOUS == "NORMAL"
    assert reload_config(SQLITE_SYNCHRONOUS="full").Config.SQLITE_SYNCHRONOUS == "FULL"
