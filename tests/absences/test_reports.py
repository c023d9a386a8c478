"""A parent tells the teacher ahead that their child will be away: the report shows on the
register with the code it suggests, staff choose the code, and the parent may withdraw it
until the absence begins."""

import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from ap_field.absences.models import AbsenceReason, AbsenceReport
from ap_field.absences.services import report_absence
from ap_field.attendance.models import AttendanceMark, RegisterSession
from ap_field.audit.models import AuditEvent
from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.parents.services import link_parent
from ap_field.pupils.services import assign
from ap_field.push.kinds import KINDS
from tests.attendance.helpers import put_marks
from tests.helpers import WEDNESDAY, AuthActions, ClientRequest, text_of

AM, PM = RegisterSession.AM, RegisterSession.PM
THURSDAY, FRIDAY = WEDNESDAY + timedelta(days=1), WEDNESDAY + timedelta(days=2)
PASSED = "That day has passed. To tell us about a day that has passed, call your child's teacher"


@pytest.fixture
def family(app, clock, make_user, make_pupil):
    """Amara, in Tom Okafor's block, and her mother signed in on `client`, at 08:00 on a
    Wednesday in term; a lead."""
    clock(8, 0)
    teacher = make_user(Role.TEACHER, name="Tom Okafor", email="tom@example.org")
    lead = make_user(Role.LEAD, name="Lena Brooks", email="lena@example.org")
    mother = make_user(Role.PARENT, name="Grace Bello")
    amara = make_pupil(legal_name="Amara Bello")
    assign(amara, teacher, lead)
    link_parent(amara, mother, "Mother", may_confirm=True)
    return teacher, lead, mother, amara


@pytest.fixture
def parent_phone(client, family):
    AuthActions(client).login(family[2])
    return ClientRequest(client)


def new_form(phone: ClientRequest, pupil) -> dict:
    page = phone.get(f"/my-child/{pupil.id}/absences/new")
    return {"client_uuid": page.select_one("[name=client_uuid]")["value"]}


def reports() -> list[AbsenceReport]:
    return list(db.session.scalars(sa.select(AbsenceReport).order_by(AbsenceReport.id)))


def span(first: date, first_session, last: date, last_session):
    return first, first_session, last, last_session


def test_on_a_friday_the_next_school_day_is_named(parent_phone, family, clock):
    clock(8, 0, on=FRIDAY)
    page = parent_phone.get(f"/my-child/{family[3].id}/absences/new")
    options = [label.get_text(strip=True) for label in page.select("#when label")]
    assert options[3:6] == [
        "Monday 23 November morning",
        "Monday 23 November afternoon",
        "All day on Monday 23 November",
    ]


def test_a_parent_reports_tomorrow_and_staff_are_told(parent_phone, family, mailbox):
    teacher, lead, _, amara = family
    page = parent_phone.get("/my-child")
    assert text_of(page, "a.govuk-button") == "Tell us Amara Bello will be away"
    page = parent_phone.get(f"/my-child/{amara.id}/absences/new")
    options = [label.get_text(strip=True) for label in page.select("#when label")]
    assert options == [
        "This morning",
        "This afternoon",
        "All day today",
        "Tomorrow morning",
        "Tomorrow afternoon",
        "All day tomorrow",
        "More than one day, or another day",
    ]

    form = new_form(parent_phone, amara) | {
        "when": f"{THURSDAY}:am:pm",
        "reason": "ill",
        "note": "Temperature since last night",
    }
    response = parent_phone.post(f"/my-child/{amara.id}/absences/new", form)

    assert response.location == f"/my-child#child-{amara.id}"
    [report] = reports()
    assert (report.first_day, report.first_session, report.last_day, report.last_session) == (
        THURSDAY,
        AM,
        THURSDAY,
        PM,
    )
    assert report.reason == AbsenceReason.ILL
    page = parent_phone.get("/my-child")
    assert "Amara Bello is away: Thursday 19 November 2026, all day" in text_of(
        page, ".govuk-notification-banner"
    )
    assert "Thursday 19 November 2026, all day" in text_of(page, "[data-absences]")
    assert sorted(message["To"] for message in mailbox.messages) == sorted(
        [teacher.email, lead.email]
    )
    [to_teacher] = mailbox.to(teacher.email)
    body = to_teacher.get_content()
    assert "Thursday 19 November 2026, all day" in body
    assert "Amara" not in body and "Temperature" not in body
    assert "/register?date=2026-11-19&session=am" in body
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.event == "absence.reported"))
    assert event.details["reason"] == "ill"


def test_the_register_shows_the_report_and_suggests_a_code_but_marks_nothing(
    app, client, parent_phone, family, clock
):
    teacher, _, mother, amara = family
    report_absence(
        amara, mother, span(THURSDAY, AM, THURSDAY, AM), AbsenceReason.ILL, "", uuid.uuid4()
    )
    AuthActions(client).logout()
    AuthActions(client).login(teacher)
    clock(9, 5, on=THURSDAY)

    page = ClientRequest(client).get("/register")

    row = page.select_one(f"#pupil-{amara.id}")
    assert "Reported away Grace Bello: ill, Thursday 19 November 2026, morning." in " ".join(
        row.select_one("[data-absence]").get_text().split()
    )
    assert "Suggested code: I" in row.get_text()
    assert row.select_one("button[value=I]").get_text(strip=True).startswith("I: Ill")
    assert "(suggested)" in row.select_one("button[value=I]").get_text()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AttendanceMark)) == 0
    clock(13, 0, on=THURSDAY)
    page = ClientRequest(client).get("/register")
    assert page.select_one(f"#pupil-{amara.id} [data-absence]") is None, "the PM is not reported"


@pytest.mark.parametrize(
    ("reason", "code"),
    [("appointment", "M"), ("religious", "R"), ("family_emergency", None), ("other", None)],
)
def test_each_reason_suggests_its_code(reason, code):
    assert AbsenceReason(reason).suggested_code == code


def test_a_day_that_has_passed_is_refused_with_what_to_do_instead(parent_phone, family):
    amara = family[3]
    form = new_form(parent_phone, amara) | {
        "when": "days",
        "first_day": "2026-11-17",
        "last_day": "2026-11-18",
        "reason": "ill",
        "note": "Still poorly",
    }
    page = parent_phone.post(f"/my-child/{amara.id}/absences/new", form, expected_status=200)
    assert text_of(page, "#first_day-error") == f"Error: {PASSED}"
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#first_day"]
    assert page.select_one("#note").get_text().strip() == "Still poorly"
    assert page.select_one("#reason-0").has_attr("checked")
    assert reports() == []


def test_a_choice_for_a_day_that_passed_while_it_waited_on_the_phone_is_refused(
    parent_phone, family
):
    amara = family[3]
    form = new_form(parent_phone, amara) | {"when": "2026-11-17:am:pm", "reason": "ill"}
    page = parent_phone.post(f"/my-child/{amara.id}/absences/new", form, expected_status=200)
    assert text_of(page, "#when-error") == f"Error: {PASSED}"
    assert reports() == []


@pytest.mark.parametrize(
    ("first", "last", "field", "message"),
    [
        ("2026-11-20", "2026-11-19", "last_day", "The last day must be the same as the first"),
        ("2026-11-19", "2026-12-25", "last_day", "Tell us about up to 31 days at a time"),
        ("", "2026-11-19", "first_day", "Enter the first day your child will be away"),
        ("2026-11-19", "", "last_day", "Enter the last day your child will be away"),
        ("19/11/2026x", "", "first_day", "Enter the first day away as a real date"),
    ],
)
def test_days_that_do_not_make_sense_say_so_beside_the_field(
    parent_phone, family, first, last, field, message
):
    amara = family[3]
    form = new_form(parent_phone, amara) | {
        "when": "days",
        "first_day": first,
        "last_day": last,
        "reason": "other",
    }
    page = parent_phone.post(f"/my-child/{amara.id}/absences/new", form, expected_status=200)
    assert message in text_of(page, f"#{field}-error")
    assert reports() == []


def test_nothing_chosen_asks_for_when_and_why(parent_phone, family):
    amara = family[3]
    page = parent_phone.post(
        f"/my-child/{amara.id}/absences/new", new_form(parent_phone, amara), expected_status=200
    )
    assert text_of(page, "#when-error") == "Error: Choose when your child will be away"
    assert text_of(page, "#reason-error") == "Error: Choose why your child will be away"


def test_reports_that_overlap_or_run_on_become_one(family):
    _, _, mother, amara = family
    first = report_absence(
        amara, mother, span(THURSDAY, AM, THURSDAY, AM), AbsenceReason.ILL, "Fever", uuid.uuid4()
    )
    second = report_absence(
        amara, mother, span(THURSDAY, PM, FRIDAY, PM), AbsenceReason.ILL, "Still ill", uuid.uuid4()
    )
    assert second.id == first.id
    [report] = [report for report in reports() if report.withdrawn_at is None]
    assert (report.first_day, report.first_session, report.last_day, report.last_session) == (
        THURSDAY,
        AM,
        FRIDAY,
        PM,
    )
    assert report.note == "Fever\nStill ill"


def test_separate_days_stay_separate(family):
    _, _, mother, amara = family
    monday = WEDNESDAY + timedelta(days=5)
    report_absence(
        amara, mother, span(THURSDAY, AM, THURSDAY, AM), AbsenceReason.ILL, "", uuid.uuid4()
    )
    report_absence(
        amara, mother, span(monday, AM, monday, PM), AbsenceReason.RELIGIOUS, "", uuid.uuid4()
    )
    assert len(reports()) == 2


def test_a_parent_withdraws_a_report_before_it_begins(parent_phone, family):
    _, _, mother, amara = family
    report = report_absence(
        amara, mother, span(THURSDAY, AM, THURSDAY, PM), AbsenceReason.ILL, "", uuid.uuid4()
    )
    page = parent_phone.get("/my-child")
    button = page.select_one("[data-absences] button")
    assert button.get_text(" ", strip=True).startswith("Amara Bello will be there after all")

    parent_phone.post(
        f"/my-child/{amara.id}/absences/{report.id}/withdraw", {"version": report.version}
    )

    db.session.refresh(report)
    assert report.withdrawn_at is not None
    page = parent_phone.get("/my-child")
    assert "Report withdrawn: Amara Bello" in text_of(page, ".govuk-notification-banner")
    assert "Withdrawn" in text_of(page, "[data-absences]")


def test_a_report_stays_once_the_register_is_taken(parent_phone, family, clock):
    teacher, _, mother, amara = family
    report = report_absence(
        amara, mother, span(WEDNESDAY, PM, THURSDAY, PM), AbsenceReason.ILL, "", uuid.uuid4()
    )
    put_marks(amara, teacher, ["/", "I"], WEDNESDAY)
    parent_phone.post(
        f"/my-child/{amara.id}/absences/{report.id}/withdraw", {"version": report.version}
    )
    page = parent_phone.get("/my-child")
    assert "The register has already been taken for this absence" in text_of(
        page, ".govuk-notification-banner"
    )
    db.session.refresh(report)
    assert report.withdrawn_at is None


def test_a_report_stays_once_the_absence_has_begun(parent_phone, family, clock):
    _, _, mother, amara = family
    report = report_absence(
        amara, mother, span(WEDNESDAY, AM, WEDNESDAY, PM), AbsenceReason.ILL, "", uuid.uuid4()
    )
    parent_phone.post(
        f"/my-child/{amara.id}/absences/{report.id}/withdraw", {"version": report.version}
    )
    assert "already started" in text_of(parent_phone.get("/my-child"), ".govuk-notification-banner")
    db.session.refresh(report)
    assert report.withdrawn_at is None


def test_withdrawing_an_old_version_is_a_conflict(parent_phone, family):
    _, _, mother, amara = family
    report = report_absence(
        amara, mother, span(THURSDAY, AM, THURSDAY, AM), AbsenceReason.ILL, "", uuid.uuid4()
    )
    report_absence(
        amara, mother, span(THURSDAY, PM, THURSDAY, PM), AbsenceReason.ILL, "", uuid.uuid4()
    )
    parent_phone.post(
        f"/my-child/{amara.id}/absences/{report.id}/withdraw", {"version": 1}, expected_status=409
    )
    db.session.refresh(report)
    assert report.withdrawn_at is None


def test_two_children_are_kept_apart(parent_phone, family, make_pupil):
    _, _, mother, amara = family
    kofi = make_pupil(legal_name="Kofi Bello")
    link_parent(kofi, mother, "Mother", may_confirm=True)
    report_absence(
        kofi, mother, span(THURSDAY, AM, THURSDAY, PM), AbsenceReason.ILL, "", uuid.uuid4()
    )
    page = parent_phone.get("/my-child")
    buttons = [a.get_text(strip=True) for a in page.select("a.govuk-button")]
    assert buttons == ["Tell us Amara Bello will be away", "Tell us Kofi Bello will be away"]
    amara_section = page.select_one(f"section[aria-labelledby=child-{amara.id}]")
    kofi_section = page.select_one(f"section[aria-labelledby=child-{kofi.id}]")
    assert amara_section.select_one("[data-absences]") is None
    assert (
        "Thursday 19 November 2026, all day"
        in kofi_section.select_one("[data-absences]").get_text()
    )


def test_the_teacher_and_leads_get_one_push_each(family, clock):
    teacher, lead, mother, amara = family
    report = report_absence(
        amara, mother, span(THURSDAY, AM, THURSDAY, PM), AbsenceReason.ILL, "", uuid.uuid4()
    )
    due = list(KINDS["absence_reported"].find(clock(8, 30)))
    assert sorted(item.user_id for item in due) == sorted([teacher.id, lead.id])
    assert {item.object_id for item in due} == {report.id}
    assert all("Amara" not in item.body for item in due)
    assert list(KINDS["absence_reported"].find(clock(8, 30, on=FRIDAY + timedelta(days=1)))) == []
