from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.audit.models import declare_events
from ap_field.auth.models import User
from ap_field.common.models import LabelledEnum, SyncedRecord, string_enum
from ap_field.extensions import db
from ap_field.pupils.models import ProvisionReason, Pupil

SCALE_MIN, SCALE_MAX = 1, 5
SCORE_MIN, SCORE_MAX = 0, 100  # scores are kept as percentages, as the case studies report them
# Reading tests report ages from about 5 to 16; the range leaves room either side.
READING_AGE_MIN_YEARS, READING_AGE_MAX_YEARS = 4, 18

declare_events(
    {
        "assessment.created": ("Assessment recorded", {"assessment_id", "after"}),
        "assessment.updated": ("Assessment updated", {"assessment_id", "before", "after"}),
    }
)


class WorkingLevel(LabelledEnum):
    """Where a pupil is working: National Curriculum key stages for school-age work, then
    the Functional Skills levels that plans set targets in ("L1 Functional Skills English")."""

    PRE_KEY_STAGE = "pre_key_stage", "Pre-Key Stage (working below Key Stage 1)"
    KS1 = "ks1", "Key Stage 1"
    KS2 = "ks2", "Key Stage 2"
    KS3 = "ks3", "Key Stage 3"
    KS4 = "ks4", "Key Stage 4"
    ENTRY_1 = "entry_1", "Entry Level 1"
    ENTRY_2 = "entry_2", "Entry Level 2"
    ENTRY_3 = "entry_3", "Entry Level 3"
    LEVEL_1 = "level_1", "Level 1"
    LEVEL_2 = "level_2", "Level 2"


class FocusArea(LabelledEnum):
    """What the plan should work on first: the programme's wellbeing, resilience and good
    mental health, and the academic subjects."""

    WELLBEING = "wellbeing", "Emotional wellbeing"
    RESILIENCE = "resilience"
    MENTAL_HEALTH = "mental_health", "Good mental health"
    ENGLISH = "english", "English"
    MATHS = "maths"
    SCIENCE = "science"
    OTHER = "other"


# The social, emotional and mental health measures, each rated 1 to 5, and whether a higher
# rating is the better one (more anxiety is not).
MEASURES = {
    "wellbeing": ("Wellbeing", True),
    "resilience": ("Resilience", True),
    "confidence": ("Confidence", True),
    "anxiety": ("Anxiety", False),
}


def _scale_check(name: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(
        f"{name} >= {SCALE_MIN} AND {name} <= {SCALE_MAX}", name=f"{name}_range"
    )


def _score_check(name: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(
        f"{name} IS NULL OR ({name} >= {SCORE_MIN} AND {name} <= {SCORE_MAX})",
        name=f"{name}_range",
    )


class Assessment(SyncedRecord, db.Model):
    """An initial assessment of a pupil. The earliest one is the baseline that later
    assessments, and the progress the programme reports, are measured from."""

    __tablename__ = "assessments"
    __table_args__ = (
        *(_scale_check(name) for name in MEASURES),
        _score_check("literacy_score"),
        _score_check("numeracy_score"),
        sa.CheckConstraint(
            f"reading_age_years IS NULL OR (reading_age_years >= {READING_AGE_MIN_YEARS}"
            f" AND reading_age_years <= {READING_AGE_MAX_YEARS})",
            name="reading_age_years_range",
        ),
        sa.CheckConstraint(
            "reading_age_months IS NULL OR (reading_age_years IS NOT NULL"
            " AND reading_age_months >= 0 AND reading_age_months <= 11)",
            name="reading_age_months_range",
        ),
        sa.Index("ix_assessments_pupil_id_assessed_on", "pupil_id", "assessed_on"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    pupil_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pupils.id"))
    assessor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    assessed_on: so.Mapped[date]
    literacy_level: so.Mapped[WorkingLevel] = so.mapped_column(
        string_enum(WorkingLevel, "literacy_level")
    )
    literacy_score: so.Mapped[int | None]
    numeracy_level: so.Mapped[WorkingLevel] = so.mapped_column(
        string_enum(WorkingLevel, "numeracy_level")
    )
    numeracy_score: so.Mapped[int | None]
    reading_age_years: so.Mapped[int | None]
    reading_age_months: so.Mapped[int | None]
    wellbeing: so.Mapped[int]
    resilience: so.Mapped[int]
    confidence: so.Mapped[int]
    anxiety: so.Mapped[int]
    barriers: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    barrier_other: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    barrier_notes: so.Mapped[str | None] = so.mapped_column(sa.Text)
    interests_and_strengths: so.Mapped[str | None] = so.mapped_column(sa.Text)
    communication_and_send_needs: so.Mapped[str | None] = so.mapped_column(sa.Text)
    focus_areas: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    focus_other: so.Mapped[str | None] = so.mapped_column(sa.String(200))

    pupil: so.Mapped[Pupil] = so.relationship()
    assessor: so.Mapped[User] = so.relationship()

    def __repr__(self) -> str:
        return f"<Assessment {self.id} of pupil {self.pupil_id}>"

    @property
    def reading_age(self) -> str | None:
        """'9 years 6 months', as reading tests report it."""
        if self.reading_age_years is None:
            return None
        months = self.reading_age_months or 0
        return f"{self.reading_age_years} years {months} month{'' if months == 1 else 's'}"

    @property
    def barrier_labels(self) -> list[str]:
        return _labels(ProvisionReason, self.barriers, self.barrier_other)

    @property
    def focus_labels(self) -> list[str]:
        return _labels(FocusArea, self.focus_areas, self.focus_other)


def _labels(choices: type[LabelledEnum], values: list[str], other: str | None) -> list[str]:
    """Each chosen value's label, with "Other" spelt out by its text."""
    return [
        f"Other: {other}" if value == "other" and other else choices(value).label
        for value in values
    ]
