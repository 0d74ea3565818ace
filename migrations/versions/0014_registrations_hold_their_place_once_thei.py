"""registrations hold their place once their e-mail address is confirmed; member e-mail domains

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 05:00:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
