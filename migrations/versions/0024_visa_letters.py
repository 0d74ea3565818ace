"""visa letters: encrypted requests for invitation letters and who signs an event's letters

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 15:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'visa_letter_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('signatory_name', sa.String(length=200), nullable=False),
        sa.Column('signatory_title', sa.String(length=200), nullable=False),
        sa.Column('organisation', sa.String(length=200), nullable=False),
        sa.Column('letterhead', sa.Text(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_visa_letter_settings_event_id_events'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_visa_letter_settings')),
        sa.UniqueConstraint('event_id', name=op.f('uq_visa_letter_settings_event_id')),
    )
    op.create_table(
        'visa_letters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('sealed', sa.Text(), nullable=True),
        sa.Column('holder_name', sa.String(length=200), nullable=True),
        sa.Column('code', sa.String(length=40), nullable=True),
        sa.Column('refusal_reason', sa.String(length=500), nullable=True),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('erased_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('requested', 'approved', 'refused', 'withdrawn')",
                           name=op.f('ck_visa_letters_status_known')),
        sa.CheckConstraint("status != 'approved' OR code IS NOT NULL", name=op.f('ck_visa_letters_approved_has_code')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_visa_letters_decided_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_visa_letters_event_id_events'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'],
                                name=op.f('fk_visa_letters_registration_id_registrations'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_visa_letters')),
        sa.UniqueConstraint('code', name=op.f('uq_visa_letters_code')),
    )
    op.create_index(op.f('ix_visa_letters_event_id'), 'visa_letters', ['event_id'])
    op.create_index(op.f('ix_visa_letters_registration_id'), 'visa_letters', ['registration_id'])
    op.create_index('uq_visa_letters_one_open_per_registration', 'visa_letters', ['registration_id'], unique=True,
                    sqlite_where=sa.text("status IN ('requested', 'approved')"),
                    postgresql_where=sa.text("status IN ('requested', 'approved')"))


def downgrade():
    op.drop_index('uq_visa_letters_one_open_per_registration', table_name='visa_letters')
    op.drop_index(op.f('ix_visa_letters_registration_id'), table_name='visa_letters')
    op.drop_index(op.f('ix_visa_letters_event_id'), table_name='visa_letters')
    op.drop_table('visa_letters')
    op.drop_table('visa_letter_settings')
