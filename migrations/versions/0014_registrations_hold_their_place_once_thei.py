"""registrations hold their place once their e-mail address is confirmed; member e-mail domains

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 05:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

STATUSES = "status IN ('unconfirmed', 'pending', 'confirmed', 'waitlisted', 'cancelled', 'rejected')"
OLD_STATUSES = "status IN ('pending', 'confirmed', 'waitlisted', 'cancelled', 'rejected')"


def upgrade():
    with op.batch_alter_table('registrations') as batch_op:
        batch_op.drop_constraint(op.f('ck_registrations_status_known'), type_='check')
        batch_op.create_check_constraint('status_known', STATUSES)
    with op.batch_alter_table('delegations') as batch_op:
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(), nullable=True))
    # Delegations made before addresses were confirmed keep the places they hold.
    op.execute("UPDATE delegations SET confirmed_at = created_at")
    with op.batch_alter_table('organisations') as batch_op:
        batch_op.add_column(sa.Column('email_domains', sa.JSON(), server_default='[]', nullable=False))


def downgrade():
    with op.batch_alter_table('organisations') as batch_op:
        batch_op.drop_column('email_domains')
    with op.batch_alter_table('delegations') as batch_op:
        batch_op.drop_column('confirmed_at')
    op.execute("UPDATE registrations SET status = 'cancelled' WHERE status = 'unconfirmed'")
    with op.batch_alter_table('registrations') as batch_op:
        batch_op.drop_constraint(op.f('ck_registrations_status_known'), type_='check')
        batch_op.create_check_constraint('status_known', OLD_STATUSES)
