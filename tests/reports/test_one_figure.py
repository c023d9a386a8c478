"""One figure, one source: the Programme page and the final report take attendance from the
register, whatever the session notes say; the Programme page lists where the two disagree."""

import uuid
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from ap_field.attendance.models import RegisterSession
from ap_field.attendance.services import MarkValues, record_mark
from ap_field.auth.models import Role
from ap_field.calendars.queries import half_term_starts
from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.plans.models import Review
from ap_field.plans.queries import current_plan
from ap_field.pupils.services import assign
from ap_field.reports.models import ProgrammeSnapshot
from ap_field.reports.queries import KEPT_FOR, PROGRAMME, disagreements_this_half_term
from tests.helpers import text_of, write_demo_plan, write_test_note
from tests.plans.test_reviews import review_form, timetable_slot
from tests.reports.test_programme import age_the_figures, figure

AM = RegisterSession.AM


def last_monday():
    today = london_today()
    return today - timedelta(days=today.weekday() + 7)


@pytest.fixture
def app_config() -> dict:
    """This half-term began last Monday, so its figures hold last week's marks and notes."""
    return {"HALF_TERM_STARTS": [last_monday()]}


@pytest.fixture
def lead(make_user, auth):
    user = make_user(Role.LEAD)
    auth.login(user)
    return user


@pytest.fixture
def pupil(make_pupil, make_user, lead):
    """Last week: a note on Monday morning, marked O (absent); present on Tuesday morning
    with no note; a note and present on Wednesday morning. The register: 2 of 3 (66.7%);
    the notes alone would say 2 sessions taught of 2 written up."""
    monday = last_monday()
    teacher = make_user(Role.TEACHER)
    pupil = make_pupil(legal_name="Jordan Ellis", preferred_name="Jo", provision_start_date=monday)
    assign(pupil, teacher, None, on=monday)
    write_demo_plan(pupil, teacher, starts_on=monday)
    for weekday in range(3):
        timetable_slot(pupil, weekday, 10, 12)
    for day, code in [(0, "O"), (1, "/"), (2, "/")]:
        values = MarkValues(monday + timedelta(days=day), AM, code, None, None)
        record_mark(pupil, values, teacher, None, uuid.uuid4())
    for day in (0, 2):
        write_test_note(pupil, teacher, held_on=monday + timedelta(days=day), starts_at=time(10))
    return pupil


def test_the_programme_counts_attendance_from_the_register_and_lists_disagreements(
    client_request, pupil
):
    monday = last_monday()
    page = client_request.get("/programme")

    assert figure(page, "Attendance this half-term") == "66.7%"
    assert figure(page, "Sessions where the register and notes disagree") == "2"
    rows = [" ".join(row.get_text().split()) for row in page.select("#disagreements > li")]
    tuesday = monday + timedelta(days=1)
    assert rows[0].startswith(f"Jo: {tuesday:%A %-d %B %Y} AM Marked present (/: Present (AM))")
    assert rows[1].startswith(f"Jo: {monday:%A %-d %B %Y} AM A session note says it was taught")
    links = [link["href"] for link in page.select("#disagreements a")]
    note_id = db.session.scalar(
        sa.text("SELECT id FROM session_notes WHERE pupil_id = :p AND held_on = :d"),
        {"p": pupil.id, "d": monday},
    )
    assert f"/pupils/{pupil.id}/notes/{note_id}" in links
    assert f"/register?date={monday.isoformat()}&session=am" in links


def test_the_disagreements_are_kept_with_the_figures_and_worked_out_again_with_them(
    client_request, pupil, make_user
):
    first = client_request.get("/programme")
    assert figure(first, "Sessions where the register and notes disagree") == "2"
    tuesday = last_monday() + timedelta(days=1)
    write_test_note(pupil, make_user(Role.TEACHER), held_on=tuesday, starts_at=time(10))

    kept = client_request.get("/programme")
    assert len(kept.select("#disagreements > li")) == 2
    assert "As at" in text_of(kept, "#register-and-notes + p")

    age_the_figures(KEPT_FOR)
    again = client_request.get("/programme")
    assert figure(again, "Sessions where the register and notes disagree") == "1"
    [row] = again.select("#disagreements > li")
    assert "A session note says it was taught" in row.get_text()


def test_the_count_and_the_page_come_from_the_same_refresh(client_request, pupil, make_user):
    """A visit that read the figures before another visit's refresh committed still counts
    the disagreements its page lists."""
    client_request.get("/programme")
    kept = db.session.get(ProgrammeSnapshot, PROGRAMME)
    read_before = ProgrammeSnapshot(
        id=kept.id, for_day=kept.for_day, computed_at=kept.computed_at, figures=kept.figures
    )
    tuesday = last_monday() + timedelta(days=1)
    write_test_note(pupil, make_user(Role.TEACHER), held_on=tuesday, starts_at=time(10))
    age_the_figures(KEPT_FOR)
    client_request.get("/programme")

    listed = disagreements_this_half_term(read_before, half_term_starts(london_today()), 1)

    assert listed.page.total == len(listed.page.items) == 1


def test_the_programme_says_when_the_register_and_notes_agree(client_request, lead):
    page = client_request.get("/programme")
    assert figure(page, "Sessions where the register and notes disagree") == "0"
    assert "The register and the session notes agree." in text_of(page, "#no-disagreements")


def test_the_programme_pages_its_disagreements(client_request, pupil, make_pupil, monkeypatch):
    monkeypatch.setattr("ap_field.reports.queries.DISAGREEMENTS_PAGE_SIZE", 1)
    page = client_request.get("/programme")
    assert len(page.select("#disagreements > li")) == 1
    following = page.select_one("nav[aria-label^='Pages of sessions'] a[rel=next]")["href"]
    assert "disagreements-page=2" in following
    assert following.endswith("#register-and-notes")
    later = client_request.get(following)
    assert "A session note says it was taught" in text_of(later, "#disagreements")


def test_the_final_report_takes_attendance_and_each_reviews_from_the_register(
    client_request, pupil
):
    plan = current_plan(pupil)
    client_request.post(f"/pupils/{pupil.id}/reviews/new", review_form(plan, london_today()))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Review)) == 1

    page = client_request.get(f"/pupils/{pupil.id}/final-report")
    assert "During the placement 66.7%" in text_of(page, "#attendance + dl")
    [review] = [
        item.get_text() for item in page.select(".app-report__answer") if "(register)" in item.text
    ]
    assert "attendance 66.7% (register)" in " ".join(review.split())
    assert "session note" in text_of(page, "#hours + p")
