"""The migrations build the same schema as the models, and can be undone and redone."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from eventhub.extensions import db


def _differences():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_match_the_models(app):
    assert _differences() == []


def test_upgrade_downgrade_upgrade(app):
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert {"users", "organisations", "events"} <= set(inspect(db.engine).get_table_names())
    assert _differences() == []


def test_upgrading_a_database_in_use_keeps_every_row(app):
    """Changing a column on SQLite copies its table: what points at it (stars, sign-ups, speakers) must survive.

    A registration made before feed tokens were made with it gets one on the way (migration 0007).
    """
    from sqlalchemy import text

    db.session.remove()
    try:
        downgrade(revision="0006")
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO events (id, kind, title, slug, timezone, start_at, end_at, status, sequence, "
                "non_member_policy, public_categories, created_at, updated_at) VALUES (1, 'congress', 'E', 'e', "
                "'UTC', '2027-01-01 09:00', '2027-01-02 18:00', 'published', 0, 'confirm', 'delegate', "
                "'2026-01-01 00:00', '2026-01-01 00:00')",
                "INSERT INTO registrations (id, event_id, full_name, email, category, status, answers, "
                "privacy_consent_at, listed, manage_token, invitation_sequence, search_text, created_at, updated_at) "
                "VALUES (1, 1, 'Ana', 'ana@example.org', 'delegate', 'confirmed', '{}', '2026-01-01 00:00', false, "
                "'manage-1', 0, '', '2026-01-01 00:00', '2026-01-01 00:00')",
                "INSERT INTO agenda_sessions (id, event_id, uuid, title, start_at, end_at, language, interpretation, "
                "signup_required, status, sequence, created_at, updated_at) VALUES (1, 1, 'u-1', 'Opening', "
                "'2027-01-01 10:00', '2027-01-01 11:00', 'en', false, true, 'scheduled', 0, '2026-01-01 00:00', "
                "'2026-01-01 00:00')",
                "INSERT INTO agenda_stars (id, registration_id, session_id, created_at) VALUES (1, 1, 1, '2026-01-01')",
                "INSERT INTO signups (id, session_id, registration_id, status, created_at) "
                "VALUES (1, 1, 1, 'confirmed', '2026-01-01 00:00')",
                "INSERT INTO session_people (id, session_id, role, registration_id, name, position) "
                "VALUES (1, 1, 'speaker', 1, 'Ana', 0)",
            ):
                connection.execute(text(statement))
    finally:
        upgrade()
    with db.engine.connect() as connection:
        counts = [connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                  for table in ("agenda_stars", "signups", "session_people", "registrations")]
        token = connection.execute(text("SELECT calendar_token_digest FROM registrations")).scalar()
    assert counts == [1, 1, 1, 1] and len(token) == 64
    assert _differences() == []
