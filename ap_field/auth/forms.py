import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_login import current_user
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ap_field.auth.limits import count_attempt
from ap_field.auth.models import STAFF_ROLES, Role, SafeguardingRole, User, normalise_email
from ap_field.auth.passwords import password_problem
from ap_field.auth.queries import is_last_active_dsl
from ap_field.common.forms import BaseForm
from ap_field.config import REMEMBER_DAYS
from ap_field.extensions import db

# A school attendance officer is invited from their school's page, and stays one.
ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in Role if role != Role.SCHOOL]
OFFICER_CHOICES = [SelectChoice(Role.SCHOOL.value, Role.SCHOOL.label)]
SAFEGUARDING_CHOICES = [SelectChoice(duty.value, duty.label) for duty in SafeguardingRole]


def email_address_problem(email: str) -> str | None:
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return "Enter an email address in the correct format, like name@example.org"
    return None


def email_in_use(email: str, except_user_id: int | None = None) -> bool:
    query = sa.select(User.id).where(User.email == normalise_email(email))
    if except_user_id is not None:
        query = query.where(User.id != except_user_id)
    return db.session.scalar(query) is not None


def check_account_email(
    email: str,
    except_user_id: int | None = None,
    in_use: str = "There is already an account with this email address",
) -> None:
    """For a form's `validate_email`: an account's address must be in the correct format and
    no other account's; `in_use` says what to do when it is."""
    if problem := email_address_problem(email):
        raise ValidationError(problem)
    if email_in_use(email, except_user_id):
        raise ValidationError(in_use)


class SignInForm(BaseForm):
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter your email address")],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password")],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(f"Remember this phone for {REMEMBER_DAYS} days")


def new_password_field(label: str = "New password") -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(f"Enter a {label.lower()}")],
        description="At least 12 characters. Three random words work well.",
        render_kw={"autocomplete": "new-password"},
    )


def confirm_password_field(label: str = "Type the new password again") -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired(label),
            EqualTo("new_password", "The two passwords do not match"),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def check_new_password(form, field) -> None:
    """Inline validator for `new_password`: the policy, with the form's personal words."""
    if problem := password_problem(field.data, form.personal_words()):
        raise ValidationError(problem)


def check_own_password(password: str, wrong: str) -> None:
    """The signed-in person's password, each try counted against their account's sign-in
    limit (SignInsPaused past it); `wrong` is the error when it does not match."""
    count_attempt(current_user.email)
    if not current_user.check_password(password):
        raise ValidationError(wrong)


class UnlockForm(BaseForm):
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password")],
        render_kw={"autocomplete": "current-password"},
    )

    def validate_password(self, field) -> None:
        check_own_password(field.data, wrong="Your password is not correct")


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password")],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = new_password_field()
    confirm_password = confirm_password_field()
    validate_new_password = check_new_password

    def personal_words(self) -> list[str]:
        return [current_user.name, current_user.email]

    def validate_current_password(self, field) -> None:
        check_own_password(field.data, wrong="Your current password is not correct")


class UserDetailsForm(BaseForm):
    name = StringField(
        "Full name",
        validators=[DataRequired("Enter the person's full name"), Length(max=120)],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter an email address"), Length(max=254)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    role = RadioField(
        "Role",
        choices=ROLE_CHOICES,
        validators=[DataRequired("Choose a role")],
    )
    safeguarding_role = RadioField(
        "Safeguarding duty",
        choices=SAFEGUARDING_CHOICES,
        default=SafeguardingRole.NONE.value,
        description="Designated safeguarding leads and their deputies read every safeguarding"
        " concern and are told when one is recorded.",
        validators=[DataRequired("Choose a safeguarding duty")],
    )

    def __init__(self, *args, user_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id = user_id
        if user_id is not None and db.session.get(User, user_id).role == Role.SCHOOL:
            self.role.choices = OFFICER_CHOICES

    def validate_safeguarding_role(self, field) -> None:
        duty = SafeguardingRole(field.data)
        if duty != SafeguardingRole.NONE and self.role.data not in STAFF_ROLES:
            raise ValidationError(
                "Only teachers, programme leads and administrators can hold a safeguarding duty"
            )
        if duty != SafeguardingRole.DSL and self.user_id and is_last_active_dsl(self.user_id):
            raise ValidationError(
                "This is the last active designated safeguarding lead. Make someone else the"
                " designated safeguarding lead first"
            )

    def validate_email(self, field) -> None:
        check_account_email(field.data, except_user_id=self.user_id)


class NewUserForm(UserDetailsForm):
    new_password = new_password_field("Password")
    confirm_password = confirm_password_field("Type the password again")
    validate_new_password = check_new_password

    def personal_words(self) -> list[str]:
        return [self.name.data, self.email.data]


class SetPasswordForm(BaseForm):
    """An admin sets a new password for someone who has forgotten theirs."""

    new_password = new_password_field()
    confirm_password = confirm_password_field()
    validate_new_password = check_new_password

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def personal_words(self) -> list[str]:
        return [self.user.name, self.user.email]


class SecondFactorForm(BaseForm):
    """The second step of signing in: an authenticator code or a recovery code."""

    code = StringField(
        "Code",
        validators=[DataRequired("Enter the code from your authenticator app"), Length(max=20)],
        description="The 6-digit code your authenticator app shows now, or one of your"
        " recovery codes.",
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"},
    )


class AuthenticatorSetUpForm(BaseForm):
    code = StringField(
        "Code from the app",
        validators=[DataRequired("Enter the 6-digit code your app shows"), Length(max=20)],
        description="The 6-digit code your authenticator app shows for ap-field.",
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
