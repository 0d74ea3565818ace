"""content versions: what cached feeds, exports and pages are keyed by, shared by every process

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 11:40:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    # No rows: a scope without a version is never served from a cache, and gets one at its next change.
    op.create_table(
        'content_versions',
        sa.Column('scope', sa.String(length=80), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('scope', name=op.f('pk_content_versions')),
    )


def downgrade():
    op.drop_table('content_versions')
