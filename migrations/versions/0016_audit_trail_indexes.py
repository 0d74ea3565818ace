"""audit entries: indexes for an object's history and an event's trail, newest first

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 06:10:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_audit_entries_subject', 'audit_entries', ['subject_type', 'subject_id', 'at'])
    op.create_index('ix_audit_entries_event_at', 'audit_entries', ['event_id', 'at', 'id'])


def downgrade():
    op.drop_index('ix_audit_entries_event_at', table_name='audit_entries')
    op.drop_index('ix_audit_entries_subject', table_name='audit_entries')
