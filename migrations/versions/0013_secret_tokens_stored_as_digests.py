"""secret tokens stored as digests

The manage links of registrations and delegations and the calendar feeds were stored in clear. They
are now kept as the SHA-256 digest of the token (the lookup key) and, for new ones, the salt the app
derives them from with its SECRET_KEY (eventhub.core.tokens). Existing links keep working: their
digest is stored. Their salt is NULL, as the app cannot derive them; the next e-mail about such a
registration carries a new link.

Also: starred sessions of registrations that were cancelled or rejected are dropped, as a
registration that leaves now drops them (eventhub.agenda.listeners), so that whoever registers
again on that address starts with an empty personal agenda.

Downgrading cannot bring the tokens back: it stores the digests as tokens, so every link sent
before stops working.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 05:00:00

"""
import hashlib

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

# (table, token columns)
TOKENS = (("registrations", ("manage", "calendar")), ("delegations", ("manage",)))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _copy(table: str, names: tuple, source: str, target: str, convert) -> None:
    """Fill each <name><target> column from <name><source>, row by row, through `convert`."""
    rows = sa.table(table, sa.column("id", sa.Integer),
                    *(sa.column(f"{name}{suffix}", sa.String) for name in names for suffix in (source, target)))
    connection = op.get_bind()
    found = connection.execute(sa.select(rows.c.id, *(rows.c[f"{name}{source}"] for name in names))).fetchall()
    if found:
        update = rows.update().where(rows.c.id == sa.bindparam("row_id")).values(
            {f"{name}{target}": sa.bindparam(f"new_{name}") for name in names})
        connection.execute(update, [{"row_id": row[0], **{f"new_{name}": convert(value)
                                                           for name, value in zip(names, row[1:])}}
                                    for row in found])


def upgrade():
    for table, names in TOKENS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in names:
                batch_op.add_column(sa.Column(f'{name}_token_digest', sa.String(length=64), nullable=True))
                batch_op.add_column(sa.Column(f'{name}_token_salt', sa.String(length=32), nullable=True))
        _copy(table, names, "_token", "_token_digest", _digest)
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in names:
                batch_op.drop_constraint(batch_op.f(f'uq_{table}_{name}_token'), type_='unique')
                batch_op.drop_column(f'{name}_token')
                batch_op.alter_column(f'{name}_token_digest', existing_type=sa.String(length=64), nullable=False)
                batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_{name}_token_digest'), [f'{name}_token_digest'])
    op.execute("DELETE FROM agenda_stars WHERE registration_id IN "
               "(SELECT id FROM registrations WHERE status IN ('cancelled', 'rejected'))")


def downgrade():
    for table, names in TOKENS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in names:
                batch_op.add_column(sa.Column(f'{name}_token', sa.String(length=64), nullable=True))
        _copy(table, names, "_token_digest", "_token", lambda value: value)
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in names:
                batch_op.drop_constraint(batch_op.f(f'uq_{table}_{name}_token_digest'), type_='unique')
                batch_op.drop_column(f'{name}_token_digest')
                batch_op.drop_column(f'{name}_token_salt')
                batch_op.alter_column(f'{name}_token', existing_type=sa.String(length=64), nullable=False)
                batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_{name}_token'), [f'{name}_token'])
