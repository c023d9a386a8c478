"""Programme impact over a period, checked against a small programme worked by hand."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from ap_field.auth.models import Role
from ap_field.plans.models import Progress
from ap_field.plans.services import hold_review
from ap_field.pupils.models import Destination, PupilStatus
from ap_field.pupils.services import assign
from ap_field.sessions.queries import delivery_between
from tests.assessments.helpers import make_assessment
from tests.attendance.helpers import put_marks
from tests.helpers import text_of, write_demo_plan

FIRST, LAST = date(2026, 9, 7), date(2026, 9, 18)  # two school weeks, Monday to Friday
STARTED = date(2026, 9, 1)


@pytest.fixture
def lead(make_user):
    return make_user(Role.LEAD)


def programme(make_pupil, make_user, lead):
    """Six pupils, five of them placed during 7 to 18 September 2026.

    Attendance (DfE: attended over possible sessions) against the baseline before:
      Asha  60% before, / / / O = 3 of 4 = 75%   -> improved
      Ben   90% before, / O     = 1 of 2 = 50%   -> not improved (-40 points)
      Cara  no baseline, / / / / = 100%          -> "No baseline", not improved
      Dan   50% before, no marks                 -> not improved
      Eve   40% before, / /     = 100%           -> improved
      Fay   placed from 1 October                -> not in the period
    => 2 of 5 (40%): Asha, Eve.

    Academic progress (higher literacy/numeracy score at the latest assessment up to 18
    September than at the baseline, or a target reviewed On track/Achieved in the period):
      Asha  literacy 40 (1 Sep) -> 55 (15 Sep)     -> yes
      Ben   one assessment only                    -> no
      Cara  a target reviewed On track on 14 Sep   -> yes
      Dan   no assessment                          -> no
      Eve   numeracy 20 (1 Sep) -> 30 on 25 Sep, after the period -> no
    => 2 of 5 (40%): Asha, Cara.

    Destinations, of the pupils who have moved on (closed or a destination recorded):
      Ben mainstream (yes), Cara further education (yes), Dan NEET (no),
      Eve closed with no destination (no); Asha is still placed and not counted.
    => 2 of 4 (50%): Ben, Cara.
    """
    teacher = make_user(Role.TEACHER)
    made = {}
    for name, before, status, destination in [
        ("Asha", "60", PupilStatus.ACTIVE, None),
        ("Ben", "90", PupilStatus.CLOSED, Destination.MAINSTREAM),
        ("Cara", None, PupilStatus.CLOSED, Destination.FURTHER_EDUCATION),
        ("Dan", "50", PupilStatus.CLOSED, Destination.NEET),
        ("Eve", "40", PupilStatus.CLOSED, None),
    ]:
        made[name] = make_pupil(
            legal_name=f"{name} Example",
            provision_start_date=STARTED,
            attendance_before_percent=Decimal(before) if before else None,
            status=status,
            destination=destination,
        )
        assign(made[name], teacher, None, on=STARTED)
    make_pupil(legal_name="Fay Example", provision_start_date=date(2026, 10, 1))
    put_marks(made["Asha"], teacher, ["/", "/", "/", "O"], FIRST)
    put_marks(made["Ben"], teacher, ["/", "O"], FIRST)
    put_marks(made["Cara"], teacher, ["/", "/", "/", "/"], FIRST)
    put_marks(made["Eve"], teacher, ["/", "/"], FIRST)
    make_assessment(made["Asha"], teacher, assessed_on=STARTED, literacy_score=40)
    make_assessment(made["Asha"], teacher, assessed_on=date(2026, 9, 15), literacy_score=55)
    make_assessment(made["Ben"], teacher, assessed_on=STARTED, literacy_score=50)
    make_assessment(made["Eve"], teacher, assessed_on=STARTED, numeracy_score=20)
    make_assessment(made["Eve"], teacher, assessed_on=date(2026, 9, 25), numeracy_score=30)
    plan = write_demo_plan(made["Cara"], lead, starts_on=STARTED)
    held_on = date(2026, 9, 14)
    hold_review(
        made["Cara"],
        plan,
        {
            "held_on": held_on,
            "participants": ["pupil"],
            "timetable_changes": "No changes",
            "next_review_on": held_on + timedelta(days=14),
        },
        [{"target_id": plan.targets[0].id, "progress": Progress.ON_TRACK, "comment": ""}],
        delivery_between(made["Cara"], STARTED, held_on),
        lead,
        uuid.uuid4(),
    )


def counted(page, section: str) -> tuple[str, dict[str, str]]:
    figure = text_of(page, f"#{section} + p")
    rows = page.select(f"#{section} ~ .app-table table")[0].select("tbody tr")
    return figure, {
        text_of(row, "th"): " ".join(cell.get_text(" ", strip=True) for cell in row.select("td"))
        for row in rows
    }


def test_the_shares_match_the_hand_worked_programme(
    client_request, auth, lead, make_pupil, make_user
):
    programme(make_pupil, make_user, lead)
    auth.login(lead)
    page = client_request.get(f"/impact?first={FIRST}&last={LAST}")

    figure, pupils = counted(page, "attendance")
    assert figure == "2 of 5 pupils (40%)"
    assert pupils == {
        "Asha Example": "Yes 60.0% before, 75.0% during (+15.0 points)",
        "Ben Example": "No 90.0% before, 50.0% during (-40.0 points)",
        "Cara Example": "No No baseline",
        "Dan Example": "No 50.0% before; no marks in the period",
        "Eve Example": "Yes 40.0% before, 100.0% during (+60.0 points)",
    }

    figure, pupils = counted(page, "academic")
    assert figure == "2 of 5 pupils (40%)"
    assert [name for name, text in pupils.items() if text.startswith("Yes")] == [
        "Asha Example",
        "Cara Example",
    ]
    assert pupils["Asha Example"] == "Yes Literacy score 40 → 55"
    assert pupils["Dan Example"] == "No No baseline assessment, no target on track"

    figure, pupils = counted(page, "destination")
    assert figure == "2 of 4 pupils (50%)"
    assert pupils == {
        "Ben Example": "Yes Mainstream school",
        "Cara Example": "Yes Further education",
        "Dan Example": "No Not in education, employment or training (NEET)",
        "Eve Example": "No Destination not recorded",
    }


def test_a_range_ending_before_it_starts_is_refused(client_request, auth, lead):
    auth.login(lead)
    page = client_request.get(f"/impact?first={LAST}&last={FIRST}")
    assert "The last day must be the same as or after the first day" in text_of(
        page, ".govuk-error-summary"
    )
    assert "The last day must be the same as or after the first day" in text_of(page, "#last-error")
    assert page.select_one("#attendance") is None


def test_the_year_to_date_is_shown_without_a_range(client_request, auth, lead):
    auth.login(lead)
    page = client_request.get("/impact")
    assert text_of(page, "#attendance + p") == "0 of 0 pupils"
