"""Schools as leads keep them: numbers checked, contacts for the notices, and each pupil's
school on roll chosen from them."""

import re
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from ap_field.auth.models import Role, User
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


def invitation_link(message) -> str:
    return re.search(r"http://localhost(/welcome/\S+)", message.get_content())[1]


def test_a_lead_invites_an_officer_who_sets_a_password_and_signs_in(
    app, client_request, lead, mailbox, clock
):
    school = school_named("Northside Academy")
    client_request.post(
        f"/schools/{school.id}/officers/new",
        {"name": "Priya Shah", "email": "p.shah@northside.example.org"},
    )
    [invitation] = mailbox.to("p.shah@northside.example.org")
    assert "Northside Academy" in invitation["Subject"]
    assert "invited" in client_request.get(f"/schools/{school.id}").text

    stranger = app.test_client()
    link = invitation_link(invitation)
    page = stranger.post(link, data={"new_password": "short", "confirm_password": "short"})
    assert page.status_code == 200 and "govuk-error-summary" in page.text
    password = "correct horse battery staple"
    answer = stranger.post(link, data={"new_password": password, "confirm_password": password})
    assert answer.location == "/sign-in"
    assert stranger.get(link).status_code == 404, "the link sets one password only"

    officer = db.session.scalar(sa.select(User).where(User.email == "p.shah@northside.example.org"))
    assert (officer.role, officer.school_id) == (Role.SCHOOL, school.id)
    assert officer.check_password(password)


def test_an_old_or_made_up_invitation_link_is_a_page_that_says_so(
    client_request, lead, mailbox, clock, client
):
    school = school_named("Northside Academy")
    clock(9, 0)
    client_request.post(
        f"/schools/{school.id}/officers/new",
        {"name": "Priya Shah", "email": "p.shah@northside.example.org"},
    )
    link = invitation_link(mailbox.messages[-1])
    clock.set(clock(9, 0) + timedelta(days=8))
    response = client.get(link)
    assert response.status_code == 404
    assert "This link does not work" in response.text
    assert client.get("/welcome/made-up").status_code == 404


def test_an_officer_invitation_needs_a_name_and_an_unused_email(client_request, lead, make_user):
    school = school_named("Northside Academy")
    taken = make_user(Role.TEACHER)
    page = client_request.post(
        f"/schools/{school.id}/officers/new",
        {"name": "", "email": taken.email},
        expected_status=200,
    )
    assert "Enter the officer's full name" in text_of(page, "#name-error")
    assert "already an account" in text_of(page, "#email-error")


def test_the_admin_cannot_make_an_officer_without_a_school(client_request, make_user, auth):
    auth.login(make_user(Role.ADMIN))
    page = client_request.get("/admin/users/new")
    assert page.select('input[name="role"][value="school"]') == []


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("page", ["", "/edit", "/officers/new"])
def test_only_leads_and_admins_reach_a_schools_pages(client, make_user, auth, role, page):
    school = school_named("Northside Academy")
    auth.login(make_user(role))
    response = client.get(f"/schools/{school.id}{page}")
    assert response.status_code == (200 if role in (Role.LEAD, Role.ADMIN) else 403)
