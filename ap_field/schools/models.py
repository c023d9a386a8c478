import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.audit.models import declare_events
from ap_field.common.models import LabelledEnum, SyncedRecord, string_enum
from ap_field.extensions import db

declare_events(
    {
        "school.added": ("School added", {"school_id", "after"}),
        "school.updated": ("School updated", {"school_id", "before", "after"}),
    }
)


class Phase(LabelledEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    ALL_THROUGH = "all_through", "All-through"
    SPECIAL = "special", "Special school"
    ALTERNATIVE = "alternative", "Alternative provision or pupil referral unit"


class School(SyncedRecord, db.Model):
    """A school whose roll pupils stay on while they are taught in the community.

    A school carried over from the free-text "school on roll" of older records has only its
    name until a lead completes it; a school added since has its numbers and contacts.
    """

    __tablename__ = "schools"
    __table_args__ = (
        sa.CheckConstraint("length(urn) = 6", name="urn_six_digits"),
        sa.CheckConstraint("length(laestab) = 7", name="laestab_seven_digits"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(160), unique=True)
    urn: so.Mapped[str | None] = so.mapped_column(sa.String(6), unique=True)
    # The local authority's number and the school's own four digits: 8812345.
    laestab: so.Mapped[str | None] = so.mapped_column(sa.String(7), unique=True)
    local_authority: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    phase: so.Mapped[Phase | None] = so.mapped_column(string_enum(Phase, "school_phase"))
    # Told each session's attendance of the school's pupils.
    attendance_email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    # Told, without a name or content, when a safeguarding concern about a pupil is recorded.
    dsl_email: so.Mapped[str | None] = so.mapped_column(sa.String(254))

    def __repr__(self) -> str:
        return f"<School {self.name}>"

    @property
    def la_code(self) -> int | None:
        return int(self.laestab[:3]) if self.laestab else None

    @property
    def is_complete(self) -> bool:
        return bool(self.urn and self.laestab and self.attendance_email)
