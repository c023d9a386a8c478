import re

import sqlalchemy as sa
from stdnum.gb import upn as upn_number
from wtforms import (
    BooleanField,
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

from ap_field.common.forms import (
    BaseForm,
    CheckboxesField,
    DateField,
    DecimalField,
    SyncedForm,
    choices,
)
from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.premises.models import Provider
from ap_field.premises.queries import stopped_providers
from ap_field.pupils.la_codes import LA_CODES
from ap_field.pupils.models import (
    CASELOAD_LIMIT,
    MAX_PLANNED_HOURS,
    Destination,
    Ethnicity,
    ExclusionType,
    Gender,
    ProvisionReason,
    Pupil,
    PupilStatus,
    SendStatus,
)
from ap_field.schools.models import School

UPN_LENGTH = 13
# A phone number as people write it: digits, spaces and brackets, perhaps a leading +.
PHONE = re.compile(r"\+?[0-9 ()]{10,20}")
UPN_WRONG_LENGTH = "UPN must be 13 characters, like A123456789012"
UPN_WRONG_SHAPE = "UPN must be a letter, then 11 digits, then a digit or a letter"
UPN_WRONG_CHECK = "The UPN's check letter does not match: copy it again from the school record"


def upn_problem(value: str) -> str | None:
    """What is wrong with a UPN: its shape, its local authority (from LA_CODES, not
    python-stdnum's older list) or its check letter, which python-stdnum works out."""
    number = upn_number.compact(value)
    if len(number) != UPN_LENGTH:
        return UPN_WRONG_LENGTH
    digits, last = number[1:-1], number[-1]
    if not (digits.isascii() and digits.isdigit() and last.isascii() and last.isalnum()):
        return UPN_WRONG_SHAPE
    if int(number[1:4]) not in LA_CODES:
        return (
            f"{number[1:4]}, the UPN's local authority number (characters 2 to 4), is not an"
            " English local authority's"
        )
    if upn_number.calc_check_digit(number[1:]) != number[0]:
        return UPN_WRONG_CHECK
    return None


class PupilForm(SyncedForm):
    """The tracking record: Annex B's fields and the Ofsted data request's."""

    legal_name = StringField(
        "Legal name", validators=[DataRequired("Enter the pupil's legal name"), Length(max=120)]
    )
    preferred_name = StringField(
        "Preferred name",
        description="The name the pupil likes to be called, if different",
        validators=[Optional(), Length(max=120)],
    )
    date_of_birth = DateField(
        "Date of birth", validators=[InputRequired("Enter the date of birth")]
    )
    gender = RadioField(
        "Gender", choices=choices(Gender), validators=[InputRequired("Choose a gender")]
    )
    ethnicity = SelectField(
        "Ethnicity",
        choices=choices(Ethnicity, blank="Choose ethnicity"),
        validators=[DataRequired("Choose an ethnicity, or 'Information not yet obtained'")],
    )
    case_number = StringField(
        "Case number",
        validators=[DataRequired("Enter the case number"), Length(max=20)],
        render_kw={"autocomplete": "off"},
    )
    upn = StringField(
        "Unique Pupil Number (UPN)",
        description="13 characters, from the school on roll. Leave blank if not known yet.",
        validators=[Optional()],
        filters=[lambda value: value.upper().replace(" ", "") if value else value],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )
    school_id = SelectField(
        "School on roll",
        description="The commissioning school, which keeps the legal register. A school not in"
        " the list is added under Schools.",
        coerce=int,
        validators=[DataRequired("Choose the school the pupil is on the roll of")],
    )
    commissioner = StringField(
        "Commissioning school or local authority", validators=[Optional(), Length(max=160)]
    )
    locality_team = StringField(
        "Locality team responsible", validators=[Optional(), Length(max=120)]
    )
    home_address = TextAreaField(
        "Home address",
        description="Where the family lives: a home visit's address starts as this",
        validators=[Optional(), Length(max=300)],
        render_kw={"autocomplete": "off", "rows": 3},
    )
    parent_phone = StringField(
        "Parent or carer's phone",
        validators=[Optional(), Length(max=30)],
        render_kw={"autocomplete": "off", "type": "tel", "inputmode": "tel"},
    )
    send_status = RadioField(
        "Special educational needs (SEND)",
        choices=choices(SendStatus),
        default=SendStatus.NONE.value,
        validators=[InputRequired("Choose the SEND status")],
    )
    looked_after = BooleanField("Looked-after child")
    free_school_meals = BooleanField("Eligible for free school meals")
    exclusion_type = RadioField(
        "Exclusion",
        choices=choices(ExclusionType),
        default=ExclusionType.NONE.value,
        validators=[InputRequired("Choose whether the pupil has been excluded")],
    )
    reasons = CheckboxesField(
        "Reasons for the provision",
        description="Choose all that apply",
        choices=choices(ProvisionReason),
        validators=[DataRequired("Choose at least one reason for the provision")],
    )
    reason_other = StringField(
        "Other reason", description="If you chose Other", validators=[Length(max=200)]
    )
    provider_ids = CheckboxesField("Providers", coerce=int, choices=[], validators=[Optional()])
    placement_override = TextAreaField(
        "Why place the pupil there all the same",
        description="Your reason is kept in the pupil's audit trail",
        validators=[Length(max=2000)],
    )
    provision_start_date = DateField("Provision start date", validators=[Optional()])
    planned_end_date = DateField("Planned end date", validators=[Optional()])
    attendance_before_percent = DecimalField(
        "Attendance before the placement (%)",
        places=1,
        description="The school's figure before the placement, the baseline for attendance",
        validators=[
            Optional(),
            NumberRange(0, 100, "Attendance before the placement must be between 0 and 100"),
        ],
        render_kw={"inputmode": "decimal"},
    )
    planned_hours_per_week = DecimalField(
        "Planned hours per week",
        places=1,
        description="Full-time is 25 hours a week",
        validators=[
            Optional(),
            NumberRange(
                0, MAX_PLANNED_HOURS, f"Planned hours must be between 0 and {MAX_PLANNED_HOURS}"
            ),
        ],
        render_kw={"inputmode": "decimal"},
    )
    review_date = DateField("Review date", validators=[Optional()])
    action_to_be_taken = TextAreaField(
        "Action to be taken, and by whom", validators=[Optional(), Length(max=2000)]
    )
    status = RadioField(
        "Status",
        choices=choices(PupilStatus),
        default=PupilStatus.REFERRED.value,
        validators=[InputRequired("Choose a status")],
    )
    destination = SelectField(
        "Destination",
        description="Where the pupil went when the provision closed",
        choices=choices(Destination, blank="Not closed yet"),
    )

    def __init__(self, *args, pupil: Pupil | None = None, **kwargs):
        super().__init__(*args, obj=pupil, **kwargs)
        self.pupil = pupil
        # New providers that have an overdue high-risk action, found as the form validates.
        self.stopped: list[Provider] = []
        self.provider_ids.choices = [
            SelectChoice(provider_id, name)
            for provider_id, name in db.session.execute(
                sa.select(Provider.id, Provider.name).order_by(Provider.name)
            )
        ]
        self.school_id.choices = [SelectChoice(0, "Choose a school")] + [
            SelectChoice(school_id, name)
            for school_id, name in db.session.execute(
                sa.select(School.id, School.name).order_by(School.name)
            )
        ]
        if pupil is not None and not self.is_submitted():
            self.provider_ids.data = [provider.id for provider in pupil.providers]

    def validate_placement_override(self, field) -> None:
        """A new placement at a provider with an overdue high-risk action from a site check
        needs the lead's reason."""
        before = {provider.id for provider in self.pupil.providers} if self.pupil else set()
        added = set(self.provider_ids.data or []) - before
        self.stopped = stopped_providers(added, london_today()) if added else []
        if self.stopped and not field.data:
            names = " and ".join(provider.name for provider in self.stopped)
            have = "has" if len(self.stopped) == 1 else "have"
            raise ValidationError(
                f"{names} {have} an overdue high-risk action from a site check: give your "
                "reason to place the pupil there all the same, or untick it"
            )

    def override(self) -> dict | None:
        """The lead's override of a stop on new placements, for the audit trail."""
        if not self.stopped:
            return None
        return {
            "providers": [provider.name for provider in self.stopped],
            "reason": self.placement_override.data,
        }

    def validate_date_of_birth(self, field) -> None:
        if field.data and field.data >= london_today():
            raise ValidationError("Date of birth must be in the past")

    def validate_parent_phone(self, field) -> None:
        if field.data and not PHONE.fullmatch(field.data):
            raise ValidationError("Enter a phone number, like 01632 960 001 or +44 7700 900 982")

    def validate_case_number(self, field) -> None:
        if self._taken(Pupil.case_number, field.data):
            raise ValidationError("Another pupil already has this case number")

    def validate_upn(self, field) -> None:
        if problem := upn_problem(field.data):
            raise ValidationError(problem)
        if self._taken(Pupil.upn, field.data):
            raise ValidationError("Another pupil already has this UPN")

    def validate_reason_other(self, field) -> None:
        if ProvisionReason.OTHER in (self.reasons.data or []) and not field.data:
            raise ValidationError("Describe the other reason for the provision")

    def validate_planned_end_date(self, field) -> None:
        start = self.provision_start_date.data
        if field.data and start and field.data < start:
            raise ValidationError("Planned end date must be after the provision start date")

    def validate_review_date(self, field) -> None:
        start = self.provision_start_date.data
        if field.data and start and field.data < start:
            raise ValidationError("Review date must be on or after the provision start date")

    def validate_destination(self, field) -> None:
        if self.status.data == PupilStatus.CLOSED and not field.data:
            raise ValidationError("Choose where the pupil went when the provision closed")
        if self.status.data != PupilStatus.CLOSED and field.data:
            raise ValidationError("Only a closed record has a destination: choose 'Not closed yet'")

    def _taken(self, column, value) -> bool:
        query = sa.select(Pupil.id).where(column == value)
        if self.pupil is not None:
            query = query.where(Pupil.id != self.pupil.id)
        return db.session.scalar(query) is not None

    def values(self) -> dict:
        """The record's new values, ready for the model."""
        reasons = self.reasons.data or []
        values = {
            name: getattr(self, name).data or None
            for name in (
                "legal_name",
                "preferred_name",
                "case_number",
                "upn",
                "school_id",
                "commissioner",
                "locality_team",
                "home_address",
                "parent_phone",
                "provision_start_date",
                "planned_end_date",
                "review_date",
                "action_to_be_taken",
            )
        }
        values |= {
            "date_of_birth": self.date_of_birth.data,
            "gender": Gender(self.gender.data),
            "ethnicity": Ethnicity(self.ethnicity.data),
            "send_status": SendStatus(self.send_status.data),
            "looked_after": self.looked_after.data,
            "free_school_meals": self.free_school_meals.data,
            "exclusion_type": ExclusionType(self.exclusion_type.data),
            "reasons": [reason.value for reason in ProvisionReason if reason.value in reasons],
            "reason_other": self.reason_other.data if ProvisionReason.OTHER in reasons else None,
            "planned_hours_per_week": self.planned_hours_per_week.data,
            "attendance_before_percent": self.attendance_before_percent.data,
            "status": PupilStatus(self.status.data),
            "destination": Destination(self.destination.data) if self.destination.data else None,
            "providers": list(
                db.session.scalars(
                    sa.select(Provider).where(Provider.id.in_(self.provider_ids.data or []))
                )
            ),
        }
        return values


class AssignForm(BaseForm):
    teacher_id = SelectField(
        "Community teacher",
        coerce=int,
        validators=[DataRequired("Choose a community teacher")],
    )

    def __init__(self, *args, teachers, **kwargs):
        super().__init__(*args, **kwargs)
        self.teacher_id.choices = [SelectChoice(0, "Choose a teacher")] + [
            SelectChoice(teacher.id, f"{teacher.name} ({count} of {CASELOAD_LIMIT})")
            for teacher, count in teachers
        ]
