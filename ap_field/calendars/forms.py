from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ap_field.calendars.ics import MAX_EVENT_DAYS, Read, UnreadableCalendar, read_closures
from ap_field.calendars.models import EventKind
from ap_field.calendars.queries import calendar_for_la, event_exists
from ap_field.common.forms import BaseForm, DateField, SyncedForm, choices
from ap_field.pupils.la_codes import LA_CODES
from ap_field.schools.models import School

EVERY_SCHOOL = 0


class CalendarForm(SyncedForm):
    la_code = StringField(
        "Local authority number",
        description="The DfE's 3-digit number, the first 3 digits of its schools' LAESTAB",
        validators=[DataRequired("Enter the local authority's 3-digit number")],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    name = StringField(
        "Name",
        description="As the local authority calls it, like Northshire Council term dates",
        validators=[DataRequired("Enter the calendar's name"), Length(max=120)],
    )

    def validate_la_code(self, field) -> None:
        if not (field.data.isascii() and field.data.isdigit() and len(field.data) == 3):
            raise ValidationError("A local authority number is 3 digits, like 881")
        if int(field.data) not in LA_CODES:
            raise ValidationError(f"{field.data} is not the number of an English local authority")
        if calendar_for_la(field.data) is not None:
            raise ValidationError("This local authority already has a calendar")

    def values(self) -> dict:
        return {"la_code": self.la_code.data, "name": self.name.data}


def _school_choices(schools: list[School]) -> list[SelectChoice]:
    return [
        SelectChoice(EVERY_SCHOOL, "Every school of the local authority"),
        *(SelectChoice(school.id, school.name) for school in schools),
    ]


class EventForm(SyncedForm):
    """A closure, or a school's difference from its local authority's calendar."""

    kind = RadioField(
        "What it is",
        choices=choices(EventKind),
        validators=[InputRequired("Choose what the days are")],
    )
    first_day = DateField("First day", validators=[InputRequired("Enter the first day")])
    last_day = DateField(
        "Last day",
        description="Leave it empty for a single day",
        validators=[Optional()],
    )
    description = StringField(
        "Description",
        description="Like Christmas holiday or Staff training day",
        validators=[Length(max=120)],
    )
    school_id = SelectField("Which schools", coerce=int, default=EVERY_SCHOOL)

    def __init__(self, *args, calendar, schools: list[School], **kwargs):
        super().__init__(*args, **kwargs)
        self.calendar = calendar
        self.school_id.choices = _school_choices(schools)

    def validate_last_day(self, field) -> None:
        if field.data is None or self.first_day.data is None:
            return
        if field.data < self.first_day.data:
            raise ValidationError("The last day must be the same as or after the first day")
        if (field.data - self.first_day.data).days >= MAX_EVENT_DAYS:
            raise ValidationError("A closure must be shorter than a year")

    def validate_school_id(self, field) -> None:
        if self.kind.data == EventKind.OPEN and field.data == EVERY_SCHOOL:
            raise ValidationError("Choose the school that is open on these days")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if event_exists(self.calendar, self.values()):
            self.first_day.errors.append("The calendar already has these days")
            return False
        return True

    def values(self) -> dict:
        kind = EventKind(self.kind.data)
        return {
            "kind": kind,
            "first_day": self.first_day.data,
            "last_day": self.last_day.data or self.first_day.data,
            "description": self.description.data or kind.label,
            "school_id": self.school_id.data or None,
        }


class ImportForm(BaseForm):
    """An .ics file, read whole when it is checked, so nothing is saved from a bad one."""

    calendar_file = FileField("Calendar file (.ics)")
    school_id = SelectField("Which schools", coerce=int, default=EVERY_SCHOOL)

    def __init__(self, *args, schools: list[School], **kwargs):
        super().__init__(*args, **kwargs)
        self.school_id.choices = _school_choices(schools)
        self.read: Read | None = None

    def validate_calendar_file(self, field) -> None:
        if not field.data or not field.data.filename:
            raise ValidationError("Choose the .ics file to load")
        try:
            self.read = read_closures(field.data.read())
        except UnreadableCalendar as error:
            raise ValidationError(str(error)) from error
