from wtforms import (
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import TextInput

from ap_field.assessments.models import (
    MEASURES,
    READING_AGE_MAX_YEARS,
    READING_AGE_MIN_YEARS,
    SCALE_MAX,
    SCALE_MIN,
    SCORE_MAX,
    SCORE_MIN,
    FocusArea,
    WorkingLevel,
)
from ap_field.common.forms import (
    CheckboxesField,
    DateField,
    NotInTheFuture,
    SyncedForm,
    choices,
)
from ap_field.common.time import london_today
from ap_field.pupils.models import ProvisionReason

NUMBER_INPUT = {"inputmode": "numeric", "autocomplete": "off"}


def whole_number(label: str, description: str, low: int, high: int, message: str):
    """An optional whole number typed on a phone's number pad, kept within a range."""
    return IntegerField(
        label,
        description=description,
        widget=TextInput(),
        invalid_value_message=f"{message} must be a whole number, like {(low + high) // 2}",
        validators=[Optional(), NumberRange(low, high, f"{message} must be from {low} to {high}")],
        render_kw=NUMBER_INPUT,
    )


def score(subject: str):
    return whole_number(
        f"{subject} score",
        f"As a percentage, from {SCORE_MIN} to {SCORE_MAX}. Leave blank if no test was done.",
        SCORE_MIN,
        SCORE_MAX,
        f"The {subject.lower()} score",
    )


def level(subject: str):
    message = f"Choose the level the pupil is working at in {subject.lower()}"
    return SelectField(
        f"{subject} working level",
        description="Key Stage for school work, or the Functional Skills level",
        choices=choices(WorkingLevel, blank="Choose a level"),
        invalid_choice_message=message,
        validators=[DataRequired(message)],
    )


def scale(name: str, description: str, low: str, high: str):
    message = f"Choose how the pupil rates their {name}, from {SCALE_MIN} to {SCALE_MAX}"
    return RadioField(
        MEASURES[name][0],
        description=description,
        coerce=int,
        choices=[
            SelectChoice(SCALE_MIN, f"{SCALE_MIN} ({low})"),
            *(SelectChoice(number, str(number)) for number in range(SCALE_MIN + 1, SCALE_MAX)),
            SelectChoice(SCALE_MAX, f"{SCALE_MAX} ({high})"),
        ],
        invalid_value_message=message,
        invalid_choice_message=message,
        validators=[InputRequired(message)],
    )


class AssessmentForm(SyncedForm):
    """An initial assessment, filled in with the pupil, often at home and on a phone."""

    assessed_on = DateField(
        "Date of the assessment",
        default=london_today,
        validators=[
            InputRequired("Enter the date of the assessment"),
            NotInTheFuture("The date of the assessment must be today or in the past"),
        ],
    )
    literacy_level = level("Literacy")
    literacy_score = score("Literacy")
    numeracy_level = level("Numeracy")
    numeracy_score = score("Numeracy")
    reading_age_years = whole_number(
        "Reading age: years",
        "Leave blank if reading age was not assessed",
        READING_AGE_MIN_YEARS,
        READING_AGE_MAX_YEARS,
        "Reading age in years",
    )
    reading_age_months = whole_number(
        "Reading age: months", "From 0 to 11", 0, 11, "Reading age months"
    )
    wellbeing = scale("wellbeing", "How good the pupil feels day to day. 5 is high.", "low", "high")
    resilience = scale(
        "resilience", "How well the pupil copes when things go wrong. 5 is high.", "low", "high"
    )
    confidence = scale(
        "confidence", "How sure the pupil is of themselves. 5 is high.", "low", "high"
    )
    anxiety = scale(
        "anxiety",
        "How anxious the pupil feels. 5 is high: a higher number means more anxious.",
        "calm",
        "very anxious",
    )
    barriers = CheckboxesField(
        "Barriers to attending",
        description="Choose all that apply",
        choices=choices(ProvisionReason),
        validators=[Optional()],
    )
    barrier_other = StringField(
        "Other barrier", description="If you chose Other", validators=[Length(max=200)]
    )
    barrier_notes = TextAreaField(
        "More about the barriers",
        description="What the pupil and family said",
        validators=[Optional(), Length(max=4000)],
    )
    interests_and_strengths = TextAreaField(
        "Interests and strengths", validators=[Optional(), Length(max=4000)]
    )
    communication_and_send_needs = TextAreaField(
        "Communication and SEND needs",
        description="How the pupil communicates best, and any special educational needs",
        validators=[Optional(), Length(max=4000)],
    )
    focus_areas = CheckboxesField(
        "Recommended focus areas",
        description="Choose all that apply",
        choices=choices(FocusArea),
        validators=[DataRequired("Choose at least one area for the plan to focus on")],
    )
    focus_other = StringField(
        "Other focus area", description="If you chose Other", validators=[Length(max=200)]
    )

    def validate(self, extra_validators=None) -> bool:
        """Months without years is checked here: Optional() ends a blank field's own checks."""
        valid = super().validate(extra_validators)
        years, months = self.reading_age_years, self.reading_age_months
        if years.data is None and not years.errors and months.data is not None:
            years.errors.append("Enter the reading age in years as well as months")
            return False
        return valid

    def validate_barrier_other(self, field) -> None:
        if ProvisionReason.OTHER in (self.barriers.data or []) and not field.data:
            raise ValidationError("Describe the other barrier to attending")

    def validate_focus_other(self, field) -> None:
        if FocusArea.OTHER in (self.focus_areas.data or []) and not field.data:
            raise ValidationError("Describe the other focus area")

    def values(self) -> dict:
        """The assessment's new values, ready for the model."""
        barriers = self.barriers.data or []
        focus_areas = self.focus_areas.data or []
        values = {
            name: getattr(self, name).data
            for name in (
                "assessed_on",
                "literacy_score",
                "numeracy_score",
                "reading_age_years",
                "reading_age_months",
                *MEASURES,
            )
        }
        values |= {
            name: getattr(self, name).data or None
            for name in ("barrier_notes", "interests_and_strengths", "communication_and_send_needs")
        }
        values |= {
            "literacy_level": WorkingLevel(self.literacy_level.data),
            "numeracy_level": WorkingLevel(self.numeracy_level.data),
            "barriers": [reason.value for reason in ProvisionReason if reason.value in barriers],
            "barrier_other": self.barrier_other.data if ProvisionReason.OTHER in barriers else None,
            "focus_areas": [area.value for area in FocusArea if area.value in focus_areas],
            "focus_other": self.focus_other.data if FocusArea.OTHER in focus_areas else None,
        }
        return values
