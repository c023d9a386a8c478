import sqlalchemy as sa
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ap_field.auth.models import Role, User
from ap_field.common.forms import BaseForm
from ap_field.extensions import db


class ParentLinkForm(BaseForm):
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
