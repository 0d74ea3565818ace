"""badges: one code per confirmed registration, old codes kept as revoked

Every registration confirmed before this migration gets its badge here, as new ones get it when
they are confirmed (eventhub.badges.listeners).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 23:00:00

"""
import base64
import hashlib
import secrets
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def _token() -> str:
    # The format of eventhub.badges.tokens.new_token, written out: a migration must not change
    # when the application's code does.
    return "EH1-" + base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=")


def upgrade():
    badges = op.create_table(
        'badges',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=40), nullable=False),
        sa.Column('token_digest', sa.String(length=64), nullable=False),
        sa.Column('issued_at', sa.DateTime(), nullable=False),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_reason', sa.String(length=20), nullable=True),
        sa.Column('printed_at', sa.DateTime(), nullable=True),
        sa.Column('print_count', sa.Integer(), server_default='0', nullable=False),
        sa.CheckConstraint("revoked_reason IS NULL OR revoked_reason IN ('reissued', 'cancelled', 'rejected')",
                           name=op.f('ck_badges_revoked_reason_known')),
        sa.CheckConstraint('print_count >= 0', name=op.f('ck_badges_print_count_positive')),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_badges_event_id_events'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'],
                                name=op.f('fk_badges_registration_id_registrations'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_badges')),
        sa.UniqueConstraint('token', name=op.f('uq_badges_token')),
        sa.UniqueConstraint('token_digest', name=op.f('uq_badges_token_digest')),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_badges_event_id'), 'badges', ['event_id'])
    op.create_index(op.f('ix_badges_registration_id'), 'badges', ['registration_id'])
    op.create_index('uq_badges_one_valid_per_registration', 'badges', ['registration_id'], unique=True,
                    sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))

    confirmed = op.get_bind().execute(
        sa.text("SELECT id, event_id FROM registrations WHERE status = 'confirmed' ORDER BY id")).all()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    rows = []
    for registration_id, event_id in confirmed:
        token = _token()
        rows.append({"event_id": event_id, "registration_id": registration_id, "token": token,
                     "token_digest": hashlib.sha256(token.encode("ascii")).hexdigest(), "issued_at": now,
                     "print_count": 0})
    if rows:
        op.bulk_insert(badges, rows)


def downgrade():
    op.drop_index('uq_badges_one_valid_per_registration', table_name='badges')
    op.drop_index(op.f('ix_badges_registration_id'), table_name='badges')
    op.drop_index(op.f('ix_badges_event_id'), table_name='badges')
    op.drop_table('badges')
