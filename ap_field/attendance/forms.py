from datetime import UTC, date, datetime, time

import wtforms
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ap_field.attendance.clock import AM, has_started, is_past, is_school_day, session_at
from ap_field.attendance.codes import CODES, LATE, NOT_OF_SCHOOL_AGE, PRESENT_AM, PRESENT_PM
from ap_field.attendance.figures import academic_year_first_day
from ap_field.attendance.models import MAX_MINUTES_LATE, Concern, RegisterSession
from ap_field.attendance.services import MarkValues
from ap_field.calendars.queries import pupil_closure
from ap_field.common.forms import BaseForm, DateField, SyncedForm, choices
from ap_field.common.time import LONDON, phone_time
from ap_field.pupils.models import Pupil
from ap_field.pupils.school_age import is_of_compulsory_school_age

MAX_RANGE_DAYS = 400


class MinutesField(wtforms.IntegerField):
    """A whole number of minutes, or nothing when left blank (only a late mark needs one)."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0])
        except ValueError as error:
            self.data = None
            raise ValueError("Enter the minutes late as a whole number, like 10") from error


class MarkForm(SyncedForm):
    """One pupil's mark for one session. The register sends it from a tap; the mark page
    sends it with every code to choose from."""

    date = DateField("Date", validators=[InputRequired("Enter the date of the session")])
    session = RadioField(
        "Session", choices=choices(RegisterSession), validators=[InputRequired("Choose AM or PM")]
    )
    code = StringField("Code", validators=[InputRequired("Choose an attendance code")])
    minutes_late = MinutesField(
        "Minutes late",
        description=f"From 1 to {MAX_MINUTES_LATE}. Later than that is code U: arrived after "
        "the register closed.",
    )
    reason = TextAreaField(
        "Reason",
        description="Why you are marking a past session or changing a mark",
        validators=[Length(max=500, message="Keep the reason to 500 characters or fewer")],
    )
    # When the phone made the mark (ISO 8601), set by the register page as the mark is tapped,
    # so that a mark saved with no signal is judged by when it was made, not when it arrived.
    marked_at = wtforms.HiddenField()

    def __init__(
        self,
        *args,
        now: datetime,
        date_of_birth: "date | None" = None,
        pupil: Pupil | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.date_of_birth = date_of_birth
        self.pupil = pupil
        self.server_now = now
        self.code.data = (self.code.data or "").upper() or None
        self.now = self._phone_time() or now

    def _phone_time(self) -> datetime | None:
        """The phone's time of the mark, believed only when it falls within the session being
        marked: then the mark is judged as made at that moment (not a past session, so no
        reason is asked). Otherwise the mark is judged by the server's clock."""
        session = self.chosen_session()
        if session is None or self.date.data is None:
            return None
        start = datetime.combine(self.date.data, time.min, LONDON)
        moment = phone_time(self.marked_at.data, self.server_now, earliest=start)
        if moment is None:
            return None
        moment = moment.astimezone(LONDON)
        in_window = moment.date() == self.date.data and session_at(moment) == session
        return moment if in_window else None

    def chosen_session(self) -> RegisterSession | None:
        values = {session.value for session in RegisterSession}
        return RegisterSession(self.session.data) if self.session.data in values else None

    def is_past_session(self) -> bool:
        session = self.chosen_session()
        return bool(self.date.data and session and is_past(self.date.data, session, self.now))

    def validate_date(self, field) -> None:
        session = self.chosen_session()
        if field.data is None or session is None:
            return
        if not is_school_day(field.data):
            raise ValidationError("Registers are taken on school days, Monday to Friday")
        if self.pupil is not None and (why := pupil_closure(self.pupil, field.data)):
            raise ValidationError(f"The pupil's school is closed on this day ({why}): no mark")
        if not has_started(field.data, session, self.now):
            raise ValidationError("You cannot mark a session that has not started yet")

    def validate_code(self, field) -> None:
        if field.data not in CODES:
            raise ValidationError(
                f"There is no attendance code {field.data}. Choose one of the codes listed."
            )
        if field.data == NOT_OF_SCHOOL_AGE and self._of_school_age():
            raise ValidationError(
                "X is only for a child who is not of compulsory school age. This child is of"
                " compulsory school age on that day: choose another code"
            )

    def _of_school_age(self) -> bool:
        day = self.date.data
        return bool(self.date_of_birth and day) and is_of_compulsory_school_age(
            self.date_of_birth, day
        )

    def validate_minutes_late(self, field) -> None:
        if self.code.data != LATE:
            return
        if field.data is None:
            raise ValidationError(f"Enter how many minutes late, from 1 to {MAX_MINUTES_LATE}")
        NumberRange(
            1,
            MAX_MINUTES_LATE,
            f"Minutes late must be from 1 to {MAX_MINUTES_LATE}; later than that is code U",
        )(self, field)

    def validate_reason(self, field) -> None:
        if self.is_past_session() and not field.data:
            raise ValidationError("Enter why you are marking a past session")

    def values(self) -> MarkValues:
        session = self.chosen_session()
        code = self.code.data
        if code in (PRESENT_AM, PRESENT_PM):
            code = PRESENT_AM if session == AM else PRESENT_PM
        return MarkValues(
            date=self.date.data,
            session=session,
            code=code,
            minutes_late=self.minutes_late.data if code == LATE else None,
            reason=self.reason.data or None,
            taken_at=self.now.astimezone(UTC),
        )


class ReportForm(SyncedForm):
    concern = RadioField(
        "Concern",
        choices=choices(Concern),
        validators=[InputRequired("Choose what you reported to the local authority")],
    )


def fill_in_this_school_year(first: wtforms.Field, last: wtforms.Field, today: date) -> None:
    """Days left blank cover this school year so far: the last day is today, and the first is
    1 September of the school year the last day falls in. A day that could not be read stays
    unread, so that its field says what to do."""
    if not last.raw_data or not last.raw_data[0]:
        last.data = today
    if (not first.raw_data or not first.raw_data[0]) and last.data is not None:
        first.data = academic_year_first_day(last.data)


def period_is_valid(first: date | None, last: wtforms.Field) -> bool:
    """Whether the days from `first` to `last` make a period to export; if not, `last` says
    why. A day that could not be read has its own message already."""
    if first is None or last.data is None:
        return True
    if last.data < first:
        last.errors.append("The last day must be the same as or after the first day")
    elif (last.data - first).days > MAX_RANGE_DAYS:
        last.errors.append("Export at most a year and a month at a time")
    return not last.errors


class ExportForm(BaseForm):
    """The days the register export covers: blank ones, this school year so far."""

    class Meta:
        csrf = False

    first = DateField(
        "First day",
        description="Leave it blank for 1 September, when the school year began",
        validators=[Optional()],
    )
    last = DateField("Last day", description="Leave it blank for today", validators=[Optional()])

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def validate(self, extra_validators=None) -> bool:
        fill_in_this_school_year(self.first, self.last, self.today)
        valid = super().validate(extra_validators)
        return period_is_valid(self.first.data, self.last) and valid
