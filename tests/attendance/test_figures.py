"""The attendance percentage and the 15-day count, against examples worked by hand."""

from datetime import date
from decimal import Decimal

from ap_field.attendance.figures import (
    Tally,
    academic_year_first_day,
    half_term_first_day,
    periods,
    week_first_day,
)
from ap_field.config import DEFAULT_HALF_TERM_STARTS, half_term_starts


def test_percentage_of_a_fortnight_worked_by_hand():
    """Twenty sessions over a fortnight:
      12 present on time (/ and \\)  -> present
       2 late before the register closed (L)  -> present
       1 at the LA's provision (K), 1 at another approved activity (B)  -> approved activity
       2 ill (I)  -> authorised absence
       1 reason not yet established (N)  -> unauthorised absence
       1 unable to attend: disruption to travel (Y2)  -> not a possible session
    Possible sessions = 20 - 1 (Y2) = 19. Attended = 12 + 2 + 1 + 1 = 16.
    Attendance = 16 / 19 = 84.2105...% -> 84.2%. Absence = 2 + 1 = 3 sessions = 1.5 days."""
    codes = ["/", "\\"] * 6 + ["L", "L", "K", "B", "I", "I", "N", "Y2"]
    tally = Tally.of(codes)
    assert (tally.present, tally.approved_activity) == (14, 2)
    assert (tally.authorised, tally.unauthorised, tally.not_counted) == (2, 1, 1)
    assert tally.possible_sessions == 19
    assert tally.attendance_percent == Decimal("84.2")
    assert tally.days_missed == Decimal("1.5")


def test_a_half_rounds_up():
    """1 present of 16 possible: 1 / 16 = 6.25% -> 6.3% (half up, not to even)."""
    assert Tally.of(["/"] + ["O"] * 15).attendance_percent == Decimal("6.3")


def test_arrived_after_the_register_closed_is_absence():
    """U is unauthorised absence: 3 present and 1 U is 3 / 4 = 75.0%."""
    assert Tally.of(["/", "\\", "L", "U"]).attendance_percent == Decimal("75.0")


def test_no_possible_session_has_no_percentage():
    """Only codes that are not possible sessions (X, D, #): nothing to divide by."""
    tally = Tally.of(["X", "D", "#"])
    assert tally.possible_sessions == 0
    assert tally.attendance_percent is None


def test_fifteen_days_missed_worked_by_hand():
    """Absence sessions count whether authorised or not, consecutive or not; a single one is
    half a day:
      14 whole days away: 14 x 2 = 28 sessions (I and N)
       1 morning away (O)  -> 29 sessions = 14.5 days: not yet reportable
      10 sessions unable to attend (Y1) and 40 present do not count.
    One more absent afternoon (M), weeks later, makes 30 sessions = 15 days: reportable."""
    codes = ["I", "I"] * 7 + ["N", "N"] * 7 + ["O"] + ["Y1"] * 10 + ["/", "\\"] * 20
    tally = Tally.of(codes)
    assert tally.absent == 29
    assert tally.days_missed == Decimal("14.5")
    assert not tally.must_be_reported

    tally = Tally.of([*codes, "M"])
    assert tally.absent == 30
    assert tally.days_missed == Decimal("15")
    assert tally.must_be_reported


STARTS = half_term_starts(DEFAULT_HALF_TERM_STARTS)


def test_half_terms_start_on_the_configured_dates():
    assert half_term_first_day(date(2026, 11, 18), STARTS) == date(2026, 11, 2)
    assert half_term_first_day(date(2026, 10, 28), STARTS) == date(2026, 9, 1)
    assert half_term_first_day(date(2027, 1, 10), STARTS) == date(2027, 1, 4)


def test_a_year_without_configured_dates_counts_from_1_september():
    assert half_term_first_day(date(2030, 10, 1), STARTS) == date(2030, 9, 1)


def test_the_periods_of_a_sunday():
    sunday = date(2026, 11, 22)
    assert week_first_day(sunday) == date(2026, 11, 16)
    assert academic_year_first_day(date(2027, 3, 1)) == date(2026, 9, 1)
    assert [(p.name, p.first, p.last) for p in periods(sunday, STARTS)] == [
        ("Week", date(2026, 11, 16), sunday),
        ("Half-term", date(2026, 11, 2), sunday),
        ("Year", date(2026, 9, 1), sunday),
    ]
