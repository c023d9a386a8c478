"""Initial assessments: literacy and numeracy baselines, reading age, wellbeing measures,
barriers and focus areas

Revision ID: 0004_assessments
Revises: 0003_plans_reviews_session_notes
Create Date: 2026-11-22 18:46:00.926138

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_assessments'
down_revision = "0003_plans_reviews_session_notes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('assessor_id', sa.Integer(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('literacy_level', sa.Enum('pre_key_stage', 'ks1', 'ks2', 'ks3', 'ks4', 'entry_1', 'entry_2', 'entry_3', 'level_1', 'level_2', name='literacy_level', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('literacy_score', sa.Integer(), nullable=True),
    sa.Column('numeracy_level', sa.Enum('pre_key_stage', 'ks1', 'ks2', 'ks3', 'ks4', 'entry_1', 'entry_2', 'entry_3', 'level_1', 'level_2', name='numeracy_level', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('numeracy_score', sa.Integer(), nullable=True),
    sa.Column('reading_age_years', sa.Integer(), nullable=True),
    sa.Column('reading_age_months', sa.Integer(), nullable=True),
    sa.Column('wellbeing', sa.Integer(), nullable=False),
    sa.Column('resilience', sa.Integer(), nullable=False),
    sa.Column('confidence', sa.Integer(), nullable=False),
    sa.Column('anxiety', sa.Integer(), nullable=False),
    sa.Column('barriers', sa.JSON(), nullable=False),
    sa.Column('barrier_other', sa.String(length=200), nullable=True),
    sa.Column('barrier_notes', sa.Text(), nullable=True),
    sa.Column('interests_and_strengths', sa.Text(), nullable=True),
    sa.Column('communication_and_send_needs', sa.Text(), nullable=True),
    sa.Column('focus_areas', sa.JSON(), nullable=False),
    sa.Column('focus_other', sa.String(length=200), nullable=True),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('anxiety >= 1 AND anxiety <= 5', name=op.f('ck_assessments_anxiety_range')),
    sa.CheckConstraint('confidence >= 1 AND confidence <= 5', name=op.f('ck_assessments_confidence_range')),
    sa.CheckConstraint('literacy_score IS NULL OR (literacy_score >= 0 AND literacy_score <= 100)', name=op.f('ck_assessments_literacy_score_range')),
    sa.CheckConstraint('numeracy_score IS NULL OR (numeracy_score >= 0 AND numeracy_score <= 100)', name=op.f('ck_assessments_numeracy_score_range')),
    sa.CheckConstraint('reading_age_months IS NULL OR (reading_age_years IS NOT NULL AND reading_age_months >= 0 AND reading_age_months <= 11)', name=op.f('ck_assessments_reading_age_months_range')),
    sa.CheckConstraint('reading_age_years IS NULL OR (reading_age_years >= 4 AND reading_age_years <= 18)', name=op.f('ck_assessments_reading_age_years_range')),
    sa.CheckConstraint('resilience >= 1 AND resilience <= 5', name=op.f('ck_assessments_resilience_range')),
    sa.CheckConstraint('wellbeing >= 1 AND wellbeing <= 5', name=op.f('ck_assessments_wellbeing_range')),
    sa.ForeignKeyConstraint(['assessor_id'], ['users.id'], name=op.f('fk_assessments_assessor_id_users')),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupils.id'], name=op.f('fk_assessments_pupil_id_pupils')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_assessments_client_uuid'))
    )
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessments_assessor_id'), ['assessor_id'], unique=False)
        batch_op.create_index('ix_assessments_pupil_id_assessed_on', ['pupil_id', 'assessed_on'], unique=False)


def downgrade():
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_index('ix_assessments_pupil_id_assessed_on')
        batch_op.drop_index(batch_op.f('ix_assessments_assessor_id'))

    op.drop_table('assessments')
