"""National Curriculum years, worked by hand from the rule: Reception is the academic year
(1 September to 31 August) in which the child turns 5."""

from datetime import date

import pytest

from ap_field.pupils.models import academic_year_start, national_curriculum_year, nc_year_label


@pytest.mark.parametrize(
    "born, on, year",
    [
        # Turns 5 on 14 Mar 2016, in 2015/16: Reception 2015/16, so Year 11 in 2026/27.
        (date(2011, 3, 14), date(2026, 11, 22), 11),
        # Born 1 September: the oldest in the year, turns 5 on 1 Sep 2016 (2016/17).
        (date(2011, 9, 1), date(2026, 11, 22), 10),
        # Born 31 August: the youngest, turns 5 on 31 Aug 2016, still in 2015/16.
        (date(2011, 8, 31), date(2026, 11, 22), 11),
        # The year changes on 1 September, not on 1 January.
        (date(2011, 3, 14), date(2026, 8, 31), 10),
        (date(2011, 3, 14), date(2026, 9, 1), 11),
        # Born on 29 February.
        (date(2012, 2, 29), date(2026, 11, 22), 10),
        # Reception and below.
        (date(2021, 10, 1), date(2026, 11, 22), 0),
        (date(2022, 10, 1), date(2026, 11, 22), -1),
    ],
)
def test_nc_year(born, on, year):
    assert national_curriculum_year(born, on) == year


def test_academic_year_starts_on_1_september():
    assert academic_year_start(date(2026, 8, 31)) == 2025
    assert academic_year_start(date(2026, 9, 1)) == 2026


def test_labels():
    assert [nc_year_label(year) for year in (-1, 0, 1, 11)] == [
        "Not yet in Reception",
        "Reception",
        "Year 1",
        "Year 11",
    ]
