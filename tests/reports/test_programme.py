"""The lead's Programme page: the figures, each linked to its list, in a fixed number of
queries however many pupils there are."""

import contextlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ap_field.auth.models import Role
from ap_field.common.time import london_now, london_today
from ap_field.extensions import db
from ap_field.pupils.models import PupilStatus
from ap_field.pupils.services import assign
from ap_field.reports.models import ProgrammeSnapshot
from ap_field.reports.queries import PROGRAMME, programme_snapshot
from tests.attendance.helpers import put_marks
from tests.helpers import text_of
from tests.premises.helpers import make_provider


@contextlib.contextmanager
def counted_queries():
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def lead(make_user):
    return make_user(Role.LEAD)


def programme_of(make_pupil, make_user, pupils: int) -> None:
    """`pupils` pupils in blocks of five, each with a week of marks and a provider."""
    provider = make_provider(f"Provider for {pupils}")
    monday = london_today() - timedelta(days=london_today().weekday())
    for number in range(pupils):
        if number % 5 == 0:
            teacher = make_user(Role.TEACHER)
        pupil = make_pupil(
            planned_hours_per_week=Decimal("20" if number % 2 else "25"),
            review_date=london_today() - timedelta(days=number % 3),
            providers=[provider],
        )
        assign(pupil, teacher, None, on=date(2026, 9, 1))
        put_marks(pupil, teacher, ["/", "O"], monday)


def forget_the_figures() -> None:
    db.session.execute(sa.delete(ProgrammeSnapshot))
    db.session.commit()


def age_the_figures(by: timedelta) -> None:
    snapshot = db.session.get(ProgrammeSnapshot, PROGRAMME)
    snapshot.computed_at -= by
    db.session.commit()


def figure(page, label: str) -> str:
    for link in page.select("#figures a"):
        if text_of(link, ".app-stat__label") == label:
            return text_of(link, ".app-stat__number")
    raise AssertionError(f"no figure {label}")


def test_the_query_count_does_not_grow_with_pupils(app, client, auth, lead, make_pupil, make_user):
    auth.login(lead)
    programme_of(make_pupil, make_user, 5)
    client.get("/programme")
    counts = []
    for more in (0, 20):
        programme_of(make_pupil, make_user, more)
        forget_the_figures()
        with counted_queries() as working_out:
            assert client.get("/programme").status_code == 200
        with counted_queries() as kept:
            assert client.get("/programme").status_code == 200
        counts.append((len(working_out), len(kept)))
    few, many = counts
    assert many == few
    assert few[1] < few[0]


def test_the_figures_are_kept_for_five_minutes_then_worked_out_again(
    client_request, auth, lead, make_pupil, make_user
):
    programme_of(make_pupil, make_user, 2)
    auth.login(lead)
    page = client_request.get("/programme")
    assert figure(page, "Under 25 hours a week") == "1"
    assert "worked out again every 5 minutes" in text_of(page, "#figures-as-at")

    make_pupil(planned_hours_per_week=Decimal("12"))
    age_the_figures(timedelta(minutes=4))
    assert figure(client_request.get("/programme"), "Under 25 hours a week") == "1"

    age_the_figures(timedelta(minutes=1))
    assert figure(client_request.get("/programme"), "Under 25 hours a week") == "2"


def test_figures_kept_from_yesterday_are_worked_out_again(
    client_request, auth, lead, make_pupil, make_user
):
    programme_of(make_pupil, make_user, 2)
    auth.login(lead)
    client_request.get("/programme")
    make_pupil(planned_hours_per_week=Decimal("12"))
    snapshot = db.session.get(ProgrammeSnapshot, PROGRAMME)
    snapshot.for_day -= timedelta(days=1)
    db.session.commit()
    assert figure(client_request.get("/programme"), "Under 25 hours a week") == "2"


@pytest.fixture
def tick(runner):
    """Runs `flask reminders tick` on an app with a push key; what it printed."""
    assert runner.invoke(args=["push", "init"]).exit_code == 0

    def run() -> str:
        result = runner.invoke(args=["reminders", "tick"])
        assert result.exit_code == 0, result.output
        return result.output

    return run


def test_the_tick_works_the_figures_out_so_that_the_lead_finds_them_kept(
    client_request, auth, lead, make_pupil, make_user, tick
):
    programme_of(make_pupil, make_user, 2)

    assert "The programme's figures worked out again" in tick()

    make_pupil(planned_hours_per_week=Decimal("12"))
    auth.login(lead)
    assert figure(client_request.get("/programme"), "Under 25 hours a week") == "1"


def test_the_tick_leaves_figures_worked_out_less_than_a_minute_ago(
    client_request, auth, lead, make_pupil, make_user, tick
):
    programme_of(make_pupil, make_user, 2)
    auth.login(lead)
    client_request.get("/programme")
    make_pupil(planned_hours_per_week=Decimal("12"))

    assert "figures worked out again" not in tick()
    assert figure(client_request.get("/programme"), "Under 25 hours a week") == "1"

    age_the_figures(timedelta(minutes=1))
    assert "figures worked out again" in tick()
    assert figure(client_request.get("/programme"), "Under 25 hours a week") == "2"


def test_only_those_who_see_every_pupil_may_read_the_kept_figures(app, make_user):
    for role in (Role.TEACHER, Role.PARENT, Role.ASSESSOR):
        with pytest.raises(PermissionError):
            programme_snapshot(make_user(role), london_now(), app.config["HALF_TERM_STARTS"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgrammeSnapshot)) == 0


def test_the_alerts_beside_the_kept_figures_are_read_live(
    client_request, auth, lead, make_pupil, make_user
):
    programme_of(make_pupil, make_user, 2)
    auth.login(lead)
    assert figure(client_request.get("/programme"), "Reviews overdue") == "1"
    make_pupil(review_date=london_today() - timedelta(days=1))
    assert figure(client_request.get("/programme"), "Reviews overdue") == "2"


def test_community_teachers_come_a_page_at_a_time(client_request, auth, lead, make_user):
    for number in range(26):
        make_user(Role.TEACHER, name=f"Teacher {number:02d}")
    auth.login(lead)
    page = client_request.get("/programme")
    rows = page.select("#teachers + .app-table table tbody tr")
    assert [text_of(row, "th") for row in rows] == [f"Teacher {n:02d}" for n in range(25)]
    following = page.select_one("nav[aria-label='Pages of community teachers'] a[rel=next]")
    last = client_request.get(following["href"])
    assert [text_of(row, "th") for row in last.select("#teachers + .app-table table tbody tr")] == [
        "Teacher 25"
    ]


def test_each_figure_links_to_its_list(client_request, auth, lead, make_pupil, make_user):
    programme_of(make_pupil, make_user, 4)
    make_pupil(status=PupilStatus.CLOSED, planned_hours_per_week=Decimal("10"))
    auth.login(lead)
    page = client_request.get("/programme")
    figures = {
        text_of(link, ".app-stat__label"): (text_of(link, ".app-stat__number"), link["href"])
        for link in page.select("#figures a")
    }
    assert figures["Under 25 hours a week"] == ("2", "/attendance#under_25_hours")
    assert figures["Reviews overdue"] == ("2", "/pupils?show=review-overdue")
    assert figures["Attendance this week"][0] == "50.0%"
    assert figures["Attendance this half-term"][0] == "50.0%"
    assert figures["15 or more days missed"] == ("0", "/attendance#missed_15_days")
    assert figures["Providers with compliance flags"][1] == "/providers"
    assert figures["Parents' disputes not answered"] == ("0", "/disputed-sessions")
    statuses = {
        text_of(link, ".app-stat__label"): link["href"]
        for link in page.select(".app-stat-grid:not(#figures) a")
    }
    assert statuses["Active"] == "/pupils?status=active"


def test_the_programme_charts_its_weekly_attendance(
    client_request, auth, lead, make_pupil, make_user
):
    teacher = make_user(Role.TEACHER)
    pupil = make_pupil()
    assign(pupil, teacher, None, on=date(2026, 9, 1))
    monday = london_today() - timedelta(days=london_today().weekday())
    put_marks(pupil, teacher, ["/", "O"], monday)
    auth.login(lead)
    page = client_request.get("/programme")
    svg = page.select_one("svg[aria-labelledby='chart-trend-title chart-trend-desc']")
    assert svg["role"] == "img"
    assert svg.select_one("title").text == "Programme attendance each week"
    cells = [td.text for td in svg.find_next_sibling("div").select("table tbody td")]
    assert len(cells) == 12
    assert cells[-1] == "50.0%"
    assert cells[0] == "No figure"
