"""Forms for recording a concern and for the DSL's steps. None of them is ever drafted on the
phone: their text is marked `data-sensitive` in the templates."""

import wtforms
from wtforms import (
    FieldList,
    FormField,
    HiddenField,
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
from ap_field.safeguarding.models import REFERRALS, ActionKind, Category, Outcome

LONG_TEXT = 10_000
MARK_TEXT = 500
MOST_MARKS = 30


class MarkForm(wtforms.Form):
    """One mark on the body map. Its position is a fraction of the outline's width and height;
    a mark added without tapping the outline has none."""

    side = HiddenField(validators=[wtforms.validators.AnyOf(["front", "back"])])
    x = HiddenField()
    y = HiddenField()
    description = TextAreaField(
        "What you saw here",
        validators=[DataRequired("Describe what you saw at this mark"), Length(max=MARK_TEXT)],
    )

    def position(self) -> tuple[float | None, float | None]:
        try:
            x, y = float(self.x.data), float(self.y.data)
        except (TypeError, ValueError):
            return None, None
        if not (0 <= x <= 1 and 0 <= y <= 1):
            return None, None
        return round(x, 3), round(y, 3)


def _yes_no(value) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class ConcernForm(SyncedForm):
    immediate_danger = RadioField(
        "Is the child in immediate danger?",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validators=[InputRequired("Say whether the child is in immediate danger")],
    )
    categories = CheckboxesField(
        "What is the concern about?",
        description="Choose all that apply.",
        choices=choices(Category),
        validators=[DataRequired("Choose what the concern is about")],
    )
    category_other = StringField("What else", validators=[Length(max=200)])
    happened_on = DateField(
        "When it happened",
        default=london_today,
        validators=[
            InputRequired("Enter the date"),
            NotInTheFuture("The date it happened cannot be in the future"),
        ],
    )
    happened_time = TimeField("At what time, if you know", validators=[Optional()])
    place = StringField(
        "Where it happened",
        validators=[DataRequired("Enter where it happened"), Length(max=200)],
    )
    what_happened = TextAreaField(
        "What you saw or heard",
        description="Facts, as they happened. Say what you saw, not what you think it means.",
        validators=[DataRequired("Enter what you saw or heard"), Length(max=LONG_TEXT)],
    )
    child_words = TextAreaField(
        "The child's own words",
        description="Exactly as the child said them, even if they are rude or hard to read.",
        validators=[Optional(), Length(max=LONG_TEXT)],
    )
    others_present = TextAreaField(
        "Who else was there", validators=[Optional(), Length(max=LONG_TEXT)]
    )
    action_taken = TextAreaField(
        "What you did straight away",
        validators=[DataRequired("Enter what you did straight away"), Length(max=LONG_TEXT)],
    )
    marks = FieldList(FormField(MarkForm), max_entries=MOST_MARKS)
    recorded_at = HiddenField()
    visit_id = HiddenField()
    note_id = HiddenField()

    def validate_category_other(self, field) -> None:
        if Category.OTHER in (self.categories.data or []) and not field.data:
            raise ValidationError("Say what else the concern is about")

    def values(self) -> dict:
        categories = self.categories.data
        return {
            "immediate_danger": _yes_no(self.immediate_danger.data),
            "categories": categories,
            "category_other": self.category_other.data if Category.OTHER in categories else None,
            "happened_on": self.happened_on.data,
            "happened_time": self.happened_time.data,
            "place": self.place.data,
            "what_happened": self.what_happened.data,
            "child_words": self.child_words.data or None,
            "others_present": self.others_present.data or None,
            "action_taken": self.action_taken.data,
            "body_marks": [self._mark(entry.form) for entry in self.marks],
        }

    @staticmethod
    def _mark(mark: MarkForm) -> dict:
        x, y = mark.position()
        return {"side": mark.side.data, "x": x, "y": y, "description": mark.description.data}

    def linked_id(self, name: str) -> int | None:
        """The visit or note the concern was raised from, as the form carries it."""
        value = getattr(self, name).data or ""
        return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


class ActionForm(SyncedForm):
    kind = RadioField(
        "What was done",
        choices=choices(ActionKind),
        validators=[DataRequired("Choose what was done")],
    )
    taken_on = DateField(
        "When",
        default=london_today,
        validators=[
            InputRequired("Enter when"),
            NotInTheFuture("The date cannot be in the future"),
        ],
    )
    taken_by = StringField(
        "Who did it",
        validators=[DataRequired("Enter who did it"), Length(max=200)],
    )
    note = TextAreaField(
        "Note",
        description="Who you spoke to, what you told them, what they said.",
        validators=[DataRequired("Enter a note of what happened"), Length(max=LONG_TEXT)],
    )
    reference = StringField(
        "Their reference",
        description="For a referral: the reference children's social care, the police or the"
        " LADO gave.",
        validators=[Optional(), Length(max=100)],
    )
    referral_outcome = TextAreaField(
        "What came of the referral", validators=[Optional(), Length(max=LONG_TEXT)]
    )

    def values(self) -> dict:
        referral = self.kind.data in REFERRALS
        return {
            "kind": ActionKind(self.kind.data),
            "taken_on": self.taken_on.data,
            "taken_by": self.taken_by.data,
            "note": self.note.data,
            "reference": (self.reference.data or None) if referral else None,
            "referral_outcome": (self.referral_outcome.data or None) if referral else None,
        }


class AddendumForm(SyncedForm):
    text = TextAreaField(
        "What you want to add",
        description="It is added below the concern with your name and the time, and cannot be"
        " changed afterwards.",
        validators=[DataRequired("Enter what you want to add"), Length(max=LONG_TEXT)],
    )


class VersionForm(BaseForm):
    """A step on the concern as it stood in `version`: anything added since must be read first."""

    version = wtforms.IntegerField(widget=wtforms.widgets.HiddenInput(), validators=[Optional()])


class CloseForm(VersionForm):
    outcome = SelectField(
        "Outcome",
        choices=choices(Outcome, blank="Choose the outcome"),
        validators=[DataRequired("Choose the outcome")],
    )
    rationale = TextAreaField(
        "Why it can be closed",
        validators=[DataRequired("Explain why the concern can be closed"), Length(max=LONG_TEXT)],
    )


class ReopenForm(VersionForm):
    reason = TextAreaField(
        "Why it is being reopened",
        validators=[DataRequired("Explain why the concern is reopened"), Length(max=LONG_TEXT)],
    )
