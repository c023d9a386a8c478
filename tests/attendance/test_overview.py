"""The lead's attendance screen: 15 days missed, under 25 hours, unexplained absences, and
the record that the local authority was told; and the figures on the pupil page."""

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from ap_field.attendance.models import LocalAuthorityReport
from ap_field.audit.models import AuditEvent
from ap_field.auth.models import Role
from ap_field.common.time import london_today
from ap_field.extensions import db
from tests.attendance.conftest import WEDNESDAY
from tests.attendance.helpers import put_marks
from tests.helpers import text_of

OCTOBER, NOVEMBER = date(2026, 10, 5), date(2026, 11, 2)


def test_fifteen_days_missed_under_25_hours_and_unexplained(
    client_request, client, auth, make_user, block, teacher, clock
):
    lead = make_user(Role.LEAD, name="Lena Brooks")
    put_marks(block[0], teacher, ["I", "N"] * 15, OCTOBER)  # 30 sessions: 15 days
    put_marks(block[1], teacher, ["O"] * 29 + ["/"], OCTOBER)  # 29 sessions: 14.5 days
    put_marks(block[2], teacher, ["/"] * 24 + ["N"], NOVEMBER)  # ends Wednesday 18th, AM
    block[3].planned_hours_per_week = Decimal("18")
    db.session.commit()
    auth.login(lead)

    page = client_request.get("/attendance")
    missing = page.select_one("#missed_15_days + p + ul").get_text(" ", strip=True)
    assert "Amara Bello" in missing and "Ben Carter" not in missing
    assert "15 days missed (15 authorised and 15 unauthorised absence sessions)" in missing
    under = page.select_one("#under_25_hours + p + ul").get_text(" ", strip=True)
    assert "Dev Patel Planned 18.0 hours" in under and "Amara Bello" not in under
    unexplained = page.select_one("#unexplained ~ ul").get_text(" ", strip=True)
    assert "Cara Doyle" in unexplained and "Today" in unexplained

    listed = client_request.get("/pupils?show=missed-15-days")
    assert "Amara Bello" in listed.get_text() and "Ben Carter" not in listed.get_text()


def test_who_is_listed_is_worked_out_again_every_five_minutes(
    client_request, auth, make_user, block, clock
):
    block[3].planned_hours_per_week = Decimal("18")
    db.session.commit()
    auth.login(make_user(Role.LEAD))

    def under_25_hours() -> str:
        page = client_request.get("/attendance")
        return page.select_one("#under_25_hours + p + ul").get_text(" ", strip=True)

    assert "Dev Patel" in under_25_hours() and "Ben Carter" not in under_25_hours()
    block[1].planned_hours_per_week = Decimal("20")
    db.session.commit()
    clock(9, 9)
    page = client_request.get("/attendance")
    assert "as at 09:05, worked out again every 5 minutes" in text_of(page, "#lists-as-at")
    assert "Ben Carter" not in under_25_hours()
    clock(9, 10)
    assert "Ben Carter Planned 20.0 hours" in under_25_hours()


def test_reporting_to_the_local_authority_records_who_and_when(
    client_request, client, auth, make_user, block, teacher, clock
):
    lead = make_user(Role.LEAD, name="Lena Brooks")
    put_marks(block[0], teacher, ["I"] * 30, OCTOBER)
    auth.login(lead)
    url = f"/pupils/{block[0].id}/attendance/report"
    form = {"concern": "missed_15_days", "client_uuid": ""}
    for _ in range(2):
        assert client.post(url, data=form).status_code == 302
    [report] = db.session.scalars(sa.select(LocalAuthorityReport)).all()
    assert (report.reported_by_id, report.academic_year) == (lead.id, 2026)
    page = client_request.get("/attendance")
    shown = page.select_one("#missed_15_days + p + ul").get_text(" ", strip=True)
    assert "Reported to the local authority by Lena Brooks" in shown
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.event == "attendance.reported")
    )
    assert event.pupil_id == block[0].id


def test_a_report_without_a_concern_is_refused(client, auth, make_user, block, clock):
    auth.login(make_user(Role.LEAD))
    response = client.post(
        f"/pupils/{block[0].id}/attendance/report",
        data={"concern": "made_up"},
        follow_redirects=True,
    )
    assert "Choose what you reported to the local authority" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LocalAuthorityReport)) == 0


def test_unexplained_absences_come_a_page_at_a_time_newest_first(
    client_request, auth, make_user, block, teacher, clock
):
    for pupil in block:
        put_marks(pupil, teacher, ["N"] * 6, WEDNESDAY - timedelta(days=7))
    auth.login(make_user(Role.LEAD))

    page = client_request.get("/attendance")
    listed = page.select("#unexplained ~ ul.app-card-list")[0].select("li")
    assert len(listed) == 25
    assert "13 November 2026, PM" in listed[0].get_text(" ", strip=True)
    pager = page.select_one("nav[aria-label='Pages of unexplained absences']")
    assert "Page 1 of 2" in pager.get_text()

    last = client_request.get(pager.select_one("a[rel=next]")["href"])
    remaining = last.select("#unexplained ~ ul.app-card-list")[0].select("li")
    assert len(remaining) == 5
    assert all("11 November 2026, AM" in card.get_text(" ", strip=True) for card in remaining)


def test_the_teachers_today_lists_unexplained_absences(client_request, auth, block, teacher):
    day = london_today()
    while day.weekday() > 4:
        day -= timedelta(days=1)
    put_marks(block[4], teacher, ["N"], day)
    auth.login(teacher)
    page = client_request.get("/today")
    assert "Ema Novak" in text_of(page, "#unexplained ~ ul")


def test_the_pupil_page_shows_the_figures(client_request, auth, block, teacher, clock):
    """Week of Monday 16 November, up to Wednesday 18th AM: /, I, \\, N, L = 5 possible,
    3 attended = 60.0%, 1 authorised, 1 unauthorised."""
    put_marks(block[0], teacher, ["/", "I", "\\", "N", "L"], date(2026, 11, 16))
    auth.login(teacher)
    page = client_request.get(f"/pupils/{block[0].id}")
    table = {
        text_of(row, "th"): [cell.get_text(strip=True) for cell in row.select("td")]
        for row in page.select("#attendance + .app-table table tbody tr")
    }
    assert table["Attendance"][0] == "60.0%"
    assert table["Possible sessions"] == ["5", "5", "5"]
    assert table["Authorised absence"][0] == "1"
    assert table["Unauthorised absence"][0] == "1"


def test_an_admin_reads_the_screen_and_is_sent_to_the_pupil(
    client_request, auth, make_user, block, teacher, clock
):
    put_marks(block[2], teacher, ["/"] * 24 + ["N"], NOVEMBER)
    auth.login(make_user(Role.ADMIN))
    link = client_request.get("/attendance").select_one("#unexplained ~ ul a")
    assert link["href"] == f"/pupils/{block[2].id}"


def test_the_under_25_hours_list_comes_a_page_at_a_time(
    client_request, auth, make_user, make_pupil, clock
):
    names = [f"Pupil {letter}" for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"] + ["Pupil ZZ"]
    for name in names:
        make_pupil(legal_name=name, planned_hours_per_week=Decimal("15"))
    auth.login(make_user(Role.LEAD))

    first = client_request.get("/attendance")
    second = client_request.get(first.select_one("#under_25_hours ~ nav a[rel=next]")["href"])

    def listed(page):
        return [link.get_text(strip=True) for link in page.select("#under_25_hours + p + ul h3 a")]

    assert listed(first) == names[:25]
    assert listed(second) == names[25:]
    assert second.select_one("#under_25_hours ~ nav a[rel=prev]") is not None
