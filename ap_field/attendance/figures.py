"""Attendance figures as the DfE counts them, and the periods they are counted over.

Pure arithmetic on codes and dates, so the rules can be checked against worked examples.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from ap_field.attendance.codes import CODES
from ap_field.pupils.models import academic_year_start

SESSIONS_PER_DAY = 2  # registers count half-days: AM and PM
MISSED_DAYS_TO_REPORT = 15  # Ofsted 2013: out of school 15 days or more, consecutive or not
MISSED_SESSIONS_TO_REPORT = MISSED_DAYS_TO_REPORT * SESSIONS_PER_DAY


@dataclass
class Tally:
    """Sessions counted by the guidance's statistical category of their code."""

    present: int = 0
    approved_activity: int = 0
    authorised: int = 0
    unauthorised: int = 0
    not_counted: int = 0

    @classmethod
    def of(cls, codes: Iterable[str]) -> "Tally":
        return cls.of_counts(Counter(codes).items())

    @classmethod
    def of_counts(cls, counts: Iterable[tuple[str, int]]) -> "Tally":
        """From (code, sessions) pairs, as a GROUP BY code counts them."""
        tally = cls()
        for code, sessions in counts:
            category = CODES[code].category.value
            setattr(tally, category, getattr(tally, category) + sessions)
        return tally

    @property
    def attended(self) -> int:
        return self.present + self.approved_activity

    @property
    def absent(self) -> int:
        """Absence sessions, authorised or unauthorised: the ones that count as missed."""
        return self.authorised + self.unauthorised

    @property
    def possible_sessions(self) -> int:
        """Sessions the pupil could have attended; codes not counted are left out."""
        return self.attended + self.absent

    @property
    def attendance_percent(self) -> Decimal | None:
        """Attended sessions over possible sessions, to one decimal place; None with none."""
        if not self.possible_sessions:
            return None
        percent = Decimal(100 * self.attended) / Decimal(self.possible_sessions)
        return percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def days_missed(self) -> Decimal:
        """A missed day is two absence sessions; one absent session is half a day."""
        return Decimal(self.absent) / SESSIONS_PER_DAY

    @property
    def must_be_reported(self) -> bool:
        return self.absent >= MISSED_SESSIONS_TO_REPORT


@dataclass(frozen=True)
class Period:
    name: str
    first: date
    last: date

    def __contains__(self, day: date) -> bool:
        return self.first <= day <= self.last


def academic_year_first_day(day: date) -> date:
    """1 September of the academic year that holds `day`."""
    return date(academic_year_start(day), 9, 1)


def week_first_day(day: date) -> date:
    return day - timedelta(days=day.weekday())


def half_term_first_day(day: date, half_term_starts: Iterable[date]) -> date:
    """The latest configured half-term start on or before `day` in its academic year; the
    academic year's first day when none is configured for that year."""
    year_starts = academic_year_first_day(day)
    return max((s for s in half_term_starts if year_starts <= s <= day), default=year_starts)


def periods(today: date, half_term_starts: Iterable[date]) -> list[Period]:
    """This week, this half-term and the academic year, each up to today."""
    return [
        Period("Week", week_first_day(today), today),
        Period("Half-term", half_term_first_day(today, half_term_starts), today),
        Period("Year", academic_year_first_day(today), today),
    ]
