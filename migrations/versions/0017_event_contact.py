"""events: a contact e-mail and phone for the organisers, shown on the event page and in every mail

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 07:40:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    pass  # slot reserved; filled by the change that needs it


def downgrade():
    pass
