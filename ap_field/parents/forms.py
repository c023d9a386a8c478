import sqlalchemy as sa
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError

from ap_field.auth.forms import (
    check_account_email,
    check_new_password,
    confirm_password_field,
    new_password_field,
)
from ap_field.auth.models import Role, User
from ap_field.common.forms import BaseForm, SyncedForm, choices
from ap_field.config import REMEMBER_DAYS
from ap_field.extensions import db
from ap_field.parents.models import Answer, Outcome


class ParentLinkForm(SyncedForm):
    parent_id = SelectField(
        "Parent or carer's account",
        coerce=int,
        validators=[DataRequired("Choose the parent or carer's account")],
    )
    relationship = StringField(
        "Relationship to the pupil",
        description="For example mother, grandfather, foster carer",
        validators=[DataRequired("Enter how they are related to the pupil"), Length(max=40)],
    )
    may_confirm_attendance = BooleanField("May confirm that sessions happened", default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = db.session.execute(
            sa.select(User.id, User.name, User.email)
            .where(User.role == Role.PARENT, User.active)
            .order_by(User.name)
        )
        self.parent_id.choices = [SelectChoice(0, "Choose an account")] + [
            SelectChoice(user_id, f"{name} ({email})") for user_id, name, email in parents
        ]


class InvitationForm(BaseForm):
    parent_name = StringField(
        "Parent or carer's name (optional)",
        description="They can change it when they open the link",
        validators=[Length(max=120)],
        render_kw={"autocomplete": "off"},
    )
    relationship = StringField(
        "Relationship to the pupil",
        description="For example mother, grandfather, foster carer",
        validators=[DataRequired("Enter how they are related to the pupil"), Length(max=40)],
    )
    may_confirm_attendance = BooleanField("May confirm that sessions happened", default=True)

    def values(self) -> dict:
        return {
            "parent_name": self.parent_name.data or "",
            "relationship": self.relationship.data,
            "may_confirm_attendance": self.may_confirm_attendance.data,
        }


class JoinForm(BaseForm):
    """A parent or carer makes their account from an invitation."""

    name = StringField(
        "Your full name",
        validators=[DataRequired("Enter your full name"), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        "Your email address",
        description="You will sign in with it",
        validators=[DataRequired("Enter your email address"), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    new_password = new_password_field("Choose a password")
    confirm_password = confirm_password_field("Type the password again")
    remember = BooleanField(
        f"Keep me signed in on this phone for {REMEMBER_DAYS} days", default=True
    )
    validate_new_password = check_new_password

    def personal_words(self) -> list[str]:
        return [self.name.data, self.email.data]

    def validate_email(self, field) -> None:
        check_account_email(
            field.data,
            in_use="There is already an account with this email address. "
            "Sign in with it first, then open the link again.",
        )


class SessionAnswerForm(SyncedForm):
    """Yes or no about one delivered session; a no says what happened."""

    answer = StringField(
        validators=[
            DataRequired("Choose yes or no"),
            AnyOf([answer.value for answer in Answer], message="Choose yes or no"),
        ]
    )
    comment = TextAreaField(
        "What happened?",
        description="For example: the session did not take place, it was shorter, or your "
        "child was not there. Your child's teacher and the programme lead will read this.",
        validators=[Length(max=2000)],
    )

    def validate_comment(self, field) -> None:
        if self.answer.data == Answer.DISPUTED and not field.data:
            raise ValidationError("Tell us what happened")


class DisputeReplyForm(SyncedForm):
    """Staff answer a parent who said a session did not happen."""

    outcome = RadioField(
        "What is your answer?",
        choices=choices(Outcome),
        validators=[DataRequired("Choose your answer")],
    )
    correction = TextAreaField(
        "What was wrong in the record",
        description="Added to the session note as an addendum: the note itself never changes."
        " To change a register mark, open the register for that day.",
        validators=[Length(max=2000)],
    )
    reply = TextAreaField(
        "Your reply to the parent",
        description="The parent reads this on their page. Write it plainly, as you would say it.",
        validators=[DataRequired("Write your reply to the parent"), Length(max=2000)],
    )

    def validate_correction(self, field) -> None:
        if self.outcome.data == Outcome.CORRECTED and not field.data:
            raise ValidationError("Say what was wrong in the record")

    def values(self) -> dict:
        return {
            "outcome": Outcome(self.outcome.data),
            "reply": self.reply.data,
            "correction": self.correction.data or "",
        }
