"""checkins: an index for a station's count of the day, which every scan answers with

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 05:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

STANDING = sa.text("outcome = 'ok' AND undone_at IS NULL")


def upgrade():
    op.create_index('ix_checkins_standing_by_station', 'checkins', ['event_id', 'day', 'station'],
                    sqlite_where=STANDING, postgresql_where=STANDING)


def downgrade():
    op.drop_index('ix_checkins_standing_by_station', table_name='checkins')
