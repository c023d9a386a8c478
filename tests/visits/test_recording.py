"""Planning and recording home visits: validation, idempotent creates, stale edits, actions."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from ap_field.auth.models import Role
from ap_field.common.time import LONDON, london_today
from ap_field.extensions import db
from ap_field.pupils.services import assign
from ap_field.visits.models import HomeVisit, VisitAction, VisitStatus
from tests.helpers import text_of


def visit_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(HomeVisit))


def summary(page) -> dict[str, str]:
    return {
        text_of(row, "dt"): text_of(row, "dd") for row in page.select(".govuk-summary-list__row")
    }


def only_visit() -> HomeVisit:
    db.session.expire_all()
    return db.session.scalars(sa.select(HomeVisit)).one()


def test_the_new_visit_form_opens_with_a_client_uuid_and_today(client_request, teacher, pupil):
    page = client_request.get(f"/pupils/{pupil.id}/visits/new")
    assert uuid.UUID(page.select_one("#client_uuid")["value"])
    assert page.select_one("#visit_date")["value"] == london_today().isoformat()
    assert page.select_one("#visit_time")["type"] == "time"
    assert page.select_one("#visit_time")["value"]


def test_a_teacher_records_a_visit_that_happened(client_request, teacher, pupil, visit_form):
    response = client_request.post(f"/pupils/{pupil.id}/visits/new", visit_form())
    visit = only_visit()
    assert response.location == f"/pupils/{pupil.id}/visits/{visit.id}"
    assert visit.status == VisitStatus.COMPLETED
    assert visit.teacher_id == teacher.id
    assert visit.starts_at.tzinfo is UTC
    assert visit.starts_at.astimezone(LONDON).strftime("%H:%M") == "10:30"

    page = client_request.get(response.location)
    rows = summary(page)
    assert rows["Visitor"] == "Tom Okafor"
    assert rows["Where"] == "The family home: 14 Mill Lane, Northside, NS1 4AB"
    assert rows["Purpose"] == "First visit"
    assert rows["Who was there"] == "The pupil, Parents or carers, Also: Aunt (Abena)"
    assert rows["Concerns and barriers discussed"] == "Finds mornings hard; no laptop at home"
    assert rows["The child's voice"] == "I want to get back to football"
    assert rows["The parent's or carer's voice"] == "Worried about him going out at night"
    assert "Happened" in text_of(page, "main")
    assert page.find("a", string="Record a safeguarding concern")


def test_a_teacher_plans_a_visit_and_records_it_afterwards(
    client_request, teacher, pupil, visit_form
):
    tomorrow = (london_today() + timedelta(days=1)).isoformat()
    planned = visit_form(
        visit_date=tomorrow,
        status="scheduled",
        present=[],
        others_present="",
        concerns="",
        child_voice="",
        parent_voice="",
        next_visit_on="",
    )
    response = client_request.post(f"/pupils/{pupil.id}/visits/new", planned)
    visit = only_visit()
    assert visit.status == VisitStatus.SCHEDULED
    assert visit.present == []

    page = client_request.get(f"{response.location}/record")
    assert page.select_one("#version")["value"] == "1"
    assert page.select_one("#visit_date")["value"] == tomorrow
    assert page.select_one("#visit_time")["value"] == "10:30"

    today = london_today()
    client_request.post(
        f"{response.location}/record",
        visit_form(
            visit_date=today.isoformat(),
            visit_time="00:00",
            version="1",
            next_visit_on=(today + timedelta(days=7)).isoformat(),
        ),
    )
    visit = only_visit()
    assert visit.status == VisitStatus.COMPLETED
    assert visit.version == 2
    assert visit.child_voice == "I want to get back to football"


BAD_INPUT = [
    (
        {"visit_date": (london_today() + timedelta(days=30)).isoformat()},
        "visit_date",
        "A visit in the future cannot be recorded as having happened",
    ),
    ({"visit_date": "2026-02-31"}, "visit_date", "as a real date"),
    ({"visit_date": ""}, "visit_date", "Enter the date of the visit"),
    ({"visit_time": "25:99"}, "visit_time", "as hours and minutes, like 14:30"),
    ({"visit_time": ""}, "visit_time", "Enter the time of the visit"),
    ({"status": ""}, "status", "Choose whether the visit has happened"),
    ({"place": ""}, "place", "Choose where the visit is"),
    ({"address": "   "}, "address", "Enter the address of the visit"),
    ({"purpose": ""}, "purpose", "Choose the purpose of the visit"),
    ({"purpose": "other"}, "purpose_other", "Describe the purpose of the visit"),
    ({"present": []}, "present", "Choose who was there"),
    ({"others_present": ""}, "others_present", "Enter who else was there"),
    (
        {"next_visit_on": (london_today() - timedelta(days=3)).isoformat()},
        "next_visit_on",
        "The next visit must be after this one",
    ),
]


@pytest.mark.parametrize("change, field, message", BAD_INPUT)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_saved(
    client_request, teacher, pupil, visit_form, change, field, message
):
    form = visit_form(**change)
    page = client_request.post(f"/pupils/{pupil.id}/visits/new", form, expected_status=200)
    assert message in text_of(page, f"#{field}-error")
    assert message in text_of(page, ".govuk-error-summary")
    assert page.select_one("#client_uuid")["value"] == form["client_uuid"]
    assert text_of(page, "#child_voice") == form["child_voice"]
    assert page.select_one("#others_present")["value"] == form["others_present"]
    assert visit_count() == 0


def test_a_replayed_create_makes_one_visit(client, teacher, pupil, visit_form):
    form = visit_form(client_uuid=str(uuid.uuid4()))
    first = client.post(f"/pupils/{pupil.id}/visits/new", data=form)
    second = client.post(f"/pupils/{pupil.id}/visits/new", data=form)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert visit_count() == 1


def test_a_stale_edit_gets_409_with_both_versions_and_changes_nothing(
    client_request, teacher, pupil, visit_form
):
    response = client_request.post(f"/pupils/{pupil.id}/visits/new", visit_form())
    visit = only_visit()
    visit.address = "Their address"
    db.session.commit()

    mine = visit_form(address="My address", version="1")
    page = client_request.post(f"{response.location}/record", mine, expected_status=409)

    rows = {
        text_of(row, "th"): [td.get_text(strip=True) for td in row.select("td")]
        for row in page.select("tbody tr")
    }
    assert rows == {"Address": ["Their address", "My address"]}
    assert only_visit().address == "Their address"

    resend = page.select_one("main form")
    data = {}
    for field in resend.select("input[type=hidden]"):
        data.setdefault(field["name"], []).append(field["value"])
    assert data["version"] == ["2"]
    client_request.post(resend["action"], data)
    assert only_visit().address == "My address"


def test_a_teacher_of_another_caseload_gets_404_and_saves_nothing(
    client, auth, make_user, pupil, visit_form, make_visit, teacher
):
    visit = make_visit(pupil, teacher)
    auth.logout()
    auth.login(make_user(Role.TEACHER))
    assert client.get(f"/pupils/{pupil.id}/visits/{visit.id}").status_code == 404
    assert client.post(f"/pupils/{pupil.id}/visits/new", data=visit_form()).status_code == 404
    assert client.post(f"/pupils/{pupil.id}/visits/{visit.id}/left").status_code == 404
    assert visit_count() == 1


def test_a_visit_of_another_pupil_is_not_reachable_through_this_one(
    client, teacher, pupil, make_pupil, make_visit
):
    other_pupil = make_pupil()
    assign(other_pupil, teacher, None)
    visit = make_visit(other_pupil, teacher)
    assert client.get(f"/pupils/{pupil.id}/visits/{visit.id}").status_code == 404
    assert client.get(f"/pupils/{other_pupil.id}/visits/{visit.id}").status_code == 200


@pytest.mark.parametrize("role", [Role.PARENT, Role.ASSESSOR])
def test_parents_and_assessors_may_not_see_visits(client, auth, make_user, pupil, role):
    auth.logout()
    auth.login(make_user(role))
    assert client.get(f"/pupils/{pupil.id}/visits").status_code == 403


def test_an_admin_reads_visits_but_does_not_record_them(
    client, client_request, auth, make_user, pupil, make_visit, teacher
):
    visit = make_visit(pupil, teacher)
    auth.logout()
    auth.login(make_user(Role.ADMIN))
    page = client_request.get(f"/pupils/{pupil.id}/visits/{visit.id}")
    assert "I've arrived" not in page.get_text()
    assert client.get(f"/pupils/{pupil.id}/visits/{visit.id}/record").status_code == 403


def test_actions_are_added_with_an_owner_and_a_due_date(
    client, client_request, teacher, pupil, make_visit
):
    visit = make_visit(pupil, teacher)
    path = f"/pupils/{pupil.id}/visits/{visit.id}"
    page = client_request.get(f"{path}/actions/new")
    assert page.select_one("#due_on")["value"] == london_today().isoformat()
    due = (london_today() + timedelta(days=10)).isoformat()
    form = {
        "client_uuid": page.select_one("#client_uuid")["value"],
        "description": "Ask the school for a laptop",
        "owner": "Tom (teacher)",
        "due_on": due,
    }
    client_request.post(f"{path}/actions/new", form)
    client_request.post(f"{path}/actions/new", form)

    actions = db.session.scalars(sa.select(VisitAction)).all()
    assert [(action.description, action.owner) for action in actions] == [
        ("Ask the school for a laptop", "Tom (teacher)")
    ]
    card = text_of(client_request.get(path), ".app-card")
    assert "Ask the school for a laptop" in card
    assert "Tom (teacher)" in card


def test_an_action_due_before_the_visit_is_refused(client_request, teacher, pupil, make_visit):
    visit = make_visit(pupil, teacher, starts_at=datetime.now(UTC) + timedelta(days=5))
    page = client_request.post(
        f"/pupils/{pupil.id}/visits/{visit.id}/actions/new",
        {"description": "Call the GP", "owner": "Mum", "due_on": london_today().isoformat()},
        expected_status=200,
    )
    assert "on or after the day of the visit" in text_of(page, "#due_on-error")
    assert page.select_one("#description")["value"] == "Call the GP"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VisitAction)) == 0


def test_a_client_uuid_of_another_pupils_visit_is_refused(
    client, teacher, pupil, make_pupil, make_visit, visit_form
):
    other_pupil = make_pupil()
    assign(other_pupil, teacher, None)
    theirs = make_visit(other_pupil, teacher)
    response = client.post(
        f"/pupils/{pupil.id}/visits/new", data=visit_form(client_uuid=str(theirs.client_uuid))
    )
    assert response.status_code == 422
    assert visit_count() == 1
