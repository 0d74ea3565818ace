"""stable audit subject types; every registration has its calendar feed token

Audit entries were filed under Python class names ("agendasession", "sessionkind"); they are now
filed under each model's stable audit_type. Calendar feed tokens were made the first time a manage
page was shown (a write during a GET); now every registration gets one when it is made, so the
rows without one get theirs here and the column becomes required.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 20:00:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

RENAMED = {"agendasession": "session", "sessionkind": "session_kind"}

audit_entries = sa.table("audit_entries", sa.column("subject_type", sa.String))
registrations = sa.table("registrations", sa.column("id", sa.Integer), sa.column("calendar_token", sa.String))


def upgrade():
    for old, new in RENAMED.items():
        op.execute(audit_entries.update().where(audit_entries.c.subject_type == old).values(subject_type=new))
    connection = op.get_bind()
    missing = connection.execute(sa.select(registrations.c.id).where(registrations.c.calendar_token.is_(None)))
    for (registration_id,) in missing.fetchall():
        connection.execute(registrations.update().where(registrations.c.id == registration_id)
                           .values(calendar_token=secrets.token_urlsafe(32)))
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.alter_column('calendar_token', existing_type=sa.String(length=64), nullable=False)


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.alter_column('calendar_token', existing_type=sa.String(length=64), nullable=True)
    for old, new in RENAMED.items():
        op.execute(audit_entries.update().where(audit_entries.c.subject_type == new).values(subject_type=old))
