"""Term calendars: each local authority's holidays, half terms and INSET days, and each
school's differences from them

Weekends and England's bank holidays are not stored: they come from the calendar and the
`holidays` package. Going down, the calendars and their events are dropped.

Revision ID: 0023_term_calendars
Revises: 0022_schools
Create Date: 2026-12-05 12:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0023_term_calendars"
down_revision = "0022_schools"
branch_labels = None
depends_on = None

KINDS = ("holiday", "half_term", "inset_day", "closure", "open")


def upgrade():
    op.create_table(
        "term_calendars",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("client_uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "length(la_code) = 3", name=op.f("ck_term_calendars_la_code_three_digits")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_term_calendars")),
        sa.UniqueConstraint("client_uuid", name=op.f("uq_term_calendars_client_uuid")),
        sa.UniqueConstraint("la_code", name=op.f("uq_term_calendars_la_code")),
    )
    op.create_table(
        "calendar_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("calendar_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                *KINDS,
                name="calendar_event_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("description", sa.String(length=120), nullable=False),
        sa.Column("client_uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "first_day <= last_day", name=op.f("ck_calendar_events_first_day_not_after_last")
        ),
        sa.CheckConstraint(
            "kind <> 'open' OR school_id IS NOT NULL",
            name=op.f("ck_calendar_events_open_for_one_school"),
        ),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["term_calendars.id"],
            name=op.f("fk_calendar_events_calendar_id_term_calendars"),
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_calendar_events_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_events")),
        sa.UniqueConstraint("client_uuid", name=op.f("uq_calendar_events_client_uuid")),
    )
    with op.batch_alter_table("calendar_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calendar_events_calendar_id"), ["calendar_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_calendar_events_school_id"), ["school_id"], unique=False
        )
        batch_op.create_index(
            "ix_calendar_events_last_day_first_day", ["last_day", "first_day"], unique=False
        )


def downgrade():
    op.drop_table("calendar_events")
    op.drop_table("term_calendars")
