"""Schools as leads keep them: numbers checked, contacts for the notices, and each pupil's
school on roll chosen from them."""

import uuid

import pytest
import sqlalchemy as sa

from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.pupils.models import Pupil
from ap_field.schools.models import Phase, School
from tests.helpers import school_named, text_of


def school_form(**overrides) -> dict:
    return {
        "client_uuid": str(uuid.uuid4()),
        "name": "Hillcrest Academy",
        "urn": "137456",
        "laestab": "881/4123",
        "local_authority": "Essex",
        "phase": "secondary",
        "attendance_email": "attendance@hillcrest.example.org",
        "dsl_email": "",
    } | overrides


@pytest.fixture
def lead(make_user, auth):
    user = make_user(Role.LEAD)
    auth.login(user)
    return user


def test_a_lead_adds_a_school(client_request, lead):
    response = client_request.post("/schools/new", school_form())
    school = db.session.scalar(sa.select(School).where(School.name == "Hillcrest Academy"))
    assert response.location == f"/schools/{school.id}"
    assert (school.urn, school.laestab, school.la_code, school.phase) == (
        "137456",
        "8814123",
        881,
        Phase.SECONDARY,
    )
    page = client_request.get(f"/schools/{school.id}")
    assert "attendance@hillcrest.example.org" in page.text
    assert "Details to complete" not in client_request.get("/schools").text


BAD_INPUT = [
    ({"name": ""}, "name", "Enter the school's name"),
    ({"urn": "12345"}, "urn", "A URN is 6 digits, like 100000"),
    ({"urn": "\uff11\uff12\uff13\uff14\uff15\uff16"}, "urn", "A URN is 6 digits"),
    ({"laestab": "88141"}, "laestab", "A LAESTAB number is 7 digits"),
    ({"laestab": "9994123"}, "laestab", "999 is not the number of an English local authority"),
    ({"phase": ""}, "phase", "Choose the school's phase"),
    ({"attendance_email": ""}, "attendance_email", "Enter the email of the school's attendance"),
    ({"attendance_email": "not an email"}, "attendance_email", "email"),
]


@pytest.mark.parametrize("change, field, message", BAD_INPUT)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_saved(
    client_request, lead, change, field, message
):
    page = client_request.post("/schools/new", school_form(**change), expected_status=200)
    assert message in text_of(page, f"#{field}-error")
    assert message in text_of(page, ".govuk-error-summary")
    assert page.select_one("#local_authority")["value"] == "Essex"
    assert db.session.scalar(sa.select(School.id).where(School.urn == "137456")) is None


def test_a_school_already_added_is_refused_by_name_urn_and_laestab(client_request, lead):
    client_request.post("/schools/new", school_form())
    page = client_request.post(
        "/schools/new", school_form(client_uuid=str(uuid.uuid4())), expected_status=200
    )
    assert "Another school already has this name" in text_of(page, "#name-error")
    assert "Another school already has this URN" in text_of(page, "#urn-error")
    assert "Another school already has this LAESTAB number" in text_of(page, "#laestab-error")


def test_an_edit_someone_saved_first_is_answered_409(client_request, lead, app):
    school = school_named("Northside Academy")
    form = school_form(name="Northside Academy", urn=school.urn, laestab=school.laestab)
    client_request.post(f"/schools/{school.id}/edit", form | {"version": "1"})
    page = client_request.post(
        f"/schools/{school.id}/edit",
        form | {"version": "1", "local_authority": "Kent"},
        expected_status=409,
    )
    assert "Kent" in page.text
    db.session.expire_all()
    assert db.session.get(School, school.id).local_authority == "Essex"


def test_a_school_carried_over_without_its_numbers_says_what_to_complete(client_request, lead):
    school = School(name="St Mary's", client_uuid=uuid.uuid4())
    db.session.add(school)
    db.session.commit()
    assert "Details to complete" in client_request.get("/schools").text
    page = client_request.get(f"/schools/{school.id}")
    assert "not sent its pupils' attendance" in page.text


def test_the_pupil_form_chooses_the_school_on_roll(client_request, lead, pupil_form):
    riverside = school_named("Riverside High School")
    page = client_request.get("/pupils/new")
    options = [option.get_text() for option in page.select("#school_id option")]
    assert "Riverside High School" in options and "Northside Academy" in options
    client_request.post("/pupils/new", pupil_form(school_id=str(riverside.id)))
    pupil = db.session.scalar(sa.select(Pupil))
    assert (pupil.school_id, pupil.school_on_roll) == (riverside.id, "Riverside High School")


def test_the_school_officer_sees_only_their_schools_pupils(
    app, client, make_user, make_pupil, auth
):
    northside = school_named("Northside Academy")
    make_pupil(legal_name="On Our Roll", school_id=northside.id)
    make_pupil(legal_name="On Another Roll", school_id=school_named("Riverside Academy").id)
    auth.login(make_user(Role.SCHOOL, school=northside))
    page = client.get("/school")
    assert "On Our Roll" in page.text
    assert "On Another Roll" not in page.text
    assert client.get("/pupils").status_code == 403
