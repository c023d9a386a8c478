"""Compulsory school age as the law sets it, code X only outside it, the 15-day and 25-hour
alerts only inside it; UPNs from the local authorities made since 2019; special schools as a
positive destination."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from stdnum.gb import upn

from ap_field.attendance.queries import under_full_time_ids
from ap_field.auth.models import Role
from ap_field.pupils.forms import upn_problem
from ap_field.pupils.models import Destination, Pupil
from ap_field.pupils.queries import pupils_in_scope
from ap_field.pupils.school_age import (
    births_of_school_age,
    is_of_compulsory_school_age,
    school_leaving_date,
)
from ap_field.pupils.services import assign
from ap_field.reports.impact import POSITIVE_DESTINATIONS
from tests.helpers import text_of


@pytest.mark.parametrize(
    ("born", "day_before", "first_day"),
    [
        # Fifth birthday on a prescribed day: of school age from that day.
        (date(2020, 12, 31), date(2025, 12, 30), date(2025, 12, 31)),
        (date(2021, 3, 31), date(2026, 3, 30), date(2026, 3, 31)),
        (date(2021, 8, 31), date(2026, 8, 30), date(2026, 8, 31)),
        # Otherwise from the next prescribed day: 31 December, 31 March, 31 August.
        (date(2020, 9, 1), date(2025, 12, 30), date(2025, 12, 31)),
        (date(2021, 1, 1), date(2026, 3, 30), date(2026, 3, 31)),
        (date(2021, 4, 1), date(2026, 8, 30), date(2026, 8, 31)),
    ],
)
def test_school_age_begins_on_the_prescribed_day_after_the_fifth_birthday(
    born, day_before, first_day
):
    assert not is_of_compulsory_school_age(born, day_before)
    assert is_of_compulsory_school_age(born, first_day)


@pytest.mark.parametrize(
    ("born", "last_day"),
    [
        # Sixteen in the school year 2025/26 (1 September 2025 to 31 August 2026): the last
        # Friday in June 2026, 26 June, is the last day of compulsory school age.
        (date(2009, 9, 1), date(2026, 6, 26)),
        (date(2010, 3, 14), date(2026, 6, 26)),
        (date(2010, 8, 31), date(2026, 6, 26)),
        # Sixteen on 1 September 2026: the school year 2026/27, so 25 June 2027.
        (date(2010, 9, 1), date(2027, 6, 25)),
    ],
)
def test_school_age_ends_on_the_last_friday_of_june_of_the_year_they_turn_sixteen(born, last_day):
    assert is_of_compulsory_school_age(born, last_day)
    assert not is_of_compulsory_school_age(born, last_day + timedelta(days=1))


def test_the_leaving_date_is_the_last_friday_in_june():
    assert [school_leaving_date(year) for year in (2025, 2026, 2027, 2028)] == [
        date(2025, 6, 27),
        date(2026, 6, 26),
        date(2027, 6, 25),
        date(2028, 6, 30),
    ]


def test_the_range_of_births_agrees_with_the_law_day_by_day():
    """On every day of two years, the two dates of birth bound exactly the children the law
    makes of school age, checked against the law written out for each child."""

    def by_the_law(born: date, on: date) -> bool:
        fifth = born.replace(year=born.year + 5)
        prescribed = [
            date(year, month, day)
            for year in (fifth.year, fifth.year + 1)
            for month, day in ((3, 31), (8, 31), (12, 31))
        ]
        starts = min(day for day in prescribed if day >= fifth)
        sixteenth = born.replace(year=born.year + 16)
        leaving_year = sixteenth.year + 1 if sixteenth.month >= 9 else sixteenth.year
        return starts <= on <= school_leaving_date(leaving_year)

    on = date(2026, 1, 1)
    while on < date(2028, 1, 1):
        earliest, latest = births_of_school_age(on)
        for born in (earliest - timedelta(days=1), earliest, latest, latest + timedelta(days=1)):
            if born.month == 2 and born.day == 29:
                continue
            assert by_the_law(born, on) == (earliest <= born <= latest), (on, born)
        on += timedelta(days=7)


@pytest.fixture
def block(make_user, make_pupil, clock, client_request, auth):
    """A teacher signed in with two pupils on 18 November 2026: one of school age, and one who
    is four."""
    clock(9, 5)
    teacher = make_user(Role.TEACHER)
    of_age = make_pupil(legal_name="Amara Bello", date_of_birth=date(2012, 5, 1))
    four = make_pupil(legal_name="Ben Carter", date_of_birth=date(2022, 2, 1))
    for pupil in (of_age, four):
        assign(pupil, teacher, None)
    auth.login(teacher)
    return of_age, four


def mark(client_request, pupil, code: str, status: int):
    form = {"date": "2026-11-18", "session": "am", "code": code, "client_uuid": ""}
    return client_request.post(f"/pupils/{pupil.id}/attendance", form, expected_status=status)


def test_code_x_is_refused_for_a_child_of_school_age(client_request, block):
    of_age, four = block
    page = mark(client_request, of_age, "X", 200)
    assert "X is only for a child who is not of compulsory school age" in text_of(
        page, "#code-error"
    )
    mark(client_request, four, "X", 302)


def test_the_25_hour_alert_is_only_for_children_of_school_age(make_pupil, make_user, clock):
    clock(9, 0, on=date(2026, 7, 1))
    lead = make_user(Role.LEAD)
    left_at_sixteen = make_pupil(date_of_birth=date(2010, 5, 1), planned_hours_per_week=10)
    fourteen = make_pupil(date_of_birth=date(2012, 5, 1), planned_hours_per_week=10)
    watched = under_full_time_ids(pupils_in_scope(lead), date(2026, 7, 1))
    assert watched == [fourteen.id]
    assert left_at_sixteen.planned_hours_per_week == Decimal(10)


@pytest.mark.parametrize("authority", ["838", "839", "940", "941", "942", "943", "886", "909"])
def test_upns_of_every_english_authority_are_accepted(authority):
    body = f"{authority}400124001"
    assert upn_problem(upn.calc_check_digit(body) + body) is None


def test_a_upn_from_no_authority_says_so():
    body = "999400124001"
    problem = upn_problem(upn.calc_check_digit(body) + body)
    assert problem == (
        "999, the UPN's local authority number (characters 2 to 4), is not an English local"
        " authority's"
    )


def test_a_special_school_is_a_positive_destination():
    assert Destination.SPECIAL_SCHOOL in POSITIVE_DESTINATIONS
    assert Pupil(destination=Destination.SPECIAL_SCHOOL).destination in POSITIVE_DESTINATIONS
