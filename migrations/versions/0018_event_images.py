"""events: one logo or banner image each, stored in the database (re-encoded)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 07:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'event_images',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('content_type', sa.String(length=20), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('byte_size', sa.Integer(), nullable=False),
        sa.Column('alt_text', sa.String(length=300), server_default='', nullable=False),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("content_type IN ('image/png', 'image/jpeg')",
                           name=op.f('ck_event_images_content_type_known')),
        sa.CheckConstraint('width > 0 AND height > 0', name=op.f('ck_event_images_has_pixels')),
        sa.CheckConstraint('byte_size > 0', name=op.f('ck_event_images_has_bytes')),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_images_event_id_events'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event_images')),
        sa.UniqueConstraint('event_id', name=op.f('uq_event_images_event_id')),
        sqlite_autoincrement=True,
    )


def downgrade():
    op.drop_table('event_images')
