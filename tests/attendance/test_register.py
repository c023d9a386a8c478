"""Taking a register: one tap per pupil, late asks for minutes, past sessions need a reason,
future ones are refused, changes keep their history, and two people marking at once never
make two marks."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from ap_field.attendance.models import AttendanceMark, AttendanceMarkChange
from ap_field.audit.models import AuditEvent
from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.pupils.services import assign
from tests.attendance.conftest import WEDNESDAY, mark_form
from tests.helpers import AuthActions, text_of

HTMX = {"HX-Request": "true"}


def marks() -> list[AttendanceMark]:
    return list(db.session.scalars(sa.select(AttendanceMark).order_by(AttendanceMark.id)))


def events(name: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.event == name)))


@pytest.fixture
def signed_in(auth, teacher, block, clock):
    auth.login(teacher)
    return teacher


def test_the_register_opens_at_the_current_session_with_the_block(
    client_request, signed_in, block, make_pupil, make_user, clock
):
    someone_elses = make_pupil(legal_name="Zed Other")
    assign(someone_elses, make_user(Role.TEACHER), None)
    page = client_request.get("/register")
    assert text_of(page, "h1") == "AM register"
    assert "Wednesday 18 November 2026" in text_of(page, ".govuk-caption-m")
    rows = page.select("#register > li")
    assert [row.h2.get_text() for row in rows] == [p.legal_name for p in block]
    assert "Zed Other" not in page.get_text()
    assert [b.get_text(" ", strip=True) for b in rows[0].select(".app-register-buttons button")][
        :3
    ] == [
        "Present (Amara Bello)",
        "Late (Amara Bello)",
        "Absent, reason not known (Amara Bello)",
    ]

    clock(12, 30)
    assert text_of(client_request.get("/register"), "h1") == "PM register"


def test_one_tap_marks_present_and_returns_to_the_register(client, signed_in, block):
    pupil = block[0]
    response = client.post(f"/pupils/{pupil.id}/attendance", data=mark_form())
    assert response.status_code == 302
    assert response.location == f"/register?date=2026-11-18&session=am#pupil-{pupil.id}"
    [mark] = marks()
    assert (mark.pupil_id, mark.date, mark.session.value, mark.code) == (
        pupil.id,
        WEDNESDAY,
        "am",
        "/",
    )
    assert mark.taken_by_id == signed_in.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AttendanceMarkChange)) == 1


def test_present_in_the_afternoon_is_recorded_as_a_backslash(client, signed_in, block, clock):
    clock(13, 0)
    client.post(f"/pupils/{block[0].id}/attendance", data=mark_form(session="pm", code="/"))
    assert marks()[0].code == "\\"


def test_with_htmx_only_the_pupils_row_comes_back(client, signed_in, block):
    response = client.post(f"/pupils/{block[1].id}/attendance", data=mark_form(), headers=HTMX)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert response.text.lstrip().startswith(f'<li class="app-card" id="pupil-{block[1].id}"')
    assert "<html" not in response.text
    assert "Present (AM)" in response.text


def test_late_asks_for_the_minutes(client, client_request, signed_in, block):
    url = f"/pupils/{block[0].id}/attendance"
    page = client_request.post(url, data=mark_form(code="L"), expected_status=200)
    assert "Enter how many minutes late, from 1 to 30" in text_of(page, ".govuk-error-summary")
    row = client.post(url, data=mark_form(code="L"), headers=HTMX).text
    assert f'id="minutes-{block[0].id}"' in row
    page = client_request.post(
        url, data=mark_form(code="L", minutes_late="45"), expected_status=200
    )
    assert "later than that is code U" in text_of(page, ".govuk-error-summary")
    assert marks() == []

    client.post(url, data=mark_form(code="L", minutes_late="12"))
    assert (marks()[0].code, marks()[0].minutes_late) == ("L", 12)


@pytest.mark.parametrize("code", ["ZZ", "h", "J", "", "/<script>"])
def test_a_code_that_does_not_exist_is_refused(client_request, signed_in, block, code):
    page = client_request.post(
        f"/pupils/{block[0].id}/attendance", data=mark_form(code=code), expected_status=200
    )
    summary = text_of(page, ".govuk-error-summary")
    assert "There is no attendance code" in summary or "Choose an attendance code" in summary
    assert marks() == []


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"session": "pm"}, "You cannot mark a session that has not started yet"),
        ({"date": "2026-11-19"}, "You cannot mark a session that has not started yet"),
        ({"date": "2026-11-21"}, "Registers are taken on school days, Monday to Friday"),
        ({"date": "18/11/2026"}, "Enter the date as a real date"),
        ({"session": "evening"}, "Not a valid choice"),
        ({"date": "2026-11-17"}, "Enter why you are marking a past session"),
    ],
)
def test_bad_sessions_are_refused(client_request, signed_in, block, fields, message):
    page = client_request.post(
        f"/pupils/{block[0].id}/attendance", data=mark_form(**fields), expected_status=200
    )
    assert message in text_of(page, ".govuk-error-summary")
    assert marks() == []


def test_a_past_session_is_marked_with_its_reason(client, signed_in, block):
    form = mark_form(date="2026-11-17", session="pm", code="I", reason="Mum phoned at 8")
    client.post(f"/pupils/{block[0].id}/attendance", data=form)
    [mark] = marks()
    assert (mark.date.isoformat(), mark.code) == ("2026-11-17", "I")
    [event] = events("attendance.marked")
    assert event.details["reason"] == "Mum phoned at 8"


def test_a_change_keeps_who_when_old_new_and_why(client, client_request, signed_in, block):
    url = f"/pupils/{block[0].id}/attendance"
    client.post(url, data=mark_form(code="N"))
    client.post(url, data=mark_form(code="I", version="1", reason="Phoned in sick"))
    [mark] = marks()
    assert (mark.code, mark.version) == ("I", 2)
    history = db.session.scalars(
        sa.select(AttendanceMarkChange).order_by(AttendanceMarkChange.id)
    ).all()
    assert [(h.old_code, h.new_code, h.reason) for h in history] == [
        (None, "N", None),
        ("N", "I", "Phoned in sick"),
    ]
    assert all(h.changed_by_id == signed_in.id for h in history)
    [changed] = events("attendance.changed")
    assert changed.details | {"date": None} == {
        "date": None,
        "session": "am",
        "before": "N",
        "after": "I",
        "reason": "Phoned in sick",
    }
    page = client_request.get(f"{url}?date=2026-11-18&session=am")
    assert "N to I. Why: Phoned in sick" in text_of(page, "#mark-history")


def test_a_plain_present_mark_stays_out_of_the_chronology(client, signed_in, block):
    client.post(f"/pupils/{block[0].id}/attendance", data=mark_form())
    client.post(f"/pupils/{block[1].id}/attendance", data=mark_form(code="N"))
    assert [event.pupil_id for event in events("attendance.marked")] == [block[1].id]


def test_marking_a_pupil_someone_else_just_marked_shows_their_mark(
    client, client_request, signed_in, block, make_user, app
):
    """Two phones opened the same register; the other one marked first. No second row: this
    phone is shown their mark, and may change it from there."""
    lead = make_user(Role.LEAD, name="Lena Brooks")
    other = app.test_client()
    AuthActions(other).login(lead)
    url = f"/pupils/{block[0].id}/attendance"
    other.post(url, data=mark_form(code="I"))

    page = client_request.post(url, data=mark_form(code="/"), expected_status=409)
    assert "Someone else changed this mark" in page.get_text()
    assert "I: Illness" in page.get_text()
    answer = client.post(url, data=mark_form(code="/"), headers=HTMX)
    assert answer.status_code == 409
    row = answer.text
    assert "Lena Brooks marked Amara Bello I while you were marking" in row
    assert 'name="version" value="1"' in row
    assert [m.code for m in marks()] == ["I"]

    client.post(url, data=mark_form(code="/", version="1"))
    assert [m.code for m in marks()] == ["/"]


def test_a_mark_made_with_no_signal_counts_from_when_it_was_made(client, signed_in, block, clock):
    """Tapped "Late" in the AM at 09:20 with no signal; the phone sends it at 13:30. It is an
    AM mark taken at 09:20, not a past session needing a reason."""
    clock(13, 30)
    made = f"{WEDNESDAY.isoformat()}T09:20:00+00:00"
    form = mark_form(code="L", minutes_late="15", marked_at=made)
    response = client.post(f"/pupils/{block[0].id}/attendance", data=form)

    assert response.status_code == 302
    [mark] = marks()
    assert (mark.code, mark.minutes_late, mark.session.value) == ("L", 15, "am")
    assert mark.taken_at.isoformat() == made


@pytest.mark.parametrize(
    "made",
    [
        pytest.param("T13:00:00+00:00", id="in-another-session"),
        pytest.param("T14:00:00+00:00", id="after-now"),
        pytest.param("T09:20:00", id="without-a-time-zone"),
        pytest.param("not a time", id="not-a-time"),
    ],
)
def test_a_phone_time_outside_the_session_is_not_believed(
    client_request, signed_in, block, clock, made
):
    clock(13, 30)
    form = mark_form(code="/", marked_at=f"{WEDNESDAY.isoformat()}{made}")
    page = client_request.post(f"/pupils/{block[0].id}/attendance", data=form, expected_status=200)

    assert "Enter why you are marking a past session" in text_of(page, ".govuk-error-summary")
    assert marks() == []


def test_a_stale_change_is_refused(client_request, client, signed_in, block):
    url = f"/pupils/{block[0].id}/attendance"
    client.post(url, data=mark_form(code="N"))
    client.post(url, data=mark_form(code="I", version="1"))
    client_request.post(url, data=mark_form(code="O", version="1"), expected_status=409)
    assert marks()[0].code == "I"


def test_a_replayed_tap_makes_one_mark(client, signed_in, block):
    form = mark_form(client_uuid="3f1c1f1e-8d3a-4c55-9a55-0f0e3f7d1a10")
    for _ in range(2):
        assert client.post(f"/pupils/{block[0].id}/attendance", data=form).status_code == 302
    assert len(marks()) == 1


def test_an_admin_reads_registers_but_does_not_mark(client, auth, make_user, block, teacher, clock):
    auth.login(make_user(Role.ADMIN))
    assert client.get(f"/register?teacher={teacher.id}").status_code == 200
    assert client.post(f"/pupils/{block[0].id}/attendance", data=mark_form()).status_code == 403


def test_a_lead_sees_every_register_and_the_ones_not_taken(
    client_request, client, auth, make_user, block, teacher, make_pupil, clock
):
    other_teacher = make_user(Role.TEACHER, name="Grace Whitfield")
    assign(make_pupil(legal_name="Yusuf Ali"), other_teacher, None)
    auth.login(make_user(Role.LEAD))
    for pupil in block:
        client.post(f"/pupils/{pupil.id}/attendance", data=mark_form())

    clock(9, 59)
    page = client_request.get("/register")
    assert "Not taken" not in page.get_text()

    clock(10, 1)
    page = client_request.get("/register")
    rows = {
        text_of(row, "th"): row.get_text(" ", strip=True)
        for row in page.select("#registers tbody tr")
    }
    assert "5 of 5" in rows["Tom Okafor"] and "Taken" in rows["Tom Okafor"]
    assert "0 of 1" in rows["Grace Whitfield"] and "Not taken by 10:00" in rows["Grace Whitfield"]
    assert "Not taken by 14:00" not in page.get_text()

    clock(14, 1)
    assert "Not taken by 14:00" in client_request.get("/register").get_text()

    register = client_request.get(
        f"/register?teacher={other_teacher.id}&date=2026-11-18&session=am"
    )
    assert [row.h2.get_text() for row in register.select("#register > li")] == ["Yusuf Ali"]


def test_registers_are_not_due_at_the_weekend(client_request, auth, make_user, block, clock):
    clock(15, 0, on=WEDNESDAY + timedelta(days=3))
    auth.login(make_user(Role.LEAD))
    page = client_request.get("/register?date=2026-11-21")
    assert "Not taken" not in page.get_text()


def test_todays_check_ins_open_their_register(client_request, signed_in, clock):
    clock(13, 0)
    assert text_of(client_request.get("/register?session=am"), "h1") == "AM register"
    assert text_of(client_request.get("/register?date=2026-11-17"), "h1") == "AM register"


def test_the_registers_come_a_page_at_a_time_with_those_not_taken_first(
    client_request, client, auth, make_user, make_pupil, clock
):
    taken = []
    for number in range(25):
        pupil = make_pupil(legal_name=f"Pupil {number:02d}")
        assign(pupil, make_user(Role.TEACHER, name=f"Teacher {number:02d}"), None)
        taken.append(pupil)
    assign(make_pupil(legal_name="Yusuf Ali"), make_user(Role.TEACHER, name="Zara Young"), None)
    auth.login(make_user(Role.LEAD))
    for pupil in taken:
        client.post(f"/pupils/{pupil.id}/attendance", data=mark_form())

    clock(10, 1)
    page = client_request.get("/register")
    teachers = [text_of(row, "th") for row in page.select("#registers tbody tr")]
    assert teachers == ["Zara Young"] + [f"Teacher {number:02d}" for number in range(24)]
    assert "Not taken by 10:00" in page.select_one("#registers tbody tr").get_text()
    assert "1 of 26 teachers have a register not taken" in text_of(page, "#registers-overdue")

    following = page.select_one("nav[aria-label='Pages of registers'] a[rel=next]")["href"]
    assert following == "/register?date=2026-11-18&registers-page=2#registers"
    last = client_request.get(following)
    assert [text_of(row, "th") for row in last.select("#registers tbody tr")] == ["Teacher 24"]
    past_the_end = client_request.get("/register?date=2026-11-18&registers-page=9")
    assert [text_of(row, "th") for row in past_the_end.select("#registers tbody tr")] == [
        "Teacher 24"
    ]
