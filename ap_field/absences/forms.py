import re
from datetime import date, timedelta

from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ap_field.absences.models import AM, PM, AbsenceReason
from ap_field.attendance.clock import is_school_day
from ap_field.attendance.models import RegisterSession
from ap_field.common.forms import DateField, SyncedForm, choices

MORE_DAYS = "days"
LONGEST_REPORT_DAYS = 31
PASSED = "That day has passed. To tell us about a day that has passed, call your child's teacher"
_SPAN = re.compile(r"(\d{4}-\d{2}-\d{2}):(am|pm):(am|pm)")

Span = tuple[date, RegisterSession, date, RegisterSession]


def _value(day: date, first: RegisterSession, last: RegisterSession) -> str:
    """A choice names its day and sessions, so a report sent late from a phone keeps them."""
    return f"{day.isoformat()}:{first.value}:{last.value}"


def next_school_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_school_day(day):
        day += timedelta(days=1)
    return day


def when_choices(today: date) -> list[tuple[str, str]]:
    options = []
    if is_school_day(today):
        options += [
            (_value(today, AM, AM), "This morning"),
            (_value(today, PM, PM), "This afternoon"),
            (_value(today, AM, PM), "All day today"),
        ]
    coming = next_school_day(today)
    if coming == today + timedelta(days=1):
        day, on_day = "Tomorrow", "tomorrow"
    else:
        day = f"{coming:%A} {coming.day} {coming:%B}"
        on_day = f"on {day}"
    options += [
        (_value(coming, AM, AM), f"{day} morning"),
        (_value(coming, PM, PM), f"{day} afternoon"),
        (_value(coming, AM, PM), f"All day {on_day}"),
        (MORE_DAYS, "More than one day, or another day"),
    ]
    return options


class AbsenceForm(SyncedForm):
    """A parent says which sessions their child will miss and why."""

    when = RadioField(
        "Which sessions will your child miss?",
        validators=[DataRequired("Choose when your child will be away")],
        validate_choice=False,
    )
    first_day = DateField(
        "First day away",
        description="Only for more than one day, or another day.",
        validators=[Optional()],
    )
    last_day = DateField("Last day away", validators=[Optional()])
    reason = RadioField(
        "Why will your child be away?",
        choices=choices(AbsenceReason),
        validators=[DataRequired("Choose why your child will be away")],
    )
    note = TextAreaField(
        "Anything else the teacher should know (optional)",
        validators=[Length(max=500, message="Write 500 characters or fewer")],
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.when.choices = when_choices(today)

    def span(self) -> Span:
        if self.when.data == MORE_DAYS:
            return self.first_day.data, AM, self.last_day.data, PM
        day, first, last = _SPAN.fullmatch(self.when.data).groups()
        return (
            date.fromisoformat(day),
            RegisterSession(first),
            date.fromisoformat(day),
            (RegisterSession(last)),
        )

    def validate_when(self, field) -> None:
        if field.data == MORE_DAYS:
            return
        match = _SPAN.fullmatch(field.data or "")
        if match is None:
            raise ValidationError("Choose when your child will be away")
        try:
            day = date.fromisoformat(match.group(1))
        except ValueError as error:
            raise ValidationError("Choose when your child will be away") from error
        if day < self.today:
            raise ValidationError(PASSED)

    def validate(self, extra_validators=None) -> bool:
        """The days are asked for only with "More than one day"; their own validators let
        them be empty, so they are checked here, after."""
        valid = super().validate(extra_validators)
        if self.when.data == MORE_DAYS and not (self.first_day.errors or self.last_day.errors):
            problems = self._days_problems()
            for field, message in problems:
                field.errors.append(message)
            valid = valid and not problems
        return valid

    def _days_problems(self) -> list[tuple]:
        first, last = self.first_day.data, self.last_day.data
        if first is None:
            return [(self.first_day, "Enter the first day your child will be away")]
        if first < self.today:
            return [(self.first_day, PASSED)]
        if last is None:
            return [(self.last_day, "Enter the last day your child will be away")]
        if last < first:
            return [(self.last_day, "The last day must be the same as the first day or after it")]
        if (last - first).days >= LONGEST_REPORT_DAYS:
            return [(self.last_day, f"Tell us about up to {LONGEST_REPORT_DAYS} days at a time")]
        return []
