"""Schools: each pupil's commissioning school as a record of its own, the school attendance
officer's role, school and invitation link, and the attendance notices sent to schools

The free-text "school on roll" of each pupil becomes a school of that name (its URN, LAESTAB
number and attendance contact for a lead to complete), and the school DSL's email recorded on a
pupil moves to the school. Going down, each pupil takes back their school's name and DSL email,
and school attendance officers' accounts are removed.

Revision ID: 0022_schools
Revises: 0021_retention
Create Date: 2026-12-07 09:00:00

"""

import uuid
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0022_schools"
down_revision = "0021_retention"
branch_labels = None
depends_on = None

ROLES = ("admin", "lead", "teacher", "assessor", "parent")
PHASES = ("primary", "secondary", "all_through", "special", "alternative")


def role_check(roles):
    return "role IN (" + ", ".join(f"'{role}'" for role in roles) + ")"


def upgrade():
    schools = op.create_table(
        "schools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("urn", sa.String(length=6), nullable=True),
        sa.Column("laestab", sa.String(length=7), nullable=True),
        sa.Column("local_authority", sa.String(length=120), nullable=True),
        sa.Column(
            "phase",
            sa.Enum(
                *PHASES, name="school_phase", native_enum=False, create_constraint=True, length=40
            ),
            nullable=True,
        ),
        sa.Column("attendance_email", sa.String(length=254), nullable=True),
        sa.Column("dsl_email", sa.String(length=254), nullable=True),
        sa.Column("client_uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(urn) = 6", name=op.f("ck_schools_urn_six_digits")),
        sa.CheckConstraint("length(laestab) = 7", name=op.f("ck_schools_laestab_seven_digits")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schools")),
        sa.UniqueConstraint("client_uuid", name=op.f("uq_schools_client_uuid")),
        sa.UniqueConstraint("laestab", name=op.f("uq_schools_laestab")),
        sa.UniqueConstraint("name", name=op.f("uq_schools_name")),
        sa.UniqueConstraint("urn", name=op.f("uq_schools_urn")),
    )
    with op.batch_alter_table("pupils", schema=None) as batch_op:
        batch_op.add_column(sa.Column("school_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_pupils_school_id"), ["school_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_pupils_school_id_schools"), "schools", ["school_id"], ["id"]
        )

    connection = op.get_bind()
    pupils = sa.table(
        "pupils",
        sa.column("school_on_roll", sa.String),
        sa.column("school_dsl_email", sa.String),
        sa.column("school_id", sa.Integer),
    )
    named = connection.execute(
        sa.select(pupils.c.school_on_roll, sa.func.max(pupils.c.school_dsl_email))
        .where(pupils.c.school_on_roll.is_not(None))
        .group_by(pupils.c.school_on_roll)
    ).all()
    now = datetime.now(UTC)
    for name, dsl_email in named:
        school_id = connection.execute(
            schools.insert()
            .values(
                name=name,
                dsl_email=dsl_email,
                client_uuid=uuid.uuid4(),
                version=1,
                created_at=now,
                updated_at=now,
            )
            .returning(schools.c.id)
        ).scalar_one()
        connection.execute(
            pupils.update().where(pupils.c.school_on_roll == name).values(school_id=school_id)
        )

    with op.batch_alter_table("pupils", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pupils_school_on_roll"))
        batch_op.drop_column("school_dsl_email")
        batch_op.drop_column("school_on_roll")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("school_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("welcome_token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("welcome_expires_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_users_welcome_token_hash"), ["welcome_token_hash"]
        )
        batch_op.create_index(batch_op.f("ix_users_school_id"), ["school_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_users_school_id_schools"), "schools", ["school_id"], ["id"]
        )
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role"), role_check((*ROLES, "school")))
        batch_op.create_check_constraint(
            op.f("ck_users_school_officer_has_school"),
            "(role = 'school') = (school_id IS NOT NULL)",
        )

    op.create_table(
        "attendance_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "session",
                "first_day_absence",
                "correction",
                name="notice_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column(
            "session",
            sa.Enum(
                "am",
                "pm",
                name="register_session",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("sent_to", sa.String(length=254), nullable=False),
        sa.Column("mail_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_by_id", sa.Integer(), nullable=True),
        sa.Column("lead_reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["mail_id"],
            ["outgoing_mail.id"],
            name=op.f("fk_attendance_notices_mail_id_outgoing_mail"),
        ),
        sa.ForeignKeyConstraint(
            ["read_by_id"], ["users.id"], name=op.f("fk_attendance_notices_read_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_attendance_notices_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_notices")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_attendance_notices_token_hash")),
    )
    with op.batch_alter_table("attendance_notices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attendance_notices_school_id"), ["school_id"], unique=False
        )
        batch_op.create_index(
            "uq_attendance_notices_one_per_session",
            ["school_id", "date", "session"],
            unique=True,
            sqlite_where=sa.text("kind = 'session'"),
            postgresql_where=sa.text("kind = 'session'"),
        )

    op.create_table(
        "attendance_notice_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=2), nullable=True),
        sa.Column("was_code", sa.String(length=2), nullable=True),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["attendance_notices.id"],
            name=op.f("fk_attendance_notice_lines_notice_id_attendance_notices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pupil_id"], ["pupils.id"], name=op.f("fk_attendance_notice_lines_pupil_id_pupils")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_notice_lines")),
    )
    with op.batch_alter_table("attendance_notice_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attendance_notice_lines_notice_id"), ["notice_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_attendance_notice_lines_pupil_id"), ["pupil_id"], unique=False
        )


def downgrade():
    op.drop_table("attendance_notice_lines")
    op.drop_table("attendance_notices")
    connection = op.get_bind()
    connection.execute(sa.text("DELETE FROM users WHERE role = 'school'"))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_school_officer_has_school"), type_="check")
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role"), role_check(ROLES))
        batch_op.drop_constraint(batch_op.f("fk_users_school_id_schools"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_users_school_id"))
        batch_op.drop_constraint(batch_op.f("uq_users_welcome_token_hash"), type_="unique")
        batch_op.drop_column("welcome_expires_at")
        batch_op.drop_column("welcome_token_hash")
        batch_op.drop_column("school_id")

    with op.batch_alter_table("pupils", schema=None) as batch_op:
        batch_op.add_column(sa.Column("school_on_roll", sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column("school_dsl_email", sa.String(length=254), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_pupils_school_on_roll"), ["school_on_roll"], unique=False
        )
    connection.execute(
        sa.text(
            "UPDATE pupils SET"
            " school_on_roll = (SELECT name FROM schools WHERE schools.id = pupils.school_id),"
            " school_dsl_email = (SELECT dsl_email FROM schools WHERE schools.id = pupils.school_id)"
        )
    )
    with op.batch_alter_table("pupils", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_pupils_school_id_schools"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_pupils_school_id"))
        batch_op.drop_column("school_id")

    op.drop_table("schools")
