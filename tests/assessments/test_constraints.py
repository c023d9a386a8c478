"""The database itself refuses ratings and scores outside their ranges, whatever sends them."""

import pytest
import sqlalchemy as sa

from ap_field.auth.models import Role
from ap_field.extensions import db
from tests.assessments.helpers import make_assessment


@pytest.mark.parametrize(
    "values",
    [
        {"wellbeing": 0},
        {"anxiety": 6},
        {"literacy_score": 101},
        {"numeracy_score": -1},
        {"reading_age_years": 9, "reading_age_months": 12},
        {"reading_age_years": None, "reading_age_months": 3},
        {"reading_age_years": 40},
    ],
)
def test_out_of_range_values_are_refused(make_pupil, make_user, values):
    with pytest.raises(sa.exc.IntegrityError):
        make_assessment(make_pupil(), make_user(Role.TEACHER), **values)
    db.session.rollback()
