"""The lead's dashboard and a final placement report, on a phone and on a desktop screen,
on screen and printed to A4."""

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from ap_field.auth.models import Role
from ap_field.common.time import london_today
from ap_field.pupils.models import Destination
from ap_field.pupils.services import assign
from tests.attendance.helpers import put_marks
from tests.browser.conftest import sign_in_by_requests
from tests.helpers import write_demo_plan

SIZES = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 800},
}


@pytest.fixture(params=list(SIZES))
def screen(request, new_phone):
    """A phone, or the same browser at a desktop screen's size."""
    page = new_phone()
    page.set_viewport_size(SIZES[request.param])
    return page


def placed_pupil(make_user, make_pupil):
    lead, teacher = make_user(Role.LEAD), make_user(Role.TEACHER)
    monday = london_today() - timedelta(days=london_today().weekday() + 7)
    pupil = make_pupil(
        legal_name="Amara Bello",
        provision_start_date=monday,
        attendance_before_percent=Decimal("40"),
        destination=Destination.FURTHER_EDUCATION,
    )
    assign(pupil, teacher, None, on=monday)
    write_demo_plan(pupil, lead, starts_on=monday)
    put_marks(pupil, teacher, ["/", "/", "/", "O"], monday)
    return lead, pupil


def test_the_dashboard_and_a_printed_final_report(screen, make_user, make_pupil):
    lead, pupil = placed_pupil(make_user, make_pupil)
    sign_in_by_requests(screen, lead.email)

    screen.goto("/programme")
    expect(screen.get_by_role("heading", level=1)).to_have_text("Programme")
    expect(screen.get_by_role("img", name="Programme attendance each week")).to_be_visible()
    screen.get_by_role("link", name="Programme impact").click()
    expect(
        screen.get_by_role("heading", name="Attendance improved against the baseline")
    ).to_be_visible()

    screen.goto(f"/pupils/{pupil.id}/final-report")
    expect(screen.get_by_role("heading", level=1)).to_have_text(
        "Final placement report: Amara Bello"
    )
    expect(screen.get_by_role("button", name="Print")).to_be_visible()
    for name in ("Attendance each week", "Hours delivered each week against 25 hours"):
        expect(screen.get_by_role("img", name=name)).to_be_visible()
    expect(
        screen.get_by_role("img", name="Progress from the baseline on each target")
    ).to_be_visible()

    screen.emulate_media(media="print")
    expect(screen.get_by_role("navigation", name="Menu")).to_be_hidden()
    expect(screen.get_by_role("button", name="Print")).to_be_hidden()
    expect(screen.locator("footer")).to_be_hidden()
    expect(screen.get_by_role("img", name="Attendance each week")).to_be_visible()
    expect(screen.get_by_text("Change +35.0 points")).to_be_visible()
    pdf = screen.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 1
