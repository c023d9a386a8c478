"""The commissioning school hears of its pupils' attendance as the register is taken: a
first-day absence at once, then the session's marks, and confirms receipt with the link."""

import re
from datetime import date

from playwright.sync_api import Locator, Page, expect

from ap_field.auth.models import Role
from ap_field.pupils.services import assign
from tests.browser.conftest import sign_in_by_requests
from tests.helpers import school_named

NAMES = ["Amara Bello", "Ben Carter", "Cara Doyle"]
ATTENDANCE = "attendance@northside.example.org"


def test_an_am_register_tells_the_school_and_the_school_confirms(
    new_phone, make_user, make_pupil, mailbox, clock
):
    clock(9, 5, on=date(2026, 11, 16))
    school = school_named("Northside Academy", attendance_email=ATTENDANCE)
    teacher = make_user(Role.TEACHER)
    pupils = [make_pupil(legal_name=name, school_id=school.id) for name in NAMES]
    for pupil in pupils:
        assign(pupil, teacher, None, on=date(2026, 9, 1))
    phone: Page = new_phone()
    sign_in_by_requests(phone, teacher.email)
    phone.goto("/register")

    def row(name: str) -> Locator:
        return phone.locator("#register > li", has=phone.get_by_role("heading", name=name))

    def marked(pupil) -> Locator:
        """The line that says how the pupil is marked, once the server has the mark."""
        return phone.locator(f"#mark-{pupil.id}")

    row("Cara Doyle").get_by_role("button", name="Absent, reason not known (Cara Doyle)").tap()
    expect(marked(pupils[2])).to_contain_text("Marked N")
    [first_day] = mailbox.wait_for(1)
    assert first_day["Subject"].startswith("First-day absence")
    assert "Cara Doyle" in first_day.get_content()

    for name, pupil in zip(NAMES[:2], pupils[:2], strict=True):
        row(name).get_by_role("button", name=f"Present ({name})").tap()
        expect(marked(pupil)).to_contain_text("Marked / Present (AM)")
    session = mailbox.wait_for(2)[1]
    assert (
        session["Subject"] == "Attendance: Northside Academy, AM register, Monday 16 November 2026"
    )
    codes = dict(re.findall(r"- (\w+ \w+) \(UPN \w+\): (\S+)", session.get_content()))
    assert codes == {"Amara Bello": "/", "Ben Carter": "/", "Cara Doyle": "N"}

    clock(9, 20, on=date(2026, 11, 16))
    school_phone: Page = new_phone()
    school_phone.goto(re.search(r"http://\S+/notices/\S+", session.get_content())[0])
    expect(school_phone.locator("main")).to_contain_text("about 3 pupils on your roll")
    school_phone.get_by_role("button", name="Confirm receipt").tap()
    expect(school_phone.get_by_role("heading", name="Receipt confirmed")).to_be_visible()

    phone.goto(f"/pupils/{pupils[2].id}")
    told = phone.locator("#school-notices + ul")
    expect(told).to_contain_text("First-day absence: AM Monday 16 November 2026")
    session_card = told.locator("li", has_text="Session's attendance")
    expect(session_card).to_contain_text("Sent ")
    expect(session_card).to_contain_text("read 09:20")
