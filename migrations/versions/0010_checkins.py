"""checkins: every scan at the door, the first valid one per registration and day being the check-in

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 00:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'checkins',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=True),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('station', sa.String(length=60), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('scanned_at', sa.DateTime(), nullable=False),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.Column('outcome', sa.String(length=10), nullable=False),
        sa.Column('reason', sa.String(length=20), nullable=True),
        sa.Column('scan_id', sa.String(length=64), nullable=True),
        sa.Column('undone_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("outcome IN ('ok', 'duplicate', 'invalid')", name=op.f('ck_checkins_outcome_known')),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_checkins_event_id_events'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'],
                                name=op.f('fk_checkins_registration_id_registrations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_checkins_user_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checkins')),
        sa.UniqueConstraint('scan_id', name=op.f('uq_checkins_scan_id')),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_checkins_event_day', 'checkins', ['event_id', 'day'])
    op.create_index(op.f('ix_checkins_registration_id'), 'checkins', ['registration_id'])
    op.create_index('uq_checkins_one_per_registration_and_day', 'checkins', ['registration_id', 'day'], unique=True,
                    sqlite_where=sa.text("outcome = 'ok' AND undone_at IS NULL"),
                    postgresql_where=sa.text("outcome = 'ok' AND undone_at IS NULL"))


def downgrade():
    op.drop_index('uq_checkins_one_per_registration_and_day', table_name='checkins')
    op.drop_index(op.f('ix_checkins_registration_id'), table_name='checkins')
    op.drop_index('ix_checkins_event_day', table_name='checkins')
    op.drop_table('checkins')
