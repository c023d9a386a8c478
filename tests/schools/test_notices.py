"""Each school is told its pupils' attendance twice a day: a first-day absence at once, the
session's marks once the last pupil is marked or at the cut-off, and corrections after; it
confirms receipt through the emailed link, and leads hear of a notice left unconfirmed."""

import re
import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from ap_field.absences.models import AbsenceReason
from ap_field.absences.services import report_absence
from ap_field.attendance.models import RegisterSession
from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.mail.models import OutgoingMail
from ap_field.mail.services import send_pending
from ap_field.pupils.models import Destination, PupilStatus
from ap_field.pupils.services import assign
from ap_field.retention.services import anonymise
from ap_field.schools.notice_models import AttendanceNotice, NoticeKind, NoticeLine
from ap_field.schools.notices import remind_unread, send_due_notices
from tests.helpers import WEDNESDAY, AuthActions, ClientRequest, school_named, text_of

ATTENDANCE = "attendance@northside.example.org"


@pytest.fixture
def school(app):
    return school_named("Northside Academy", attendance_email=ATTENDANCE)


@pytest.fixture
def pupils(make_pupil, school, teacher, make_user):
    """Three pupils on Northside's roll in the teacher's block, and one on another school's."""
    block = [
        make_pupil(legal_name=name, school_id=school.id)
        for name in ("Amelia Hart", "Jayden Clarke", "Kacper Nowak")
    ]
    elsewhere = make_pupil(
        legal_name="Other Roll", school_id=school_named("Riverside High School").id
    )
    for pupil in [*block, elsewhere]:
        assign(pupil, teacher, None, on=date(2026, 9, 1))
    return block


def mark(client, pupil, code: str, session: str = "am", day: date = WEDNESDAY, version=""):
    response = client.post(
        f"/pupils/{pupil.id}/attendance",
        data={
            "date": day.isoformat(),
            "session": session,
            "code": code,
            "minutes_late": "10" if code == "L" else "",
            "version": version,
            "client_uuid": "",
        },
    )
    assert response.status_code in (200, 302), response.text


def receipt_link(message) -> str:
    return re.search(r"http://localhost(/notices/\S+)", message.get_content())[1]


def notices(kind: NoticeKind) -> list[AttendanceNotice]:
    return list(
        db.session.scalars(
            sa.select(AttendanceNotice)
            .where(AttendanceNotice.kind == kind)
            .order_by(AttendanceNotice.id)
        )
    )


def test_an_unexplained_absence_is_told_at_once_and_the_session_when_all_are_marked(
    client, pupils, mailbox, clock
):
    clock(9, 5)
    amelia, jayden, kacper = pupils
    mark(client, amelia, "/")
    assert mailbox.messages == [], "nothing until the session is complete"

    mark(client, jayden, "N")
    [first_day] = mailbox.to(ATTENDANCE)
    assert first_day["Subject"] == (
        "First-day absence: a pupil on Northside Academy's roll, AM register,"
        " Wednesday 18 November 2026"
    )
    assert "Jayden Clarke" in first_day.get_content()
    assert "Jayden" not in first_day["Subject"], "no child's name in a subject line"
    assert "Amelia" not in first_day.get_content()

    mark(client, kacper, "L")
    [_, session] = mailbox.to(ATTENDANCE)
    assert session["Subject"] == (
        "Attendance: Northside Academy, AM register, Wednesday 18 November 2026"
    )
    body = session.get_content()
    lines = [line for line in body.splitlines() if line.startswith("- ")]
    assert [line.split(" (UPN")[0] for line in lines] == [
        "- Amelia Hart",
        "- Jayden Clarke",
        "- Kacper Nowak",
    ]
    assert lines[0].endswith(": / Present (AM)")
    assert lines[1].endswith(": N Reason for absence not yet established")
    assert lines[2].endswith(": L Late arrival before the register has closed")
    assert "Other Roll" not in body, "only the school's own pupils"


def test_the_school_confirms_with_the_link_and_the_pupil_page_shows_read(
    app, client, pupils, mailbox, clock, make_user, auth
):
    clock(9, 5)
    for pupil in pupils:
        mark(client, pupil, "/")
    [session] = mailbox.to(ATTENDANCE)
    link = receipt_link(session)

    stranger = app.test_client()
    page = stranger.get(link)
    assert page.status_code == 200
    assert "3 pupils on your roll" in page.text
    assert "Jayden" not in page.text, "the link alone shows no names"
    clock(9, 55)
    confirmed = stranger.post(link, data={}, follow_redirects=True)
    assert "Receipt confirmed" in confirmed.text

    auth.login(make_user(Role.LEAD))
    pupil_page = ClientRequest(client).get(f"/pupils/{pupils[0].id}")
    told = text_of(pupil_page, "#school-notices ~ ul")
    assert "Sent 09:05" in told and "read 09:55" in told


def test_a_link_that_is_not_a_notice_is_a_page_that_says_so(client):
    response = client.get("/notices/not-a-real-token")
    assert response.status_code == 404
    assert "This link does not work" in response.text


def test_at_the_cut_off_the_unmarked_go_as_first_day_absences(app, client, pupils, mailbox, clock):
    clock(9, 5)
    mark(client, pupils[0], "/")
    clock(10, 29)
    assert send_due_notices() == 0, "not before the cut-off"
    clock(10, 31)
    assert send_due_notices() == 2, "Northside, and Riverside for its one pupil"
    assert send_due_notices() == 0, "once"
    send_pending()

    first_days = mailbox.to(ATTENDANCE)[:-1]
    assert len(first_days) == 2
    assert all("no mark by 10:30" in message.get_content() for message in first_days)
    session = mailbox.to(ATTENDANCE)[-1].get_content()
    assert "Amelia Hart" in session and "/ Present" in session
    assert session.count("no mark by 10:30") == 2


def test_a_mark_changed_after_the_session_notice_goes_as_a_correction(
    client, pupils, mailbox, clock
):
    clock(9, 5)
    for pupil in pupils:
        mark(client, pupil, "N")
    [mark_row] = [n for n in notices(NoticeKind.SESSION)]
    assert len(mark_row.lines) == 3

    clock(9, 40)
    mark(client, pupils[0], "L", version="1")
    correction = mailbox.to(ATTENDANCE)[-1]
    assert correction["Subject"].startswith("Attendance correction: Northside Academy")
    assert "Amelia Hart" in correction.get_content()
    assert "(was N " in correction.get_content()
    assert len(notices(NoticeKind.FIRST_DAY_ABSENCE)) == 3


def test_leads_hear_once_of_a_notice_unconfirmed_after_an_hour(
    client, pupils, mailbox, clock, make_user
):
    lead = make_user(Role.LEAD)
    clock(9, 5)
    for pupil in pupils:
        mark(client, pupil, "/")
    clock(10, 4)
    assert remind_unread() == 0
    clock(10, 6)
    assert remind_unread() == 1
    assert remind_unread() == 0
    send_pending()
    [reminder] = mailbox.to(lead.email)
    assert "Northside Academy" in reminder.get_content()
    assert "Jayden" not in reminder.get_content()


def test_a_school_with_no_attendance_contact_is_told_nothing(
    client, pupils, school, mailbox, clock
):
    school.attendance_email = None
    db.session.commit()
    clock(9, 5)
    for pupil in pupils:
        mark(client, pupil, "N")
    clock(11, 0)
    send_due_notices()
    send_pending()
    assert mailbox.to(ATTENDANCE) == []
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AttendanceNotice.id)).where(
                AttendanceNotice.school_id == school.id
            )
        )
        == 0
    )


def test_the_school_officer_confirms_on_their_page(
    app, client, pupils, school, mailbox, clock, make_user, auth
):
    clock(9, 5)
    for pupil in pupils:
        mark(client, pupil, "/")
    officer = make_user(Role.SCHOOL, school=school)
    officer_client = app.test_client()
    AuthActions(officer_client).login(officer)
    home = officer_client.get("/school")
    assert "Amelia Hart" in home.text and "not yet read" in home.text
    [notice] = notices(NoticeKind.SESSION)
    officer_client.post(f"/school/notices/{notice.id}/read", data={})
    db.session.expire_all()
    assert notices(NoticeKind.SESSION)[0].read_by_id == officer.id


def test_a_notice_is_kept_for_each_day_and_session(client, pupils, mailbox, clock):
    clock(9, 5)
    for pupil in pupils:
        mark(client, pupil, "/")
    clock(13, 5)
    for pupil in pupils:
        mark(client, pupil, "/", session="pm")
    clock.set(clock(9, 5, on=WEDNESDAY + timedelta(days=1)))
    for pupil in pupils:
        mark(client, pupil, "/", day=WEDNESDAY + timedelta(days=1))
    assert [(n.date.day, n.session.value) for n in notices(NoticeKind.SESSION)] == [
        (18, "am"),
        (18, "pm"),
        (19, "am"),
    ]


def test_anonymising_a_pupil_keeps_the_notices_marks_but_not_their_name(
    client, pupils, mailbox, clock
):
    clock(9, 5)
    for pupil in pupils:
        mark(client, pupil, "O")
    jayden = pupils[1]
    jayden.status, jayden.destination = PupilStatus.CLOSED, Destination.MAINSTREAM
    db.session.commit()

    assert anonymise(jayden)
    mails = db.session.scalars(
        sa.select(OutgoingMail).join(AttendanceNotice, AttendanceNotice.mail_id == OutgoingMail.id)
    ).all()
    assert mails and all("Jayden" not in mail.body for mail in mails)
    codes = db.session.scalars(
        sa.select(NoticeLine.code).where(NoticeLine.pupil_id == jayden.id)
    ).all()
    assert codes == ["O", "O"], "the first-day absence and the session's notice"


def test_an_officer_cannot_confirm_another_schools_notice(app, client, pupils, clock, make_user):
    clock(9, 5)
    for pupil in pupils:
        mark(client, pupil, "/")
    [notice] = notices(NoticeKind.SESSION)
    other = make_user(Role.SCHOOL, school=school_named("Riverside High School"))
    officer_client = app.test_client()
    AuthActions(officer_client).login(other)
    assert officer_client.post(f"/school/notices/{notice.id}/read").status_code == 404
    db.session.expire_all()
    assert notices(NoticeKind.SESSION)[0].read_at is None


def reported_ill(pupil, make_parent) -> None:
    """The pupil's parent reported them ill for the whole of WEDNESDAY, ahead."""
    span = (WEDNESDAY, RegisterSession.AM, WEDNESDAY, RegisterSession.PM)
    report_absence(pupil, make_parent(pupil), span, AbsenceReason.ILL, "", uuid.uuid4())


def test_an_absence_a_parent_reported_goes_with_its_reason_not_as_unexplained(
    client, pupils, mailbox, clock, make_parent
):
    clock(9, 5)
    amelia, jayden, kacper = pupils
    reported_ill(jayden, make_parent)
    mailbox.reset()
    mark(client, amelia, "/")
    mark(client, jayden, "N")
    mark(client, kacper, "/")

    [session] = mailbox.to(ATTENDANCE)
    assert session["Subject"].startswith("Attendance: Northside Academy, AM register")
    [jayden_line] = [line for line in session.get_content().splitlines() if "Jayden" in line]
    assert jayden_line.endswith(
        ": N Reason for absence not yet established;"
        " their parent or carer reported this absence ahead: Ill"
    )
    assert "reported" not in session.get_content().replace(jayden_line, "")


def test_at_the_cut_off_a_reported_absence_is_not_sent_as_a_first_day_absence(
    app, client, pupils, mailbox, clock, make_parent
):
    clock(9, 5)
    amelia, jayden, kacper = pupils
    reported_ill(jayden, make_parent)
    mark(client, amelia, "/")
    mark(client, kacper, "/")
    clock(10, 31)
    mailbox.reset()
    send_due_notices()
    send_pending()

    [session] = mailbox.to(ATTENDANCE)
    assert session["Subject"].startswith("Attendance: Northside Academy, AM register")
    assert (
        "Jayden Clarke (UPN" in session.get_content()
        and "no mark by 10:30; their parent or carer reported this absence ahead: Ill"
        in session.get_content()
    )
