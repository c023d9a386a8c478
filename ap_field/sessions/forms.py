from wtforms import (
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from ap_field.common.forms import (
    BaseForm,
    CheckboxesField,
    DateField,
    SyncedForm,
    TimeField,
    choices,
)
from ap_field.common.time import london_now
from ap_field.plans.models import Focus, Mode

ENGAGEMENT = [SelectChoice(str(n), label) for n, label in enumerate(
    ["1 – not engaged", "2", "3", "4", "5 – fully engaged"], start=1
)]  # fmt: skip


class NoteForm(SyncedForm):
    """What happened in a delivered session. Once sent it cannot be changed, only added to."""

    held_on = DateField("Date", validators=[InputRequired("Enter the date of the session")])
    starts_at = TimeField("Started", validators=[InputRequired("Enter when the session started")])
    ends_at = TimeField("Ended", validators=[InputRequired("Enter when the session ended")])
    mode = RadioField("Mode", choices=choices(Mode), validators=[InputRequired("Choose the mode")])
    focus = SelectField("Focus", choices=choices(Focus))
    place = StringField(
        "Place", validators=[DataRequired("Enter where the session happened"), Length(max=160)]
    )
    planned_minutes = IntegerField(
        "Planned minutes",
        description="From the timetable; change it if a different length was planned",
        validators=[
            InputRequired("Enter how many minutes were planned"),
            NumberRange(0, 600, "Planned minutes must be between 0 and 600"),
        ],
        render_kw={"inputmode": "numeric"},
    )
    engagement = RadioField(
        "Engagement",
        choices=ENGAGEMENT,
        validators=[InputRequired("Choose how engaged the pupil was, from 1 to 5")],
    )
    target_ids = CheckboxesField("Targets worked on", coerce=int, choices=[])
    progress = TextAreaField("Progress against those targets")
    wellbeing = TextAreaField("Wellbeing observations")
    next_steps = TextAreaField("Next steps")

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.target_ids.choices = [SelectChoice(t.id, t.description) for t in targets]

    def validate_ends_at(self, field) -> None:
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError("The end time must be after the start time")
        now = london_now()
        day = self.held_on.data
        if (
            day
            and field.data
            and (day > now.date() or (day == now.date() and field.data > now.time()))
        ):
            raise ValidationError(
                "A session that has not finished yet cannot be recorded as delivered"
            )

    def values(self) -> dict:
        return {
            "held_on": self.held_on.data,
            "starts_at": self.starts_at.data,
            "ends_at": self.ends_at.data,
            "mode": Mode(self.mode.data),
            "focus": Focus(self.focus.data),
            "place": self.place.data,
            "planned_minutes": self.planned_minutes.data,
            "engagement": int(self.engagement.data),
            "progress": self.progress.data or "",
            "wellbeing": self.wellbeing.data or "",
            "next_steps": self.next_steps.data or "",
        }


class AddendumForm(BaseForm):
    text = TextAreaField(
        "Addendum",
        description="Corrections and later information. The note itself stays as it was sent.",
        validators=[DataRequired("Write the addendum"), Length(max=5000)],
    )
