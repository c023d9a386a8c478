"""Absences parents and carers report ahead: which sessions their child will miss and why

Revision ID: 0019_absence_reports
Revises: 0018_two_factor_and_devices
Create Date: 2026-12-05 05:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_absence_reports'
down_revision = '0018_two_factor_and_devices'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('absence_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('first_session', sa.Enum('am', 'pm', name='absence_first_session', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('last_session', sa.Enum('am', 'pm', name='absence_last_session', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('reason', sa.Enum('ill', 'appointment', 'religious', 'family_emergency', 'other', name='absence_reason', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('first_day <= last_day', name=op.f('ck_absence_reports_first_day_not_after_last')),
    sa.ForeignKeyConstraint(['parent_id'], ['users.id'], name=op.f('fk_absence_reports_parent_id_users')),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupils.id'], name=op.f('fk_absence_reports_pupil_id_pupils')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_absence_reports')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_absence_reports_client_uuid'))
    )
    with op.batch_alter_table('absence_reports', schema=None) as batch_op:
        batch_op.create_index('ix_absence_reports_pupil_id_last_day', ['pupil_id', 'last_day'], unique=False)


def downgrade():
    with op.batch_alter_table('absence_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_absence_reports_pupil_id_last_day')
    op.drop_table('absence_reports')
