from datetime import datetime, time, timedelta

from wtforms import RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ap_field.common.forms import (
    BaseForm,
    CheckboxesField,
    DateField,
    SyncedForm,
    TimeField,
    choices,
)
from ap_field.common.time import LONDON, london_now, london_today, utcnow
from ap_field.visits.models import (
    HomeVisit,
    Present,
    VisitPlace,
    VisitPurpose,
    VisitStatus,
    at_london,
)

# A visit recorded as having happened may start a little after "now": phone clocks differ
# and people round the time they write down.
RECORDING_SLACK = timedelta(minutes=15)
DEFAULT_VISIT_LENGTH = timedelta(hours=1)
LONG_TEXT = 5000


def _to_the_minute(moment: datetime) -> time:
    return moment.time().replace(second=0, microsecond=0)


class VisitForm(SyncedForm):
    """Plan a visit, or record one that happened; the same form records the outcome later.

    Once the visitor has said "I've arrived", lone working decides whether the visit is
    happening or has happened. A safeguarding worry is recorded as a concern, not here.
    """

    visit_date = DateField(
        "Date of the visit",
        default=london_today,
        validators=[InputRequired("Enter the date of the visit")],
    )
    visit_time = TimeField(
        "Time",
        description="Like 14:30",
        default=lambda: _to_the_minute(london_now()),
        validators=[InputRequired("Enter the time of the visit, like 14:30")],
    )
    status = RadioField(
        "Has the visit happened?",
        choices=[
            SelectChoice(VisitStatus.SCHEDULED.value, "No, I am planning it"),
            SelectChoice(VisitStatus.COMPLETED.value, "Yes, I am recording what happened"),
        ],
        validators=[InputRequired("Choose whether the visit has happened")],
    )
    place = RadioField(
        "Where",
        choices=choices(VisitPlace),
        validators=[InputRequired("Choose where the visit is")],
    )
    address = StringField(
        "Address",
        description="Where you will be. Your lead sees it if you do not check out in time.",
        validators=[DataRequired("Enter the address of the visit"), Length(max=300)],
    )
    purpose = RadioField(
        "Purpose",
        choices=choices(VisitPurpose),
        validators=[InputRequired("Choose the purpose of the visit")],
    )
    purpose_other = StringField(
        "Other purpose", description="If you chose Other", validators=[Length(max=200)]
    )
    present = CheckboxesField(
        "Who was there", description="Choose all that apply", choices=choices(Present)
    )
    others_present = StringField(
        "Who else was there",
        description="Names and roles, if you chose Someone else",
        validators=[Length(max=200)],
    )
    concerns = TextAreaField(
        "Concerns and barriers discussed", validators=[Optional(), Length(max=LONG_TEXT)]
    )
    child_voice = TextAreaField(
        "The child's voice",
        description="What the child said about how things are, in their own words where you can",
        validators=[Optional(), Length(max=LONG_TEXT)],
    )
    parent_voice = TextAreaField(
        "The parent's or carer's voice", validators=[Optional(), Length(max=LONG_TEXT)]
    )
    next_visit_on = DateField("Date of the next visit", validators=[Optional()])

    def __init__(self, *args, visit: HomeVisit | None = None, **kwargs):
        super().__init__(*args, obj=visit, **kwargs)
        self.visit = visit
        if visit is None:
            return
        if visit.arrived_at is not None:
            del self.status
        if not self.is_submitted():
            local = visit.starts_at.astimezone(LONDON)
            self.visit_date.data, self.visit_time.data = local.date(), _to_the_minute(local)

    def starts_at(self) -> datetime | None:
        if self.visit_date.data is None or self.visit_time.data is None:
            return None
        return at_london(self.visit_date.data, self.visit_time.data)

    def chosen_status(self) -> VisitStatus | None:
        if self.status is None:
            return self.visit.status
        return VisitStatus(self.status.data) if self.status.data else None

    def validate_visit_date(self, field) -> None:
        starts_at = self.starts_at()
        if (
            self.chosen_status() == VisitStatus.COMPLETED
            and starts_at is not None
            and starts_at > utcnow() + RECORDING_SLACK
        ):
            raise ValidationError("A visit in the future cannot be recorded as having happened")

    def validate_purpose_other(self, field) -> None:
        if self.purpose.data == VisitPurpose.OTHER and not field.data:
            raise ValidationError("Describe the purpose of the visit")

    def validate_present(self, field) -> None:
        happened = self.chosen_status() in (VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED)
        if happened and not field.data:
            raise ValidationError("Choose who was there")

    def validate_others_present(self, field) -> None:
        if Present.OTHERS in (self.present.data or []) and not field.data:
            raise ValidationError("Enter who else was there")

    def validate_next_visit_on(self, field) -> None:
        if field.data and self.visit_date.data and field.data <= self.visit_date.data:
            raise ValidationError("The next visit must be after this one")

    def start_at_home(self, pupil) -> None:
        """A new visit starts at the family home, where the pupil's record says it is."""
        if pupil.home_address:
            self.place.data, self.address.data = VisitPlace.HOME.value, pupil.home_address

    def values(self) -> dict:
        """The visit's new values, ready for the model."""
        present = self.present.data or []
        purpose = VisitPurpose(self.purpose.data)
        values = {
            "starts_at": self.starts_at(),
            "place": VisitPlace(self.place.data),
            "address": self.address.data,
            "purpose": purpose,
            "purpose_other": self.purpose_other.data if purpose == VisitPurpose.OTHER else None,
            "present": [who.value for who in Present if who.value in present],
            "others_present": self.others_present.data if Present.OTHERS in present else None,
            "concerns": self.concerns.data or None,
            "child_voice": self.child_voice.data or None,
            "parent_voice": self.parent_voice.data or None,
            "next_visit_on": self.next_visit_on.data,
        }
        if self.status is not None:
            values["status"] = VisitStatus(self.status.data)
        return values


class ArrivalForm(BaseForm):
    """ "I've arrived": starts lone working until the visitor says they have left safely."""

    expected_finish = TimeField(
        "Expected finish time",
        description="If you have not said you left safely by then, your lead sees you are overdue",
        validators=[InputRequired("Enter the time you expect to finish, like 15:30")],
    )

    def __init__(self, *args, arriving_at: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.arriving_at = arriving_at
        if not self.is_submitted():
            finish = arriving_at.astimezone(LONDON) + DEFAULT_VISIT_LENGTH
            same_day = finish.date() == arriving_at.astimezone(LONDON).date()
            self.expected_finish.data = _to_the_minute(finish) if same_day else time(23, 59)

    def expected_finish_at(self) -> datetime:
        """Today's London time: home visits happen in the day and none crosses midnight."""
        return at_london(self.arriving_at.astimezone(LONDON).date(), self.expected_finish.data)

    def validate_expected_finish(self, field) -> None:
        if field.data is not None and self.expected_finish_at() <= self.arriving_at:
            raise ValidationError("The expected finish must be after the arrival time")


class ActionForm(SyncedForm):
    description = StringField(
        "What needs doing",
        validators=[DataRequired("Enter what needs doing"), Length(max=500)],
    )
    owner = StringField(
        "Who will do it",
        description="For example: Mum, the school's SENCo, me",
        validators=[DataRequired("Enter who will do it"), Length(max=120)],
    )
    due_on = DateField(
        "Due by", default=london_today, validators=[InputRequired("Enter the date it is due by")]
    )

    def __init__(self, *args, visit: HomeVisit, **kwargs):
        super().__init__(*args, **kwargs)
        self.visit = visit

    def validate_due_on(self, field) -> None:
        if field.data and field.data < self.visit.starts_at.astimezone(LONDON).date():
            raise ValidationError("The due date must be on or after the day of the visit")
