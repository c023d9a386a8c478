"""Creating and editing the tracking record: validation, idempotent creates and stale edits."""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from ap_field.auth.models import Role
from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.pupils.models import Pupil
from tests.helpers import text_of, valid_upn


@pytest.fixture
def lead(make_user, auth):
    user = make_user(Role.LEAD)
    auth.login(user)
    return user


def pupil_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Pupil))


def test_a_lead_adds_a_pupil_with_every_field(client_request, lead, pupil_form):
    form = pupil_form(reasons=["other", "medical"], reason_other="Young carer")
    response = client_request.post("/pupils/new", form)
    pupil = db.session.scalar(sa.select(Pupil))
    assert response.location == f"/pupils/{pupil.id}"

    page = client_request.get(response.location)
    record = {
        text_of(row, "dt"): text_of(row, "dd") for row in page.select(".govuk-summary-list__row")
    }
    assert record["Legal name"] == "Jordan Ellis"
    assert record["Preferred name"] == "Jojo"
    assert record["Date of birth"] == "Sunday 1 May 2011"
    assert record["UPN"] == form["upn"]
    assert record["SEND"] == "SEN support"
    assert record["Looked-after child"] == "Yes"
    assert record["Free school meals"] == "No"
    assert record["Exclusion"] == "Suspension"
    assert record["Reasons for the provision"] == "Medical needs, Other: Young carer"
    assert record["Planned hours per week"] == "22.5"
    assert record["National Curriculum year"].startswith("Year ")
    assert text_of(page, "h1") == "Jojo"


def test_the_form_shows_the_nc_year_as_the_date_of_birth_is_typed(client_request, lead):
    page = client_request.get(
        "/pupils/nc-year?date_of_birth=2011-03-14", headers={"HX-Request": "true"}
    )
    assert "Year 11 this academic year" in text_of(page, "#nc-year")
    page = client_request.get("/pupils/nc-year?date_of_birth=2022-10-01")
    assert "Outside compulsory school age" in text_of(page, "#nc-year")


def test_a_child_outside_compulsory_school_age_is_saved_with_a_warning(
    client_request, lead, pupil_form
):
    response = client_request.post("/pupils/new", pupil_form(date_of_birth="2008-01-10"))
    page = client_request.get(response.location)
    assert "outside compulsory school age" in text_of(page, ".govuk-warning-text")


BAD_INPUT = [
    ({"upn": "A88640012410" + "Z"}, "upn", "check letter does not match"),
    ({"upn": "X12345"}, "upn", "UPN must be 13 characters"),
    ({"upn": "A000400124101"}, "upn", "local authority number"),
    ({"date_of_birth": "2099-01-01"}, "date_of_birth", "Date of birth must be in the past"),
    ({"date_of_birth": "31/02/2012"}, "date_of_birth", "as a real date"),
    ({"date_of_birth": ""}, "date_of_birth", "Enter the date of birth"),
    ({"legal_name": "  "}, "legal_name", "Enter the pupil's legal name"),
    ({"planned_hours_per_week": "41"}, "planned_hours_per_week", "between 0 and 40"),
    ({"planned_hours_per_week": "-1"}, "planned_hours_per_week", "between 0 and 40"),
    ({"planned_hours_per_week": "lots"}, "planned_hours_per_week", "must be a number"),
    ({"reasons": []}, "reasons", "Choose at least one reason"),
    ({"reasons": ["other"], "reason_other": ""}, "reason_other", "Describe the other reason"),
    ({"status": "closed"}, "destination", "Choose where the pupil went"),
    ({"destination": "mainstream"}, "destination", "Only a closed record has a destination"),
    ({"gender": ""}, "gender", "Choose a gender"),
    ({"ethnicity": ""}, "ethnicity", "Choose an ethnicity"),
    ({"school_id": ""}, "school_id", "Choose the school the pupil is on the roll of"),
]


@pytest.mark.parametrize("change, field, message", BAD_INPUT)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_saved(
    client_request, lead, pupil_form, change, field, message
):
    form = pupil_form(**change)
    page = client_request.post("/pupils/new", form, expected_status=200)
    assert message in text_of(page, f"#{field}-error")
    assert message in text_of(page, ".govuk-error-summary")
    assert page.select_one("#legal_name")["value"] == form["legal_name"].strip()
    assert page.select_one("#case_number")["value"] == form["case_number"]
    assert pupil_count() == 0


def test_dates_in_the_wrong_order_are_refused(client_request, lead, pupil_form):
    today = london_today()
    page = client_request.post(
        "/pupils/new",
        pupil_form(
            provision_start_date=today.isoformat(),
            planned_end_date=(today - timedelta(days=1)).isoformat(),
            review_date=(today - timedelta(days=2)).isoformat(),
        ),
        expected_status=200,
    )
    assert "after the provision start date" in text_of(page, "#planned_end_date-error")
    assert "on or after the provision start date" in text_of(page, "#review_date-error")


def test_duplicate_upn_and_case_number_are_refused(client_request, lead, pupil_form, make_pupil):
    existing = make_pupil()
    page = client_request.post(
        "/pupils/new",
        pupil_form(upn=existing.upn.lower(), case_number=existing.case_number),
        expected_status=200,
    )
    assert "Another pupil already has this UPN" in text_of(page, "#upn-error")
    assert "Another pupil already has this case number" in text_of(page, "#case_number-error")
    assert pupil_count() == 1


def test_a_replayed_create_makes_one_record(client, lead, pupil_form):
    form = pupil_form(client_uuid=str(uuid.uuid4()))
    first = client.post("/pupils/new", data=form)
    second = client.post("/pupils/new", data=form)
    assert first.location == second.location
    assert pupil_count() == 1


def test_an_edit_saves_and_bumps_the_version(client_request, lead, make_pupil, pupil_form):
    pupil = make_pupil()
    page = client_request.get(f"/pupils/{pupil.id}/edit")
    assert page.select_one("#version")["value"] == "1"
    form = pupil_form(
        case_number=pupil.case_number, upn=pupil.upn, legal_name="New Name", version="1"
    )
    client_request.post(f"/pupils/{pupil.id}/edit", form)
    db.session.expire_all()
    assert db.session.get(Pupil, pupil.id).legal_name == "New Name"
    assert db.session.get(Pupil, pupil.id).version == 2


def test_a_stale_edit_gets_409_with_both_versions_and_changes_nothing(
    app, client_request, lead, make_pupil, pupil_form
):
    pupil = make_pupil(legal_name="Original Name")
    mine = pupil_form(case_number=pupil.case_number, upn=pupil.upn, legal_name="Mine", version="1")
    pupil.legal_name = "Theirs"
    db.session.commit()

    page = client_request.post(f"/pupils/{pupil.id}/edit", mine, expected_status=409)

    rows = {
        text_of(row, "th"): [td.get_text(strip=True) for td in row.select("td")]
        for row in page.select("tbody tr")
    }
    assert rows["Legal name"] == ["Theirs", "Mine"]
    db.session.expire_all()
    assert db.session.get(Pupil, pupil.id).legal_name == "Theirs"

    resend = page.select_one("main form")
    data = {}
    for field in resend.select("input[type=hidden]"):
        data.setdefault(field["name"], []).append(field["value"])
    assert data["version"] == ["2"]
    client_request.post(resend["action"], data)
    db.session.expire_all()
    assert db.session.get(Pupil, pupil.id).legal_name == "Mine"


def test_closing_a_record_ends_the_teachers_hold(
    client_request, lead, make_pupil, make_user, pupil_form
):
    from ap_field.pupils.queries import current_assignment
    from ap_field.pupils.services import assign

    pupil = make_pupil()
    assign(pupil, make_user(Role.TEACHER), lead)
    client_request.post(
        f"/pupils/{pupil.id}/edit",
        pupil_form(
            case_number=pupil.case_number,
            upn=pupil.upn,
            status="closed",
            destination="further_education",
            version=str(pupil.version),
        ),
    )
    assert current_assignment(pupil) is None


def test_upn_spaces_and_case_are_tidied(client_request, lead, pupil_form):
    upn = valid_upn(7)
    client_request.post("/pupils/new", pupil_form(upn=f" {upn[:5].lower()} {upn[5:]} "))
    assert db.session.scalar(sa.select(Pupil.upn)) == upn


def test_empty_fields_read_not_recorded(client_request, lead, make_pupil):
    pupil = make_pupil(review_date=None, preferred_name=None)
    page = client_request.get(f"/pupils/{pupil.id}")
    record = {
        text_of(row, "dt"): text_of(row, "dd") for row in page.select(".govuk-summary-list__row")
    }
    assert record["Review date"] == "Not recorded"
    assert record["Preferred name"] == "Not recorded"


def test_an_edit_that_does_not_say_its_version_is_treated_as_stale(
    client_request, lead, make_pupil, pupil_form
):
    pupil = make_pupil(legal_name="Original Name")
    form = pupil_form(case_number=pupil.case_number, upn=pupil.upn, legal_name="Unchecked")
    form.pop("version", None)
    client_request.post(f"/pupils/{pupil.id}/edit", form, expected_status=409)
    db.session.expire_all()
    assert db.session.get(Pupil, pupil.id).legal_name == "Original Name"
