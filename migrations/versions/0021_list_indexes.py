"""registrations: indexes for the organisers' list of a congress (20,000 registrations), its counts and sorts

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 12:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    # Counts per status and the waiting list, read from the index alone.
    op.create_index('ix_registrations_event_status', 'registrations', ['event_id', 'status'])
    # The list's first order (oldest first) and its reverse: a page is read in order, never sorted.
    op.create_index('ix_registrations_event_created', 'registrations', ['event_id', 'created_at'])
    # Sorted by name.
    op.create_index('ix_registrations_event_search', 'registrations', ['event_id', 'search_text'])
    # The organisation filter's box, and the sorts by organisation and by country, without reading the rows.
    op.create_index('ix_registrations_event_organisation', 'registrations',
                    ['event_id', 'organisation_id', 'organisation_name', 'search_text'])


def downgrade():
    op.drop_index('ix_registrations_event_organisation', table_name='registrations')
    op.drop_index('ix_registrations_event_search', table_name='registrations')
    op.drop_index('ix_registrations_event_created', table_name='registrations')
    op.drop_index('ix_registrations_event_status', table_name='registrations')
