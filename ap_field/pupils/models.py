import enum
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.ext.hybrid import hybrid_property

from ap_field.auth.models import User
from ap_field.common.models import SyncedRecord, string_enum
from ap_field.extensions import db

CASELOAD_LIMIT = 5  # community learning programme: teachers hold "blocks of 5"


class PupilStatus(enum.StrEnum):
    REFERRED = "referred"
    ASSESSING = "assessing"
    ACTIVE = "active"
    REINTEGRATING = "reintegrating"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Pupil(SyncedRecord, db.Model):
    """A child on a school roll who is taught in the community."""

    __tablename__ = "pupils"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_number: so.Mapped[str] = so.mapped_column(sa.String(20), unique=True)
    legal_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    preferred_name: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    date_of_birth: so.Mapped[date]
    upn: so.Mapped[str | None] = so.mapped_column(sa.String(13), unique=True)
    status: so.Mapped[PupilStatus] = so.mapped_column(
        string_enum(PupilStatus, "pupil_status"), default=PupilStatus.REFERRED
    )

    def __repr__(self) -> str:
        return f"<Pupil {self.case_number}>"

    @hybrid_property
    def display_name(self) -> str:
        return self.preferred_name or self.legal_name

    @display_name.inplace.expression
    @classmethod
    def _display_name_expression(cls) -> sa.ColumnElement[str]:
        return sa.func.coalesce(cls.preferred_name, cls.legal_name)


class CaseloadAssignment(SyncedRecord, db.Model):
    """A community teacher holding a pupil from one date until another (or until now)."""

    __tablename__ = "caseload_assignments"
    __table_args__ = (
        sa.Index(
            "uq_caseload_assignments_open_per_pupil",
            "pupil_id",
            unique=True,
            sqlite_where=sa.text("ended_on IS NULL"),
            postgresql_where=sa.text("ended_on IS NULL"),
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    pupil_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pupils.id"), index=True)
    teacher_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    assigned_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    started_on: so.Mapped[date]
    ended_on: so.Mapped[date | None]

    pupil: so.Mapped[Pupil] = so.relationship()
    teacher: so.Mapped[User] = so.relationship(foreign_keys=[teacher_id])
