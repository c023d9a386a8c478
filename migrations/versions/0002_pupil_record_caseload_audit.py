"""Pupil tracking record, caseload slots, providers per pupil and the audit trail

Revision ID: 0002_pupil_record_caseload_audit
Revises: 0001_foundation
Create Date: 2026-11-22 18:08:09.171221

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_pupil_record_caseload_audit'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupils.id'], name=op.f('fk_audit_events_pupil_id_pupils')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_pupil_id'), ['pupil_id'], unique=False)

    op.create_table('pupil_providers',
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_pupil_providers_provider_id_providers')),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupils.id'], name=op.f('fk_pupil_providers_pupil_id_pupils'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pupil_id', 'provider_id', name=op.f('pk_pupil_providers'))
    )
    with op.batch_alter_table('pupil_providers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pupil_providers_provider_id'), ['provider_id'], unique=False)

    with op.batch_alter_table('caseload_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slot', sa.Integer(), nullable=True))
    # An open assignment takes the next of its teacher's slots; ended ones keep slot 1.
    op.execute(
        "UPDATE caseload_assignments SET slot = ("
        " SELECT COUNT(*) FROM caseload_assignments AS earlier"
        " WHERE earlier.teacher_id = caseload_assignments.teacher_id"
        " AND earlier.ended_on IS NULL AND earlier.id <= caseload_assignments.id"
        ") WHERE ended_on IS NULL"
    )
    op.execute("UPDATE caseload_assignments SET slot = 1 WHERE slot IS NULL")
    with op.batch_alter_table('caseload_assignments', schema=None) as batch_op:
        batch_op.alter_column('slot', existing_type=sa.Integer(), nullable=False)
        batch_op.create_check_constraint(op.f('ck_caseload_assignments_slot_range'), 'slot >= 1 AND slot <= 5')
        batch_op.create_check_constraint(op.f('ck_caseload_assignments_ends_after_start'), 'ended_on IS NULL OR ended_on >= started_on')
        batch_op.create_index('uq_caseload_assignments_open_slot', ['teacher_id', 'slot'], unique=True, sqlite_where=sa.text('ended_on IS NULL'), postgresql_where=sa.text('ended_on IS NULL'))

    with op.batch_alter_table('pupils', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gender', sa.Enum('female', 'male', 'other', 'not_said', name='gender', native_enum=False, create_constraint=True, length=40), nullable=True))
        batch_op.add_column(sa.Column('ethnicity', sa.Enum('WBRI', 'WIRI', 'WIRT', 'WROM', 'WOTH', 'MWBC', 'MWBA', 'MWAS', 'MOTH', 'AIND', 'APKN', 'ABAN', 'CHNE', 'AOTH', 'BCRB', 'BAFR', 'BOTH', 'OOTH', 'REFU', 'NOBT', name='ethnicity', native_enum=False, create_constraint=True, length=40), nullable=True))
        batch_op.add_column(sa.Column('send_status', sa.Enum('none', 'sen_support', 'ehc_plan', name='send_status', native_enum=False, create_constraint=True, length=40), nullable=False, server_default='none'))
        batch_op.add_column(sa.Column('looked_after', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('free_school_meals', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('locality_team', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('school_on_roll', sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column('commissioner', sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column('exclusion_type', sa.Enum('none', 'suspension', 'permanent', name='exclusion_type', native_enum=False, create_constraint=True, length=40), nullable=False, server_default='none'))
        batch_op.add_column(sa.Column('reasons', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('reason_other', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('provision_start_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('planned_end_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('planned_hours_per_week', sa.Numeric(precision=3, scale=1), nullable=True))
        batch_op.add_column(sa.Column('review_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('action_to_be_taken', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('destination', sa.Enum('mainstream', 'registered_ap', 'special_school', 'further_education', 'training', 'employment', 'neet', 'moved_away', 'other', name='destination', native_enum=False, create_constraint=True, length=40), nullable=True))
        batch_op.create_check_constraint(op.f('ck_pupils_planned_hours_range'), 'planned_hours_per_week >= 0 AND planned_hours_per_week <= 40')
        batch_op.create_index(batch_op.f('ix_pupils_review_date'), ['review_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_pupils_school_on_roll'), ['school_on_roll'], unique=False)
        batch_op.create_index(batch_op.f('ix_pupils_status'), ['status'], unique=False)



def downgrade():
    with op.batch_alter_table('pupils', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pupils_status'))
        batch_op.drop_index(batch_op.f('ix_pupils_school_on_roll'))
        batch_op.drop_index(batch_op.f('ix_pupils_review_date'))
        batch_op.drop_constraint(op.f('ck_pupils_planned_hours_range'), type_='check')
        # The CHECK constraints of the non-native enums go with their columns; SQLite's batch
        # rebuild would otherwise keep them, naming columns that are gone.
        for enum_name in ('destination', 'exclusion_type', 'send_status', 'ethnicity', 'gender'):
            batch_op.drop_constraint(op.f(f'ck_pupils_{enum_name}'), type_='check')
        batch_op.drop_column('destination')
        batch_op.drop_column('action_to_be_taken')
        batch_op.drop_column('review_date')
        batch_op.drop_column('planned_hours_per_week')
        batch_op.drop_column('planned_end_date')
        batch_op.drop_column('provision_start_date')
        batch_op.drop_column('reason_other')
        batch_op.drop_column('reasons')
        batch_op.drop_column('exclusion_type')
        batch_op.drop_column('commissioner')
        batch_op.drop_column('school_on_roll')
        batch_op.drop_column('locality_team')
        batch_op.drop_column('free_school_meals')
        batch_op.drop_column('looked_after')
        batch_op.drop_column('send_status')
        batch_op.drop_column('ethnicity')
        batch_op.drop_column('gender')

    with op.batch_alter_table('caseload_assignments', schema=None) as batch_op:
        batch_op.drop_index('uq_caseload_assignments_open_slot', sqlite_where=sa.text('ended_on IS NULL'), postgresql_where=sa.text('ended_on IS NULL'))
        batch_op.drop_constraint(op.f('ck_caseload_assignments_ends_after_start'), type_='check')
        batch_op.drop_constraint(op.f('ck_caseload_assignments_slot_range'), type_='check')
        batch_op.drop_column('slot')

    with op.batch_alter_table('pupil_providers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pupil_providers_provider_id'))

    op.drop_table('pupil_providers')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_pupil_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_occurred_at'))

    op.drop_table('audit_events')
