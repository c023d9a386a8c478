import sqlalchemy as sa
from wtforms import EmailField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ap_field.auth.forms import (
    check_account_email,
    check_new_password,
    confirm_password_field,
    email_address_problem,
    new_password_field,
)
from ap_field.auth.models import User
from ap_field.common.forms import BaseForm, SyncedForm, choices
from ap_field.extensions import db
from ap_field.pupils.la_codes import LA_CODES
from ap_field.schools.models import Phase, School

_EMAIL = {"autocomplete": "off", "spellcheck": "false"}


class SchoolForm(SyncedForm):
    name = StringField(
        "Name", validators=[DataRequired("Enter the school's name"), Length(max=160)]
    )
    urn = StringField(
        "URN",
        description="The school's unique reference number, 6 digits (Get Information about"
        " Schools)",
        validators=[DataRequired("Enter the school's URN")],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    laestab = StringField(
        "LAESTAB number",
        description="The local authority's 3-digit number and the school's 4-digit number,"
        " 7 digits in all",
        validators=[DataRequired("Enter the school's LAESTAB number")],
        filters=[lambda value: value.replace("/", "").replace(" ", "") if value else value],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    local_authority = StringField(
        "Local authority",
        validators=[DataRequired("Enter the school's local authority"), Length(max=120)],
    )
    phase = RadioField(
        "Phase", choices=choices(Phase), validators=[InputRequired("Choose the school's phase")]
    )
    attendance_email = EmailField(
        "Attendance contact's email",
        description="Sent each session's attendance of the school's pupils, AM and PM",
        validators=[DataRequired("Enter the email of the school's attendance contact")],
        render_kw=_EMAIL,
    )
    dsl_email = EmailField(
        "Designated safeguarding lead's email",
        description="Told when a safeguarding concern about one of the school's pupils is"
        " recorded, without the pupil's name or what was seen",
        validators=[Optional(), Length(max=254)],
        render_kw=_EMAIL,
    )

    def __init__(self, *args, school: School | None = None, **kwargs):
        super().__init__(*args, obj=school, **kwargs)
        self.school = school

    def validate_name(self, field) -> None:
        if self._taken(School.name, field.data):
            raise ValidationError("Another school already has this name")

    def validate_urn(self, field) -> None:
        if not (field.data.isascii() and field.data.isdigit() and len(field.data) == 6):
            raise ValidationError("A URN is 6 digits, like 100000")
        if self._taken(School.urn, field.data):
            raise ValidationError("Another school already has this URN")

    def validate_laestab(self, field) -> None:
        if not (field.data.isascii() and field.data.isdigit() and len(field.data) == 7):
            raise ValidationError("A LAESTAB number is 7 digits, like 8814001")
        if int(field.data[:3]) not in LA_CODES:
            raise ValidationError(
                f"{field.data[:3]} is not the number of an English local authority: check the"
                " first 3 digits"
            )
        if self._taken(School.laestab, field.data):
            raise ValidationError("Another school already has this LAESTAB number")

    def validate_attendance_email(self, field) -> None:
        if problem := email_address_problem(field.data):
            raise ValidationError(problem)

    def validate_dsl_email(self, field) -> None:
        if field.data and (problem := email_address_problem(field.data)):
            raise ValidationError(problem)

    def _taken(self, column, value) -> bool:
        query = sa.select(School.id).where(column == value)
        if self.school is not None:
            query = query.where(School.id != self.school.id)
        return db.session.scalar(query) is not None

    def values(self) -> dict:
        return {
            "name": self.name.data,
            "urn": self.urn.data,
            "laestab": self.laestab.data,
            "local_authority": self.local_authority.data,
            "phase": Phase(self.phase.data),
            "attendance_email": self.attendance_email.data,
            "dsl_email": self.dsl_email.data or None,
        }


class ReceiptForm(BaseForm):
    """One tap: the school has the notice."""


class OfficerInvitationForm(BaseForm):
    name = StringField(
        "Full name",
        validators=[DataRequired("Enter the officer's full name"), Length(max=120)],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        "Email address",
        description="Their own work email: the invitation is sent there",
        validators=[DataRequired("Enter the officer's email address"), Length(max=254)],
        render_kw=_EMAIL,
    )

    def validate_email(self, field) -> None:
        check_account_email(field.data)


class WelcomeForm(BaseForm):
    """An invited person's first password."""

    new_password = new_password_field("Password")
    confirm_password = confirm_password_field("Type the password again")
    validate_new_password = check_new_password

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def personal_words(self) -> list[str]:
        return [self.user.name, self.user.email]
