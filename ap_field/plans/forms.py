from collections.abc import Sequence
from datetime import timedelta
from typing import ClassVar

import wtforms
from wtforms import (
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ap_field.common.forms import (
    BaseForm,
    CheckboxesField,
    DateField,
    NotInTheFuture,
    SyncedForm,
    TimeField,
    choices,
)
from ap_field.common.time import london_today
from ap_field.plans.models import (
    SCHOOL_DAYS,
    Focus,
    Mode,
    Party,
    Progress,
    ReviewParticipant,
    TargetKind,
)
from ap_field.premises.models import Provider

MAX_TARGETS = 6
NO_PROVIDER = "None – taught by the community teacher"


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _provider_id(value):
    """A provider's id, None for none; anything else is kept for validate_provider_id to
    refuse with its own message."""
    if value in (None, ""):
        return None
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return int(value)
    return value


class TargetForm(wtforms.Form):
    """One row of the plan's targets; a row left empty is not a target."""

    kind = RadioField("Kind of target", choices=choices(TargetKind), validators=[Optional()])
    description = StringField("Target", filters=[_strip], validators=[Length(max=300)])
    baseline = StringField("Where the pupil is now", filters=[_strip], validators=[Length(max=200)])
    goal = StringField("Goal", filters=[_strip], validators=[Length(max=200)])
    measure = StringField("How it is measured", filters=[_strip], validators=[Length(max=200)])
    due_on = DateField("Due by", validators=[Optional()])

    REQUIRED: ClassVar[dict[str, str]] = {
        "kind": "Choose whether target {n} is academic or wider",
        "description": "Describe target {n}",
        "baseline": "Enter where the pupil is now for target {n}",
        "goal": "Enter the goal of target {n}",
        "measure": "Enter how target {n} will be measured",
        "due_on": "Enter when target {n} is due",
    }

    def is_blank(self) -> bool:
        """A row whose words and date are empty; a kind ticked by itself is not a target."""
        return not any(self[name].data for name in self.REQUIRED if name != "kind")


class PlanForm(SyncedForm):
    aims = TextAreaField(
        "Aims and objectives", validators=[DataRequired("Enter the plan's aims and objectives")]
    )
    targets = FieldList(FormField(TargetForm), min_entries=MAX_TARGETS, max_entries=MAX_TARGETS)
    success_criteria = TextAreaField(
        "Success criteria", validators=[DataRequired("Enter how success will be judged")]
    )
    transition_plan = TextAreaField(
        "Transition and reintegration plan",
        description="How the pupil moves back into a school building, and by when",
        validators=[DataRequired("Enter the transition and reintegration plan")],
    )
    starts_on = DateField("Plan starts", validators=[InputRequired("Enter when the plan starts")])
    ends_on = DateField("Plan ends", validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        """Rows left empty are not targets; a started row needs every part, with its measure."""
        valid = super().validate(extra_validators)
        rows = [entry.form for entry in self.targets]
        if all(row.is_blank() for row in rows):
            self.targets.errors = ["Add at least one target, with its measure"]
            return False
        for number, row in enumerate(rows, 1):
            if row.is_blank():
                continue
            for name, message in TargetForm.REQUIRED.items():
                if not row[name].data and not row[name].errors:
                    row[name].errors = [message.format(n=number)]
                    valid = False
        return valid

    def validate_ends_on(self, field) -> None:
        if field.data and self.starts_on.data and field.data <= self.starts_on.data:
            raise ValidationError("The plan must end after it starts")

    def target_values(self) -> list[dict]:
        return [
            {name: entry.form[name].data for name in TargetForm.REQUIRED}
            for entry in self.targets
            if not entry.form.is_blank()
        ]

    def values(self) -> dict:
        return {
            "aims": self.aims.data,
            "success_criteria": self.success_criteria.data,
            "transition_plan": self.transition_plan.data,
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
        }


class AgreementForm(BaseForm):
    party = RadioField("Who is agreeing", validators=[InputRequired("Choose who is agreeing")])
    agreed_by = StringField(
        "Who agreed", validators=[DataRequired("Enter the name of who agreed"), Length(max=120)]
    )
    agreed_on = DateField(
        "Agreed on",
        validators=[
            InputRequired("Enter when they agreed"),
            NotInTheFuture("The agreement date cannot be in the future"),
        ],
    )

    def __init__(self, *args, waiting: list[Party], **kwargs):
        super().__init__(*args, **kwargs)
        self.party.choices = [SelectChoice(party.value, party.label) for party in waiting]


class SlotForm(SyncedForm):
    weekday = SelectField(
        "Day",
        coerce=int,
        choices=[SelectChoice(number, day) for number, day in enumerate(SCHOOL_DAYS)],
    )
    starts_at = TimeField("Start", validators=[InputRequired("Enter the start time")])
    ends_at = TimeField("End", validators=[InputRequired("Enter the end time")])
    mode = RadioField("Mode", choices=choices(Mode), validators=[InputRequired("Choose the mode")])
    focus = SelectField("Focus", choices=choices(Focus))
    place = StringField(
        "Place",
        description="For example: home, the library, the youth centre",
        validators=[DataRequired("Enter where the session happens"), Length(max=160)],
    )
    provider_id = SelectField(
        "Taught by",
        description="One of the pupil's providers, or none when the community teacher teaches it."
        " The DfE registration rule counts each pupil's hours at a provider from these.",
        coerce=_provider_id,
        validate_choice=False,
    )

    def __init__(self, *args, providers: Sequence[Provider], **kwargs):
        super().__init__(*args, **kwargs)
        self.providers = {provider.id: provider for provider in providers}
        self.provider_id.choices = [
            SelectChoice("", NO_PROVIDER),
            *(SelectChoice(provider.id, provider.name) for provider in providers),
        ]

    def validate_ends_at(self, field) -> None:
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError("The end time must be after the start time")

    def validate_provider_id(self, field) -> None:
        if field.data is not None and field.data not in self.providers:
            raise ValidationError(
                "Choose one of the pupil's providers, or none if the community teacher"
                " teaches the session"
            )

    def values(self) -> dict:
        return {
            "weekday": self.weekday.data,
            "starts_at": self.starts_at.data,
            "ends_at": self.ends_at.data,
            "mode": Mode(self.mode.data),
            "focus": Focus(self.focus.data),
            "place": self.place.data,
            "provider_id": self.provider_id.data,
        }


class ProgressForm(wtforms.Form):
    target_id = IntegerField(widget=wtforms.widgets.HiddenInput())
    progress = RadioField(
        "Progress", choices=choices(Progress), validators=[InputRequired("Choose the progress")]
    )
    comment = TextAreaField("Comment", filters=[_strip], validators=[Optional()])


class ReviewForm(SyncedForm):
    held_on = DateField("Date of the review", validators=[InputRequired("Enter the review date")])
    participants = CheckboxesField(
        "Who took part",
        choices=choices(ReviewParticipant),
        validators=[DataRequired("Choose who took part in the review")],
    )
    progress = FieldList(FormField(ProgressForm))
    timetable_changes = TextAreaField(
        "Changes to the timetable",
        description="Write 'No changes' if the timetable stays as it is",
        validators=[DataRequired("Say what changes in the timetable, or 'No changes'")],
    )
    next_review_on = DateField(
        "Next review", validators=[InputRequired("Enter the date of the next review")]
    )

    def __init__(self, *args, previous_review_on=None, next_review_due=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.previous_review_on = previous_review_on
        if not self.is_submitted():
            self.held_on.data = london_today()
            self.next_review_on.data = next_review_due

    def validate_held_on(self, field) -> None:
        if not field.data:
            return
        if field.data > london_today():
            raise ValidationError("A review cannot be recorded before it has happened")
        if self.previous_review_on and field.data < self.previous_review_on:
            previous = f"{self.previous_review_on:%d/%m/%Y}"
            raise ValidationError(f"The review cannot be before the previous one, on {previous}")

    def validate_next_review_on(self, field) -> None:
        if field.data and self.held_on.data and field.data <= self.held_on.data:
            raise ValidationError("The next review must be after this one")
        if field.data and self.held_on.data and field.data > self.held_on.data + timedelta(28):
            raise ValidationError("Reviews are fortnightly: the next one must be within 4 weeks")

    def values(self) -> dict:
        return {
            "held_on": self.held_on.data,
            "participants": self.participants.data,
            "timetable_changes": self.timetable_changes.data,
            "next_review_on": self.next_review_on.data,
        }

    def progress_values(self) -> list[dict]:
        """Each target's progress, as hold_review takes it."""
        return [
            {
                "target_id": entry.form.target_id.data,
                "progress": entry.form.progress.data,
                "comment": entry.form.comment.data or "",
            }
            for entry in self.progress
        ]
