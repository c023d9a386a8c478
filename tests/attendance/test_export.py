"""The register as CSV for the commissioning school: scoped, audit-logged and streamed."""

import contextvars
import csv
import io
from datetime import date

import sqlalchemy as sa
from flask.testing import FlaskClient

from ap_field.audit.models import AuditEvent
from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.pupils.services import assign
from tests.attendance.helpers import put_marks
from tests.helpers import AuthActions, text_of


def download(app, user, path: str):
    """The response and its whole body, read in the context the request ran in, as a
    server streams it (the test client otherwise gives each request a context of its own)."""

    def fetch():
        client = FlaskClient(app, app.response_class, use_cookies=True)
        AuthActions(client).login(user)
        response = client.get(path)
        streamed = response.is_streamed
        return response, streamed, response.get_data().decode("utf-8-sig")

    return contextvars.copy_context().run(fetch)


def test_a_teacher_exports_their_block(app, block, teacher, make_pupil, make_user):
    assign(make_pupil(legal_name="Zed Other"), make_user(Role.TEACHER), None)
    put_marks(block[0], teacher, ["/", "\\", "I", "L"], date(2026, 11, 16))
    response, streamed, body = download(
        app, teacher, "/register/export?first=2026-11-16&last=2026-11-17"
    )
    assert response.status_code == 200
    assert streamed
    assert response.mimetype == "text/csv"
    assert "register-2026-11-16-to-2026-11-17.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:8] == [
        "UPN",
        "Case number",
        "Legal name",
        "School on roll",
        "Date",
        "Session",
        "Code",
        "Meaning",
    ]
    assert len(rows) == 1 + 5 * 2 * 2
    assert "Zed Other" not in body
    amara = [row for row in rows if row[2] == "Amara Bello"]
    assert [(r[4], r[5], r[6], r[9]) for r in amara] == [
        ("2026-11-16", "AM", "/", ""),
        ("2026-11-16", "PM", "\\", ""),
        ("2026-11-17", "AM", "I", ""),
        ("2026-11-17", "PM", "L", "5"),
    ]
    assert amara[2][7:9] == ["Illness (not a medical or dental appointment)", "Authorised absence"]
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.event == "attendance.exported")
    )
    assert event.details == {"first": "2026-11-16", "last": "2026-11-17", "pupils": 5}


def test_a_range_that_ends_before_it_starts_is_refused(client_request, auth, teacher, block):
    auth.login(teacher)
    page = client_request.get("/register/export?first=2026-11-17&last=2026-11-16")
    assert "The last day must be the same as or after the first day" in text_of(
        page, ".govuk-error-summary"
    )
    page = client_request.get("/register/export?first=yesterday&last=")
    assert "Enter the first day as a real date, like 27/03/2012" in text_of(
        page, ".govuk-error-summary"
    )


def test_the_export_form_opens_with_this_month(client_request, auth, teacher):
    auth.login(teacher)
    page = client_request.get("/register/export")
    assert page.select_one("#first")["value"].endswith("-01")


def test_parents_and_assessors_cannot_export(client, auth, make_user):
    for role in (Role.PARENT, Role.ASSESSOR):
        auth.login(make_user(role))
        assert client.get("/register/export?first=2026-11-16&last=2026-11-17").status_code == 403
        auth.logout()
