"""directory: the topics a listed participant wants to discuss and the languages they speak

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 15:15:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'directory_topics',
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('track_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'],
                                name=op.f('fk_directory_topics_registration_id_registrations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['track_id'], ['tracks.id'],
                                name=op.f('fk_directory_topics_track_id_tracks'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('registration_id', 'track_id', name=op.f('pk_directory_topics')),
    )
    with op.batch_alter_table('directory_topics') as batch:
        batch.create_index(batch.f('ix_directory_topics_track_id'), ['track_id'], unique=False)
    op.create_table(
        'directory_languages',
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'],
                                name=op.f('fk_directory_languages_registration_id_registrations'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('registration_id', 'code', name=op.f('pk_directory_languages')),
    )
    with op.batch_alter_table('directory_languages') as batch:
        batch.create_index(batch.f('ix_directory_languages_code'), ['code'], unique=False)


def downgrade():
    with op.batch_alter_table('directory_languages') as batch:
        batch.drop_index(batch.f('ix_directory_languages_code'))
    op.drop_table('directory_languages')
    with op.batch_alter_table('directory_topics') as batch:
        batch.drop_index(batch.f('ix_directory_topics_track_id'))
    op.drop_table('directory_topics')
