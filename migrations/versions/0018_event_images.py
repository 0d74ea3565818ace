"""events: one logo or banner image each, stored in the database (re-encoded)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 07:40:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    pass  # slot reserved; filled by the change that needs it


def downgrade():
    pass
