from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.ext.hybrid import hybrid_property

from ap_field.auth.models import User
from ap_field.common.models import LabelledEnum, SyncedRecord, UTCDateTime, string_enum
from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.premises.models import Provider
from ap_field.pupils.school_age import is_of_compulsory_school_age
from ap_field.schools.models import School

CASELOAD_LIMIT = 5  # community learning programme: teachers hold "blocks of 5"
FULL_TIME_HOURS = 25  # Ofsted 2013: the central question is more or fewer than 25 hours
MAX_PLANNED_HOURS = 40


class PupilStatus(LabelledEnum):
    REFERRED = "referred"
    ASSESSING = "assessing"
    ACTIVE = "active"
    REINTEGRATING = "reintegrating"
    CLOSED = "closed"


class Gender(LabelledEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other", "Another gender"
    NOT_SAID = "not_said", "Prefer not to say"


class Ethnicity(LabelledEnum):
    """The DfE's main ethnicity categories, as collected in the school census."""

    WBRI = "WBRI", "White – British"
    WIRI = "WIRI", "White – Irish"
    WIRT = "WIRT", "White – Traveller of Irish heritage"
    WROM = "WROM", "White – Gypsy or Roma"
    WOTH = "WOTH", "White – any other White background"
    MWBC = "MWBC", "Mixed – White and Black Caribbean"
    MWBA = "MWBA", "Mixed – White and Black African"
    MWAS = "MWAS", "Mixed – White and Asian"
    MOTH = "MOTH", "Mixed – any other mixed background"
    AIND = "AIND", "Asian or Asian British – Indian"
    APKN = "APKN", "Asian or Asian British – Pakistani"
    ABAN = "ABAN", "Asian or Asian British – Bangladeshi"
    CHNE = "CHNE", "Asian or Asian British – Chinese"
    AOTH = "AOTH", "Asian or Asian British – any other Asian background"
    BCRB = "BCRB", "Black or Black British – Caribbean"
    BAFR = "BAFR", "Black or Black British – African"
    BOTH = "BOTH", "Black or Black British – any other Black background"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class SendStatus(LabelledEnum):
    NONE = "none", "No special educational needs"
    SEN_SUPPORT = "sen_support", "SEN support"
    EHC_PLAN = "ehc_plan", "EHC plan"


class ExclusionType(LabelledEnum):
    NONE = "none", "Not excluded"
    SUSPENSION = "suspension"
    PERMANENT = "permanent", "Permanent exclusion"


class ProvisionReason(LabelledEnum):
    PERMANENT_EXCLUSION = "permanent_exclusion"
    SUSPENSION = "suspension"
    MENTAL_HEALTH = "mental_health"
    EBSA = "ebsa", "Emotionally based school avoidance"
    MEDICAL = "medical", "Medical needs"
    CRIMINAL_EXPLOITATION = "criminal_exploitation", "Criminal exploitation concerns"
    AWAITING_PLACE = "awaiting_place", "Awaiting a school place"
    OTHER = "other"


class Destination(LabelledEnum):
    MAINSTREAM = "mainstream", "Mainstream school"
    REGISTERED_AP = "registered_ap", "Registered alternative provision"
    SPECIAL_SCHOOL = "special_school"
    FURTHER_EDUCATION = "further_education"
    TRAINING = "training", "Training or apprenticeship"
    EMPLOYMENT = "employment"
    NEET = "neet", "Not in education, employment or training (NEET)"
    MOVED_AWAY = "moved_away"
    OTHER = "other"


def academic_year_start(on: date) -> int:
    """The calendar year in which the academic year holding `on` began (1 September)."""
    return on.year if on.month >= 9 else on.year - 1


def national_curriculum_year(date_of_birth: date, on: date) -> int:
    """0 for Reception, which a child enters in the academic year in which they turn 5."""
    reception_starts = date_of_birth.year + (5 if date_of_birth.month >= 9 else 4)
    return academic_year_start(on) - reception_starts


def nc_year_label(year: int) -> str:
    if year == 0:
        return "Reception"
    if year < 0:
        return "Not yet in Reception"
    return f"Year {year}"


pupil_providers = sa.Table(
    "pupil_providers",
    db.metadata,
    sa.Column("pupil_id", sa.ForeignKey("pupils.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("provider_id", sa.ForeignKey("providers.id"), primary_key=True, index=True),
)


class Pupil(SyncedRecord, db.Model):
    """A child on a school roll who is taught in the community: the Annex B tracking record."""

    __tablename__ = "pupils"
    __table_args__ = (
        sa.CheckConstraint(
            f"planned_hours_per_week >= 0 AND planned_hours_per_week <= {MAX_PLANNED_HOURS}",
            name="planned_hours_range",
        ),
        sa.CheckConstraint(
            "attendance_before_percent IS NULL OR"
            " (attendance_before_percent >= 0 AND attendance_before_percent <= 100)",
            name="attendance_before_percent_range",
        ),
        sa.CheckConstraint(
            "(status = 'closed') = (closed_on IS NOT NULL)", name="closed_on_when_closed"
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_number: so.Mapped[str] = so.mapped_column(sa.String(20), unique=True)
    legal_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    preferred_name: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    date_of_birth: so.Mapped[date]
    gender: so.Mapped[Gender | None] = so.mapped_column(string_enum(Gender, "gender"))
    ethnicity: so.Mapped[Ethnicity | None] = so.mapped_column(string_enum(Ethnicity, "ethnicity"))
    upn: so.Mapped[str | None] = so.mapped_column(sa.String(13), unique=True)
    send_status: so.Mapped[SendStatus] = so.mapped_column(
        string_enum(SendStatus, "send_status"), default=SendStatus.NONE
    )
    looked_after: so.Mapped[bool] = so.mapped_column(default=False)
    free_school_meals: so.Mapped[bool] = so.mapped_column(default=False)
    locality_team: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    # Where the family lives, which a home visit's address is filled from, and how to reach
    # the parent or carer.
    home_address: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    parent_phone: so.Mapped[str | None] = so.mapped_column(sa.String(30))
    # The commissioning school: the pupil stays on its roll, and it keeps the legal register.
    school_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("schools.id"), index=True)
    commissioner: so.Mapped[str | None] = so.mapped_column(sa.String(160))
    exclusion_type: so.Mapped[ExclusionType] = so.mapped_column(
        string_enum(ExclusionType, "exclusion_type"), default=ExclusionType.NONE
    )
    reasons: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    reason_other: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    provision_start_date: so.Mapped[date | None]
    planned_end_date: so.Mapped[date | None]
    planned_hours_per_week: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(3, 1))
    # The school's figure for the pupil's attendance before the placement, as the case
    # studies report it ("attendance at his previous school had dropped to 25%").
    attendance_before_percent: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(4, 1))
    review_date: so.Mapped[date | None] = so.mapped_column(index=True)
    action_to_be_taken: so.Mapped[str | None] = so.mapped_column(sa.Text)
    status: so.Mapped[PupilStatus] = so.mapped_column(
        string_enum(PupilStatus, "pupil_status"), default=PupilStatus.REFERRED, index=True
    )
    destination: so.Mapped[Destination | None] = so.mapped_column(
        string_enum(Destination, "destination")
    )
    # The London day the placement closed, which the retention period runs from; set and
    # cleared with the status (`_closed_on_follows_status`).
    closed_on: so.Mapped[date | None]
    # When the tick anonymised the record, its retention period over (ap_field/retention).
    anonymised_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    providers: so.Mapped[list[Provider]] = so.relationship(
        secondary=pupil_providers, order_by=Provider.name
    )
    school: so.Mapped[School | None] = so.relationship()
    # Annex B's "school on roll", loaded with the pupil so that a list of pupils reads it
    # without a query each.
    school_on_roll: so.Mapped[str | None] = so.column_property(
        sa.select(School.name)
        .where(School.id == school_id)
        .correlate_except(School)
        .scalar_subquery()
    )

    def __repr__(self) -> str:
        return f"<Pupil {self.case_number}>"

    @so.validates("status")
    def _closed_on_follows_status(self, _key: str, status: PupilStatus) -> PupilStatus:
        """Closing a placement notes the day, unless it was given; reopening clears it."""
        if status != PupilStatus.CLOSED:
            self.closed_on = None
        elif self.status != PupilStatus.CLOSED:
            self.closed_on = self.closed_on or london_today()
        return status

    @hybrid_property
    def display_name(self) -> str:
        return self.preferred_name or self.legal_name

    @display_name.inplace.expression
    @classmethod
    def _display_name_expression(cls) -> sa.ColumnElement[str]:
        return sa.func.coalesce(cls.preferred_name, cls.legal_name)

    def nc_year(self, on: date) -> int:
        return national_curriculum_year(self.date_of_birth, on)

    def is_compulsory_school_age(self, on: date) -> bool:
        return is_of_compulsory_school_age(self.date_of_birth, on)

    @property
    def reason_labels(self) -> list[str]:
        labels = [ProvisionReason(reason).label for reason in self.reasons]
        if ProvisionReason.OTHER in self.reasons and self.reason_other:
            labels[self.reasons.index(ProvisionReason.OTHER)] = f"Other: {self.reason_other}"
        return labels

    def is_under_full_time(self) -> bool:
        return (
            self.planned_hours_per_week is not None
            and self.planned_hours_per_week < FULL_TIME_HOURS
        )

    def is_review_overdue(self, today: date) -> bool:
        return self.review_date is not None and self.review_date < today


class CaseloadAssignment(SyncedRecord, db.Model):
    """A community teacher holding a pupil from one date until another (or until now).

    An open assignment takes one of the teacher's five numbered slots, and an open
    slot is unique per teacher, so the database itself refuses a sixth pupil, even
    when two leads assign at the same moment.
    """

    __tablename__ = "caseload_assignments"
    __table_args__ = (
        sa.CheckConstraint(f"slot >= 1 AND slot <= {CASELOAD_LIMIT}", name="slot_range"),
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ends_after_start"),
        sa.Index(
            "uq_caseload_assignments_open_per_pupil",
            "pupil_id",
            unique=True,
            sqlite_where=sa.text("ended_on IS NULL"),
            postgresql_where=sa.text("ended_on IS NULL"),
        ),
        sa.Index(
            "uq_caseload_assignments_open_slot",
            "teacher_id",
            "slot",
            unique=True,
            sqlite_where=sa.text("ended_on IS NULL"),
            postgresql_where=sa.text("ended_on IS NULL"),
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    pupil_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pupils.id"), index=True)
    teacher_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    slot: so.Mapped[int]
    assigned_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    started_on: so.Mapped[date]
    ended_on: so.Mapped[date | None]

    pupil: so.Mapped[Pupil] = so.relationship()
    teacher: so.Mapped[User] = so.relationship(foreign_keys=[teacher_id])
    assigned_by: so.Mapped[User | None] = so.relationship(foreign_keys=[assigned_by_id])
