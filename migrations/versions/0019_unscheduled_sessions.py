"""agenda sessions may wait unscheduled (no time yet) while they are drafts

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 09:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

# Both times or neither; no time only for a draft (nobody but the organisers sees it).
PLACED_OR_DRAFT = "(start_at IS NULL) = (end_at IS NULL) AND (start_at IS NOT NULL OR status = 'draft')"


def upgrade():
    # SQLite rebuilds the table: keep AUTOINCREMENT (migration 0008), so deleted sessions' ids stay unused.
    with op.batch_alter_table('agenda_sessions', table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.alter_column('start_at', existing_type=sa.DateTime(), nullable=True)
        batch_op.alter_column('end_at', existing_type=sa.DateTime(), nullable=True)
        batch_op.create_check_constraint(op.f('ck_agenda_sessions_placed_or_draft'), PLACED_OR_DRAFT)


def downgrade():
    # Sessions without a time cannot exist before this revision: they are removed.
    op.execute("DELETE FROM agenda_sessions WHERE start_at IS NULL")
    with op.batch_alter_table('agenda_sessions', table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint(op.f('ck_agenda_sessions_placed_or_draft'), type_='check')
        batch_op.alter_column('end_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.alter_column('start_at', existing_type=sa.DateTime(), nullable=False)
