"""Learning plans, timetables, reviews and session notes

Revision ID: 0003_plans_reviews_session_notes
Revises: 0002_pupil_record_caseload_audit
Create Date: 2026-11-22 18:45:44.959191

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_plans_reviews_session_notes'
down_revision = '0002_pupil_record_caseload_audit'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('learning_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('aims', sa.Text(), nullable=False),
    sa.Column('success_criteria', sa.Text(), nullable=False),
    sa.Column('transition_plan', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('written_by_id', sa.Integer(), nullable=True),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on IS NULL OR ends_on > starts_on', name=op.f('ck_learning_plans_ends_after_start')),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupils.id'], name=op.f('fk_learning_plans_pupil_id_pupils')),
    sa.ForeignKeyConstraint(['written_by_id'], ['users.id'], name=op.f('fk_learning_plans_written_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_plans')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_learning_plans_client_uuid')),
    sa.UniqueConstraint('pupil_id', 'version_number', name=op.f('uq_learning_plans_pupil_id_version_number'))
    )
    with op.batch_alter_table('learning_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_plans_pupil_id'), ['pupil_id'], unique=False)

    op.create_table('timetable_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('ends_at', sa.Time(), nullable=False),
    sa.Column('mode', sa.Enum('face_to_face', 'virtual', 'independent', 'home_community', name='session_mode', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('focus', sa.Enum('wellbeing', 'resilience', 'mental_health', 'english', 'maths', 'science', 'other', name='session_focus', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('place', sa.String(length=160), nullable=False),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_timetable_slots_ends_after_start')),
    sa.CheckConstraint('weekday >= 0 AND weekday <= 4', name=op.f('ck_timetable_slots_school_day')),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupils.id'], name=op.f('fk_timetable_slots_pupil_id_pupils')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_timetable_slots')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_timetable_slots_client_uuid'))
    )
    with op.batch_alter_table('timetable_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_timetable_slots_pupil_id'), ['pupil_id'], unique=False)

    op.create_table('plan_agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('party', sa.Enum('pupil', 'provider', 'school', name='party', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('agreed_by', sa.String(length=120), nullable=False),
    sa.Column('agreed_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['learning_plans.id'], name=op.f('fk_plan_agreements_plan_id_learning_plans')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_plan_agreements_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_agreements')),
    sa.UniqueConstraint('plan_id', 'party', name=op.f('uq_plan_agreements_plan_id_party'))
    )
    with op.batch_alter_table('plan_agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_agreements_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('academic', 'wider', name='target_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('baseline', sa.String(length=200), nullable=False),
    sa.Column('goal', sa.String(length=200), nullable=False),
    sa.Column('measure', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['learning_plans.id'], name=op.f('fk_plan_targets_plan_id_learning_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_targets'))
    )
    with op.batch_alter_table('plan_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_targets_plan_id'), ['plan_id'], unique=False)

    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('sessions_timetabled', sa.Integer(), nullable=False),
    sa.Column('sessions_delivered', sa.Integer(), nullable=False),
    sa.Column('minutes_planned', sa.Integer(), nullable=False),
    sa.Column('minutes_delivered', sa.Integer(), nullable=False),
    sa.Column('participants', sa.JSON(), nullable=False),
    sa.Column('timetable_changes', sa.Text(), nullable=False),
    sa.Column('next_review_on', sa.Date(), nullable=False),
    sa.Column('held_by_id', sa.Integer(), nullable=True),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('next_review_on > held_on', name=op.f('ck_reviews_next_after_held')),
    sa.ForeignKeyConstraint(['held_by_id'], ['users.id'], name=op.f('fk_reviews_held_by_id_users')),
    sa.ForeignKeyConstraint(['plan_id'], ['learning_plans.id'], name=op.f('fk_reviews_plan_id_learning_plans')),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupils.id'], name=op.f('fk_reviews_pupil_id_pupils')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_reviews_client_uuid'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_pupil_id'), ['pupil_id'], unique=False)

    op.create_table('session_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('ends_at', sa.Time(), nullable=False),
    sa.Column('mode', sa.Enum('face_to_face', 'virtual', 'independent', 'home_community', name='session_mode', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('focus', sa.Enum('wellbeing', 'resilience', 'mental_health', 'english', 'maths', 'science', 'other', name='session_focus', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('place', sa.String(length=160), nullable=False),
    sa.Column('planned_minutes', sa.Integer(), nullable=False),
    sa.Column('engagement', sa.Integer(), nullable=False),
    sa.Column('progress', sa.Text(), nullable=False),
    sa.Column('wellbeing', sa.Text(), nullable=False),
    sa.Column('next_steps', sa.Text(), nullable=False),
    sa.Column('safeguarding_concern', sa.Boolean(), nullable=False),
    sa.Column('safeguarding_details', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_session_notes_ends_after_start')),
    sa.CheckConstraint('engagement >= 1 AND engagement <= 5', name=op.f('ck_session_notes_engagement_scale')),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupils.id'], name=op.f('fk_session_notes_pupil_id_pupils')),
    sa.ForeignKeyConstraint(['slot_id'], ['timetable_slots.id'], name=op.f('fk_session_notes_slot_id_timetable_slots'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['teacher_id'], ['users.id'], name=op.f('fk_session_notes_teacher_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_notes')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_session_notes_client_uuid'))
    )
    with op.batch_alter_table('session_notes', schema=None) as batch_op:
        batch_op.create_index('ix_session_notes_pupil_held_on', ['pupil_id', 'held_on'], unique=False)

    op.create_table('note_addenda',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_note_addenda_author_id_users')),
    sa.ForeignKeyConstraint(['note_id'], ['session_notes.id'], name=op.f('fk_note_addenda_note_id_session_notes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_note_addenda'))
    )
    with op.batch_alter_table('note_addenda', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_note_addenda_note_id'), ['note_id'], unique=False)

    op.create_table('session_note_targets',
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['note_id'], ['session_notes.id'], name=op.f('fk_session_note_targets_note_id_session_notes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['plan_targets.id'], name=op.f('fk_session_note_targets_target_id_plan_targets')),
    sa.PrimaryKeyConstraint('note_id', 'target_id', name=op.f('pk_session_note_targets'))
    )
    op.create_table('target_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('progress', sa.Enum('not_started', 'some', 'on_track', 'achieved', name='target_progress', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_target_progress_review_id_reviews')),
    sa.ForeignKeyConstraint(['target_id'], ['plan_targets.id'], name=op.f('fk_target_progress_target_id_plan_targets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_progress')),
    sa.UniqueConstraint('review_id', 'target_id', name=op.f('uq_target_progress_review_id_target_id'))
    )
    with op.batch_alter_table('target_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_progress_review_id'), ['review_id'], unique=False)



def downgrade():
    with op.batch_alter_table('target_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_progress_review_id'))

    op.drop_table('target_progress')
    op.drop_table('session_note_targets')
    with op.batch_alter_table('note_addenda', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_note_addenda_note_id'))

    op.drop_table('note_addenda')
    with op.batch_alter_table('session_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_session_notes_pupil_held_on')

    op.drop_table('session_notes')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_pupil_id'))

    op.drop_table('reviews')
    with op.batch_alter_table('plan_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_targets_plan_id'))

    op.drop_table('plan_targets')
    with op.batch_alter_table('plan_agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_agreements_plan_id'))

    op.drop_table('plan_agreements')
    with op.batch_alter_table('timetable_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_timetable_slots_pupil_id'))

    op.drop_table('timetable_slots')
    with op.batch_alter_table('learning_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_plans_pupil_id'))

    op.drop_table('learning_plans')
