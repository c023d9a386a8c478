"""The safeguarding flags of home visits and session notes become safeguarding concerns,
linked to the visit or note they were raised at; the flags' columns and visit addenda go

Each flagged visit becomes a concern recorded by its visitor, with its observations as what
was seen or heard and each addendum as an addition; seen by a lead becomes seen. Each flagged
note becomes a concern recorded by its teacher. Nothing is lost: downgrading copies the
concerns linked to a visit or note back into the flags.

Revision ID: 0017_flags_become_concerns
Revises: 0016_safeguarding_concerns
Create Date: 2026-12-05 01:20:00

"""
import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_flags_become_concerns'
down_revision = '0016_safeguarding_concerns'
branch_labels = None
depends_on = None

LONDON = ZoneInfo("Europe/London")
BEFORE_CATEGORIES = "Recorded before concerns had categories"
NOT_ASKED = "Not asked when this was recorded"
WHEN = sa.DateTime(timezone=True)

home_visits = sa.table(
    "home_visits",
    sa.column("id", sa.Integer), sa.column("pupil_id", sa.Integer),
    sa.column("teacher_id", sa.Integer), sa.column("starts_at", WHEN),
    sa.column("address", sa.String), sa.column("safeguarding_concern", sa.Boolean),
    sa.column("safeguarding_details", sa.Text), sa.column("seen_by_lead_at", WHEN),
    sa.column("seen_by_id", sa.Integer), sa.column("created_at", WHEN),
)
visit_addenda = sa.table(
    "visit_addenda",
    sa.column("id", sa.Integer), sa.column("visit_id", sa.Integer),
    sa.column("author_id", sa.Integer), sa.column("text", sa.Text),
    sa.column("client_uuid", sa.Uuid), sa.column("version", sa.Integer),
    sa.column("created_at", WHEN), sa.column("updated_at", WHEN),
)
session_notes = sa.table(
    "session_notes",
    sa.column("id", sa.Integer), sa.column("pupil_id", sa.Integer),
    sa.column("teacher_id", sa.Integer), sa.column("held_on", sa.Date),
    sa.column("place", sa.String), sa.column("safeguarding_concern", sa.Boolean),
    sa.column("safeguarding_details", sa.Text), sa.column("submitted_at", WHEN),
)
concerns = sa.table(
    "concerns",
    sa.column("id", sa.Integer), sa.column("pupil_id", sa.Integer),
    sa.column("recorded_by_id", sa.Integer), sa.column("recorded_at", WHEN),
    sa.column("happened_on", sa.Date), sa.column("place", sa.String),
    sa.column("categories", sa.JSON), sa.column("category_other", sa.String),
    sa.column("immediate_danger", sa.Boolean), sa.column("what_happened", sa.Text),
    sa.column("action_taken", sa.Text), sa.column("body_marks", sa.JSON),
    sa.column("after_placement_ended", sa.Boolean), sa.column("visit_id", sa.Integer),
    sa.column("note_id", sa.Integer), sa.column("status", sa.String),
    sa.column("seen_at", WHEN), sa.column("seen_by_id", sa.Integer),
    sa.column("unseen_reminded_at", WHEN), sa.column("client_uuid", sa.Uuid),
    sa.column("version", sa.Integer), sa.column("created_at", WHEN),
    sa.column("updated_at", WHEN),
)
concern_addenda = sa.table(
    "concern_addenda",
    sa.column("id", sa.Integer), sa.column("concern_id", sa.Integer),
    sa.column("author_id", sa.Integer), sa.column("text", sa.Text),
    sa.column("client_uuid", sa.Uuid), sa.column("version", sa.Integer),
    sa.column("created_at", WHEN), sa.column("updated_at", WHEN),
)  # fmt: skip


def _utc(moment: datetime | None) -> datetime | None:
    """SQLite gives back UTC without its zone."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _stored(moment: datetime | None) -> datetime | None:
    """As the app's UTCDateTime stores a moment: SQLite keeps UTC without the zone."""
    if moment is None or op.get_bind().dialect.name != "sqlite":
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _synced(moment: datetime) -> dict:
    return {
        "client_uuid": uuid.uuid4(),
        "version": 1,
        "created_at": _stored(moment),
        "updated_at": _stored(datetime.now(UTC)),
    }


def _concern(recorded_by: int, recorded_at: datetime, **values) -> int:
    now = datetime.now(UTC)
    row = {
        "recorded_by_id": recorded_by,
        "recorded_at": _stored(recorded_at),
        "categories": ["other"],
        "category_other": BEFORE_CATEGORIES,
        "immediate_danger": False,
        "action_taken": NOT_ASKED,
        "body_marks": [],
        "after_placement_ended": False,
        "unseen_reminded_at": _stored(now),
        **_synced(recorded_at),
        **values,
    }
    return op.get_bind().execute(concerns.insert().values(row).returning(concerns.c.id)).scalar_one()


def _visits_become_concerns(bind) -> None:
    flagged = bind.execute(
        sa.select(home_visits).where(home_visits.c.safeguarding_concern).order_by(home_visits.c.id)
    ).mappings().all()
    for visit in flagged:
        seen_at = _utc(visit["seen_by_lead_at"])
        concern_id = _concern(
            visit["teacher_id"],
            _utc(visit["created_at"]),
            pupil_id=visit["pupil_id"],
            happened_on=_utc(visit["starts_at"]).astimezone(LONDON).date(),
            place=visit["address"][:200],
            what_happened=visit["safeguarding_details"] or NOT_ASKED,
            visit_id=visit["id"],
            status="seen" if seen_at else "new",
            seen_at=_stored(seen_at),
            seen_by_id=visit["seen_by_id"] if seen_at else None,
        )
        addenda = bind.execute(
            sa.select(visit_addenda)
            .where(visit_addenda.c.visit_id == visit["id"])
            .order_by(visit_addenda.c.id)
        ).mappings().all()
        for addendum in addenda:
            bind.execute(
                concern_addenda.insert().values(
                    concern_id=concern_id,
                    author_id=addendum["author_id"],
                    text=addendum["text"],
                    **_synced(_utc(addendum["created_at"])),
                )
            )


def _notes_become_concerns(bind) -> None:
    flagged = bind.execute(
        sa.select(session_notes)
        .where(session_notes.c.safeguarding_concern)
        .order_by(session_notes.c.id)
    ).mappings().all()
    for note in flagged:
        _concern(
            note["teacher_id"],
            _utc(note["submitted_at"]),
            pupil_id=note["pupil_id"],
            happened_on=note["held_on"],
            place=note["place"][:200],
            what_happened=note["safeguarding_details"] or NOT_ASKED,
            note_id=note["id"],
            status="new",
            seen_at=None,
            seen_by_id=None,
        )


def upgrade():
    bind = op.get_bind()
    _visits_become_concerns(bind)
    _notes_become_concerns(bind)

    op.drop_index("ix_home_visits_safeguarding_concern_seen_by_lead_at", table_name="home_visits")
    op.drop_index("ix_session_notes_safeguarding_concern_held_on", table_name="session_notes")
    with op.batch_alter_table('visit_addenda', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_addenda_visit_id'))
    op.drop_table('visit_addenda')
    with op.batch_alter_table('home_visits', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_home_visits_concern_has_details'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_home_visits_seen_only_if_concern'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_home_visits_seen_by_id_users'), type_='foreignkey')
        batch_op.drop_column('seen_by_id')
        batch_op.drop_column('seen_by_lead_at')
        batch_op.drop_column('safeguarding_details')
        batch_op.drop_column('safeguarding_concern')
    with op.batch_alter_table('session_notes', schema=None) as batch_op:
        batch_op.drop_column('safeguarding_details')
        batch_op.drop_column('safeguarding_concern')


def _details(bind, concern: dict) -> str:
    """What was recorded, with each addition after it, as the old flags held them."""
    addenda = bind.execute(
        sa.select(concern_addenda.c.text)
        .where(concern_addenda.c.concern_id == concern["id"])
        .order_by(concern_addenda.c.id)
    ).scalars().all()
    return "\n\n".join([concern["what_happened"], *addenda])


def downgrade():
    with op.batch_alter_table('session_notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('safeguarding_concern', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('safeguarding_details', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('home_visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('safeguarding_concern', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('safeguarding_details', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('seen_by_lead_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('seen_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_home_visits_seen_by_id_users'), 'users', ['seen_by_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_home_visits_concern_has_details'), 'NOT safeguarding_concern OR safeguarding_details IS NOT NULL')
        batch_op.create_check_constraint(batch_op.f('ck_home_visits_seen_only_if_concern'), 'seen_by_lead_at IS NULL OR safeguarding_concern')
    op.create_table('visit_addenda',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_visit_addenda_author_id_users')),
    sa.ForeignKeyConstraint(['visit_id'], ['home_visits.id'], name=op.f('fk_visit_addenda_visit_id_home_visits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_addenda')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_visit_addenda_client_uuid'))
    )
    with op.batch_alter_table('visit_addenda', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_addenda_visit_id'), ['visit_id'], unique=False)
    op.create_index("ix_session_notes_safeguarding_concern_held_on", "session_notes", ["safeguarding_concern", "held_on"], unique=False)
    op.create_index("ix_home_visits_safeguarding_concern_seen_by_lead_at", "home_visits", ["safeguarding_concern", "seen_by_lead_at"], unique=False)

    bind = op.get_bind()
    linked = bind.execute(
        sa.select(concerns).where(sa.or_(concerns.c.visit_id.is_not(None), concerns.c.note_id.is_not(None)))
    ).mappings().all()
    for concern in linked:
        details = _details(bind, concern)
        if concern["visit_id"] is not None:
            bind.execute(
                home_visits.update()
                .where(home_visits.c.id == concern["visit_id"])
                .values(
                    safeguarding_concern=True,
                    safeguarding_details=details,
                    seen_by_lead_at=concern["seen_at"],
                    seen_by_id=concern["seen_by_id"],
                )
            )
        else:
            bind.execute(
                session_notes.update()
                .where(session_notes.c.id == concern["note_id"])
                .values(safeguarding_concern=True, safeguarding_details=details)
            )
