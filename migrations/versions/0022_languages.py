"""languages: an event's main language, translated event and session texts, account and registration languages

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 15:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events') as batch:
        batch.add_column(sa.Column('language', sa.String(length=10), nullable=False, server_default='en'))
        batch.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default='{}'))
    with op.batch_alter_table('agenda_sessions') as batch:
        batch.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default='{}'))
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('locale', sa.String(length=10), nullable=True))
    with op.batch_alter_table('registrations') as batch:
        batch.add_column(sa.Column('locale', sa.String(length=10), nullable=False, server_default='en'))


def downgrade():
    with op.batch_alter_table('registrations') as batch:
        batch.drop_column('locale')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('locale')
    with op.batch_alter_table('agenda_sessions') as batch:
        batch.drop_column('translations')
    with op.batch_alter_table('events') as batch:
        batch.drop_column('translations')
        batch.drop_column('language')
