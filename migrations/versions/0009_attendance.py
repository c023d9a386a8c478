"""Attendance registers (one mark per pupil, day and session), mark history and reports to
the local authority

Revision ID: 0009_attendance
Revises: 0008_push_reminders
Create Date: 2026-11-22 20:18:41.700256

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_attendance'
down_revision = '0008_push_reminders'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attendance_marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('session', sa.Enum('am', 'pm', name='register_session', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.Column('minutes_late', sa.Integer(), nullable=True),
    sa.Column('taken_by_id', sa.Integer(), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(code = 'L' AND minutes_late IS NOT NULL AND minutes_late >= 1 AND minutes_late <= 30) OR (code <> 'L' AND minutes_late IS NULL)", name=op.f('ck_attendance_marks_minutes_late_only_when_late')),
    sa.CheckConstraint("code IN ('/', '\\', 'L', 'K', 'V', 'P', 'W', 'B', 'D', 'C1', 'M', 'J1', 'S', 'X', 'C2', 'C', 'T', 'R', 'I', 'E', 'Q', 'Y1', 'Y2', 'Y3', 'Y4', 'Y5', 'Y6', 'Y7', 'G', 'N', 'O', 'U', 'Z', '#')", name=op.f('ck_attendance_marks_known_code')),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupils.id'], name=op.f('fk_attendance_marks_pupil_id_pupils')),
    sa.ForeignKeyConstraint(['taken_by_id'], ['users.id'], name=op.f('fk_attendance_marks_taken_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_marks')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_attendance_marks_client_uuid')),
    # One mark per pupil per session; its index also serves a pupil's marks by date.
    sa.UniqueConstraint('pupil_id', 'date', 'session', name=op.f('uq_attendance_marks_pupil_id_date_session'))
    )
    op.create_table('local_authority_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('concern', sa.Enum('missed_15_days', 'under_25_hours', name='la_concern', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('academic_year', sa.Integer(), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupils.id'], name=op.f('fk_local_authority_reports_pupil_id_pupils')),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_local_authority_reports_reported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_local_authority_reports')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_local_authority_reports_client_uuid')),
    sa.UniqueConstraint('pupil_id', 'concern', 'academic_year', name=op.f('uq_local_authority_reports_pupil_id_concern_academic_year'))
    )
    op.create_table('attendance_mark_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mark_id', sa.Integer(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('old_code', sa.String(length=2), nullable=True),
    sa.Column('old_minutes_late', sa.Integer(), nullable=True),
    sa.Column('new_code', sa.String(length=2), nullable=False),
    sa.Column('new_minutes_late', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_attendance_mark_changes_changed_by_id_users')),
    sa.ForeignKeyConstraint(['mark_id'], ['attendance_marks.id'], name=op.f('fk_attendance_mark_changes_mark_id_attendance_marks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_mark_changes'))
    )
    with op.batch_alter_table('attendance_mark_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_mark_changes_mark_id'), ['mark_id'], unique=False)


def downgrade():
    with op.batch_alter_table('attendance_mark_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_mark_changes_mark_id'))

    op.drop_table('attendance_mark_changes')
    op.drop_table('local_authority_reports')
    op.drop_table('attendance_marks')
