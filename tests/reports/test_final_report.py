"""The final placement report: attainment and progress from the baseline, attendance before
and during, hours delivered, evidence of change, destination; "No baseline" when there is
none rather than a false improvement."""

from datetime import date, timedelta
from decimal import Decimal

from ap_field.auth.models import Role
from ap_field.common.time import london_today
from ap_field.pupils.models import Destination
from ap_field.pupils.services import assign
from tests.attendance.helpers import put_marks
from tests.helpers import text_of, write_demo_plan


def test_a_pupil_without_baselines_shows_no_baseline(client_request, auth, make_user, make_pupil):
    lead = make_user(Role.LEAD)
    pupil = make_pupil(legal_name="Amara Bello", provision_start_date=date(2026, 9, 7))
    auth.login(lead)
    page = client_request.get(f"/pupils/{pupil.id}/final-report")
    attendance = text_of(page, "#attendance + dl")
    assert "Before the placement No baseline" in attendance
    assert "No baseline: no change can be measured" in attendance
    assert "No baseline" in text_of(page, "#attainment + p")
    assert "Destination Not yet recorded" in text_of(page, ".govuk-summary-list")
    assert page.select_one("article.app-report") is not None


def test_the_report_measures_from_the_baseline(client_request, auth, make_user, make_pupil):
    lead = make_user(Role.LEAD)
    monday = london_today() - timedelta(days=london_today().weekday() + 7)
    pupil = make_pupil(
        provision_start_date=monday,
        attendance_before_percent=Decimal("25"),
        destination=Destination.MAINSTREAM,
    )
    teacher = make_user(Role.TEACHER)
    assign(pupil, teacher, None, on=monday)
    write_demo_plan(pupil, lead, starts_on=monday)
    put_marks(pupil, teacher, ["/", "/", "/", "O"], monday)
    auth.login(lead)
    page = client_request.get(f"/pupils/{pupil.id}/final-report")
    attendance = text_of(page, "#attendance + dl")
    assert "Before the placement 25.0%" in attendance
    assert "During the placement 75.0%" in attendance
    assert "Change +50.0 points" in attendance
    assert "Destination Mainstream school" in text_of(page, ".govuk-summary-list")
    targets = page.select(".app-report__answer")
    assert "From: Entry Level 3 · Goal: Pass" in targets[0].text
    assert "Not yet reviewed" in targets[0].text


def test_a_teacher_sees_only_their_pupils_report(client_request, auth, make_user, make_pupil):
    teacher = make_user(Role.TEACHER)
    mine, other = make_pupil(), make_pupil()
    assign(mine, teacher, None)
    auth.login(teacher)
    client_request.get(f"/pupils/{mine.id}/final-report")
    client_request.get(f"/pupils/{other.id}/final-report", expected_status=404)


def test_the_report_charts_attendance_hours_and_progress(
    client_request, auth, make_user, make_pupil
):
    lead = make_user(Role.LEAD)
    monday = london_today() - timedelta(days=london_today().weekday() + 7)
    pupil = make_pupil(provision_start_date=monday)
    teacher = make_user(Role.TEACHER)
    assign(pupil, teacher, None, on=monday)
    write_demo_plan(pupil, lead, starts_on=monday)
    put_marks(pupil, teacher, ["/", "/", "/", "O"], monday)
    auth.login(lead)
    page = client_request.get(f"/pupils/{pupil.id}/final-report")
    for name in ("attendance", "hours", "progress"):
        svg = page.select_one(f"svg[aria-labelledby='chart-{name}-title chart-{name}-desc']")
        assert svg["role"] == "img"
        assert svg.select_one(f"title#chart-{name}-title").text
        assert svg.select_one(f"desc#chart-{name}-desc").text
    attendance = page.select_one("svg[aria-labelledby^='chart-attendance'] + div table")
    week = f"{monday.day} {monday:%b}"
    assert attendance.select_one("tbody td").text == "75.0%"
    assert attendance.select_one("tbody th").text == week
    assert len(page.select("svg[aria-labelledby^='chart-attendance'] rect")) == 1
    hours = page.select_one("svg[aria-labelledby^='chart-hours']")
    assert hours.select_one("line[stroke-dasharray]") is not None
    assert "25 hours" in hours.text
    progress = page.select_one("svg[aria-labelledby^='chart-progress'] + div table")
    assert "Not yet reviewed" in progress.select_one("tbody td").text
