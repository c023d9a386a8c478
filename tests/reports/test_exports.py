"""The programme's returns: Annex B tracking sheet, the LA's central record, the register and
the provider compliance list, as CSV and XLSX, scoped to the caller and audit-logged."""

import codecs
import contextvars
import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import g
from flask.testing import FlaskClient
from openpyxl import load_workbook

from ap_field.attendance.queries import export_rows
from ap_field.audit.models import AuditEvent
from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.pupils.models import ExclusionType, PupilStatus
from ap_field.pupils.queries import pupils_in_scope
from ap_field.pupils.services import assign
from ap_field.reports.exports import hours_flag, tracking_sheet_rows
from tests.attendance.helpers import put_marks
from tests.helpers import AuthActions, server_cursors_open, text_of
from tests.premises.helpers import make_provider

# Ofsted 2013, Annex B, as the source lays its columns out, left to right.
ANNEX_B = [
    "Case number", "Name", "Ethnicity", "Gender", "Date of birth", "National Curriculum Year",
    "SEND", "Locality team responsible", "Original school", "School or LA", "Provider(s)",
    "Provision start date", "Hours", "Review date", "Description of reasons behind provision",
    "Action to be taken and by whom",
]  # fmt: skip
# Ofsted 2013, recommendations: "the child's unique ID, date of birth, Unique Pupil Number
# (UPN); type of educational provision...; number of hours provision each week (in particular
# whether the child is receiving more or fewer than 25 hours); ... the type of exclusion; the
# date when the alternative provision began".
CENTRAL_RECORD = [
    "Child's unique ID", "Date of birth", "Unique Pupil Number (UPN)",
    "Type of educational provision", "Hours of provision each week",
    "More or fewer than 25 hours", "Type of exclusion", "Date alternative provision began",
]  # fmt: skip


def download(app, user, path: str):
    """The response and its whole body, read in the context the request ran in."""

    def fetch():
        # The requests share the test's app context, where Flask-Login keeps the person it
        # loaded: each download is a phone of its own, signed in as `user` alone.
        g.pop("_login_user", None)
        client = FlaskClient(app, app.response_class, use_cookies=True)
        AuthActions(client).login(user)
        response = client.get(path)
        return response, response.is_streamed, response.get_data()

    return contextvars.copy_context().run(fetch)


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(body: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


@pytest.fixture
def teacher(make_user):
    return make_user(Role.TEACHER, name="Tom Okafor")


@pytest.fixture
def lead(make_user):
    return make_user(Role.LEAD)


@pytest.fixture
def pupils(make_pupil, teacher, make_user):
    mine = make_pupil(
        legal_name="Amara Bello",
        provision_start_date=date(2026, 9, 7),
        review_date=date(2026, 10, 1),
        locality_team="North",
        commissioner="Northside Academy",
        action_to_be_taken='=HYPERLINK("x") Phased return, by Tom',
        exclusion_type=ExclusionType.PERMANENT,
        planned_hours_per_week=Decimal("24.5"),
        providers=[make_provider()],
    )
    assign(mine, teacher, None, on=date(2026, 9, 1))
    other = make_pupil(legal_name="Zed Other", planned_hours_per_week=Decimal("25.5"))
    assign(other, make_user(Role.TEACHER), None, on=date(2026, 9, 1))
    return mine, other


def test_the_tracking_sheet_has_annex_b_columns_in_order(app, lead, pupils):
    response, streamed, body = download(app, lead, "/exports?export=tracking-sheet&format=csv")
    assert response.status_code == 200 and streamed and response.mimetype == "text/csv"
    assert 'filename="tracking-sheet.csv"' in response.headers["Content-Disposition"]
    rows = csv_rows(body)
    assert rows[0] == ANNEX_B
    amara = next(row for row in rows if row[1] == "Amara Bello")
    assert amara[4] == "2011-05-01"
    assert amara[10] == "Riverside Motor Skills"
    assert amara[11:14] == ["2026-09-07", "24.5", "2026-10-01"]
    assert amara[15].startswith("'=HYPERLINK")
    assert len(rows) == 3


def test_the_tracking_sheet_as_xlsx_keeps_dates_as_dates(app, lead, pupils):
    response, streamed, body = download(app, lead, "/exports?export=tracking-sheet&format=xlsx")
    assert response.status_code == 200 and streamed
    assert response.mimetype.endswith("spreadsheetml.sheet")
    rows = xlsx_rows(body)
    assert list(rows[0]) == ANNEX_B
    amara = next(row for row in rows if row[1] == "Amara Bello")
    assert amara[4] == datetime(2011, 5, 1)
    assert amara[11] == datetime(2026, 9, 7)
    assert amara[12] == 24.5


def test_the_central_record_has_the_recommended_data(app, lead, pupils):
    rows = csv_rows(download(app, lead, "/exports?export=central-record&format=csv")[2])
    assert rows[0] == CENTRAL_RECORD
    amara = next(row for row in rows if row[0] == pupils[0].case_number)
    assert amara[1:3] == ["2011-05-01", pupils[0].upn]
    assert "Riverside Motor Skills" in amara[3]
    assert amara[4:] == ["24.5", "Fewer than 25 hours", "Permanent exclusion", "2026-09-07"]
    xlsx = xlsx_rows(download(app, lead, "/exports?export=central-record&format=xlsx")[2])
    assert list(xlsx[0]) == CENTRAL_RECORD
    assert xlsx[1][1] == datetime(2011, 5, 1)


@pytest.mark.parametrize(
    ("hours", "flag"),
    [("24.5", "Fewer than 25 hours"), ("25", "25 hours or more"), ("25.5", "25 hours or more")],
)
def test_the_hours_flag_at_the_25_hour_line(app, lead, make_pupil, hours, flag):
    assert hours_flag(Decimal(hours)) == flag
    pupil = make_pupil(planned_hours_per_week=Decimal(hours))
    rows = csv_rows(download(app, lead, "/exports?export=central-record&format=csv")[2])
    assert next(row for row in rows if row[0] == pupil.case_number)[5] == flag


def test_a_teachers_export_holds_only_their_caseload(app, teacher, pupils):
    for export in ("tracking-sheet", "central-record"):
        body = download(app, teacher, f"/exports?export={export}&format=csv")[2].decode()
        assert pupils[0].case_number in body
        assert pupils[1].case_number not in body
    body = download(
        app, teacher, "/exports?export=register&format=csv&first=2026-11-16&last=2026-11-16"
    )[2].decode()
    assert "Amara Bello" in body and "Zed Other" not in body


def test_a_teacher_may_not_export_the_provider_list(client_request, auth, teacher, pupils):
    auth.login(teacher)
    page = client_request.get("/exports")
    assert "Provider compliance list" not in page.text
    page = client_request.get("/exports?export=providers&format=csv")
    assert "Not a valid choice" in text_of(page, ".govuk-error-summary")


def test_the_register_export_reuses_the_register(app, lead, pupils, teacher):
    put_marks(pupils[0], teacher, ["/", "I"], date(2026, 11, 16))
    path = "/exports?export=register&format=xlsx&first=2026-11-16&last=2026-11-16"
    rows = xlsx_rows(download(app, lead, path)[2])
    assert rows[0][:4] == ("UPN", "Case number", "Legal name", "School on roll")
    amara = [row for row in rows if row[2] == "Amara Bello"]
    assert [(row[4], row[5], row[6]) for row in amara] == [
        (datetime(2026, 11, 16), "AM", "/"),
        (datetime(2026, 11, 16), "PM", "I"),
    ]


@pytest.mark.parametrize(
    "rows_of",
    [
        lambda in_scope: export_rows(in_scope, date(2026, 11, 16), date(2026, 11, 16)),
        lambda in_scope: tracking_sheet_rows(in_scope, date(2026, 11, 16)),
    ],
    ids=["register", "tracking sheet"],
)
def test_a_download_stopped_part_way_leaves_no_cursor_open(app, lead, pupils, rows_of):
    """A lead who cancels a download: its rows stop being read, and the cursor over them is
    closed with the response, not left to the garbage collector."""
    rows = rows_of(pupils_in_scope(lead))
    next(rows)
    rows.close()
    assert server_cursors_open() == 0


def test_the_provider_compliance_list(app, lead, pupils):
    rows = csv_rows(download(app, lead, "/exports?export=providers&format=csv")[2])
    assert rows[0][:3] == ["Provider", "Type", "URN"]
    assert [row[0] for row in rows[1:]] == ["Riverside Motor Skills"]
    assert rows[1][4] == "1"


def test_each_export_is_audit_logged(app, lead, pupils):
    download(app, lead, "/exports?export=central-record&format=xlsx")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.event == "report.exported"))
    assert event.actor_id == lead.id
    assert event.details == {
        "export": "central-record", "format": "xlsx", "rows": 2, "first": None, "last": None,
    }  # fmt: skip


def test_a_range_that_ends_before_it_starts_is_refused(client_request, auth, lead, pupils, clock):
    clock(9, 0, on=date(2026, 11, 16))
    auth.login(lead)
    page = client_request.get(
        "/exports?export=register&format=csv&first=2026-11-17&last=2026-11-16"
    )
    assert "The last day must be the same as or after the first day" in text_of(
        page, ".govuk-error-summary"
    )
    page = client_request.get("/exports?export=register&format=csv&first=2026-11-17&last=")
    assert "The last day must be the same as or after the first day" in text_of(
        page, ".govuk-error-summary"
    )
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.event == "report.exported")
        )
        == 0
    )


def test_the_exports_page_lists_what_a_lead_may_download(client_request, auth, lead):
    auth.login(lead)
    page = client_request.get("/exports")
    labels = [label.text for label in page.select("#export label")]
    assert labels == [
        "Tracking sheet (Ofsted Annex B)",
        "Central record of children not in full-time education",
        "Register (AM and PM marks)",
        "Provider compliance list",
    ]


def test_a_pupil_closed_this_school_year_stays_in_its_annex_b_return(app, lead, make_pupil, clock):
    clock(9, 0)
    make_pupil(
        legal_name="Closed In October", status=PupilStatus.CLOSED, closed_on=date(2026, 10, 9)
    )
    make_pupil(
        legal_name="Closed Last Year", status=PupilStatus.CLOSED, closed_on=date(2026, 7, 17)
    )
    make_pupil(legal_name="Still Here")
    _, _, body = download(app, lead, "/exports?export=tracking-sheet&format=csv")
    names = sorted(row[1] for row in csv_rows(body)[1:])
    assert names == ["Closed In October", "Still Here"]


@pytest.mark.parametrize(
    "path",
    [
        "/exports?export=tracking-sheet&format=csv&first=&last=",
        "/exports?export=central-record&format=xlsx&first=&last=",
        "/exports?export=providers&format=csv&first=&last=",
    ],
)
def test_an_export_that_covers_no_period_takes_blank_days(app, lead, pupils, path):
    response, _, _ = download(app, lead, path)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("query", "first", "last"),
    [
        ("first=&last=", "2026-09-01", "2026-11-18"),
        ("first=2026-11-02&last=", "2026-11-02", "2026-11-18"),
        ("first=&last=2026-07-17", "2025-09-01", "2026-07-17"),
    ],
)
@pytest.mark.parametrize("path", ["/exports?export=register&format=csv&", "/register/export?"])
def test_blank_days_export_this_school_year_so_far(
    app, lead, teacher, pupils, clock, path, query, first, last
):
    clock(9, 0)
    put_marks(pupils[0], teacher, ["/", "I"], date(2026, 9, 1))
    response, _, body = download(app, lead, path + query)
    assert response.status_code == 200
    assert f"{first}-to-{last}.csv" in response.headers["Content-Disposition"]
    amara = [row for row in csv_rows(body) if row[2] == "Amara Bello"]
    assert amara[0][4:7] == [first, "AM", "/" if first == "2026-09-01" else ""]
    assert amara[-1][4:6] == [last, "PM"]
    event = db.session.scalar(
        sa.select(AuditEvent)
        .where(AuditEvent.event.in_(["report.exported", "attendance.exported"]))
        .order_by(AuditEvent.id.desc())
    )
    assert (event.details["first"], event.details["last"]) == (first, last)


def test_a_blank_day_beside_a_wrong_one_keeps_the_advice(client_request, auth, lead, pupils):
    auth.login(lead)
    for path in ("/exports?export=register&format=csv&", "/register/export?"):
        page = client_request.get(path + "first=yesterday&last=")
        assert text_of(page, "#first-error") == (
            "Error: Enter the first day as a real date, like 27/03/2012"
        )
        assert page.select_one("#first")["value"] == "yesterday"
        assert page.select_one("#last-error") is None


@pytest.mark.parametrize(
    "path",
    [
        "/exports?export=tracking-sheet&format=csv",
        "/exports?export=central-record&format=csv",
        "/exports?export=register&format=csv",
        "/exports?export=providers&format=csv",
        "/register/export?first=2026-11-16&last=2026-11-16",
    ],
)
def test_every_csv_starts_with_a_byte_order_mark_so_excel_reads_utf8(
    app, lead, make_pupil, teacher, path
):
    pupil = make_pupil(legal_name="Zoë Ó'Brien", providers=[make_provider("Ó'Brien Café")])
    assign(pupil, teacher, None, on=date(2026, 9, 1))
    response, streamed, body = download(app, lead, path)
    assert response.status_code == 200 and streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert body.startswith(codecs.BOM_UTF8) and body.count(codecs.BOM_UTF8) == 1
    assert "Ó'Brien" in body.decode("utf-8-sig")
