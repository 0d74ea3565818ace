"""events: the organisers' contact e-mail and phone; outbox messages: the From name and Reply-To they are sent with

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 07:40:00

Existing events get no contact (both columns are optional): their pages and mails simply show none
until an organiser fills it in, and the mail worker sends queued messages without a Reply-To as before.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events') as batch_op:
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=40), nullable=True))
    with op.batch_alter_table('outbox_messages') as batch_op:
        batch_op.add_column(sa.Column('sender_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('reply_to', sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages') as batch_op:
        batch_op.drop_column('reply_to')
        batch_op.drop_column('sender_name')
    with op.batch_alter_table('events') as batch_op:
        batch_op.drop_column('contact_phone')
        batch_op.drop_column('contact_email')
