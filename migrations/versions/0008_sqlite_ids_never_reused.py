"""SQLite never reuses the id of a deleted room, track, session kind, session or question

The audit trail finds an object's history by its type and id, and those objects can be deleted.
Without AUTOINCREMENT SQLite hands the newest deleted row's id to the next new row, which would then
show the deleted one's history. PostgreSQL sequences never go back: nothing changes there.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 21:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

TABLES = ("rooms", "tracks", "session_kinds", "agenda_sessions", "registration_questions")


def _recreate(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(table, recreate="always",
                                  table_kwargs={"sqlite_autoincrement": autoincrement}):
            pass


def upgrade():
    _recreate(True)


def downgrade():
    _recreate(False)
