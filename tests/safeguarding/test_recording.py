"""Recording a concern: from the pupil's page or a visit, offline or not, with a body map."""

from datetime import timedelta

import sqlalchemy as sa

from ap_field.audit.models import AuditEvent
from ap_field.auth.models import Role, SafeguardingRole
from ap_field.common.time import london_today, utcnow
from ap_field.extensions import db
from ap_field.pupils.services import assign, end_assignment
from ap_field.safeguarding.models import Concern, ConcernStatus
from ap_field.visits.models import VisitPlace, VisitPurpose
from ap_field.visits.services import create_visit
from tests.helpers import text_of


def _concerns() -> list[Concern]:
    return list(db.session.scalars(sa.select(Concern).order_by(Concern.id)))


def test_a_teacher_records_a_concern_with_a_body_map(client, teacher, pupil, dsl, concern_form):
    response = client.post(f"/pupils/{pupil.id}/concerns/new", data=concern_form())

    [concern] = _concerns()
    assert response.location == f"/pupils/{pupil.id}/concerns/{concern.id}"
    assert concern.recorded_by_id == teacher.id
    assert concern.status == ConcernStatus.NEW
    assert concern.categories == ["physical", "neglect"]
    assert concern.child_words == "Dad grabbed me when I was late"
    assert concern.body_marks == [
        {"side": "front", "x": 0.31, "y": 0.42, "description": "Round bruise, yellow at the edges"}
    ]
    page = client.get(response.location).text
    assert "Dad grabbed me when I was late" in page
    assert "Round bruise, yellow at the edges" in page


def test_the_audit_trail_says_a_concern_was_recorded_and_nothing_of_it(
    client, teacher, pupil, concern_form
):
    client.post(f"/pupils/{pupil.id}/concerns/new", data=concern_form())

    [event] = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.event == "concern.recorded")
    ).all()
    [concern] = _concerns()
    assert event.details == {"concern_id": concern.id}


def test_missing_answers_are_shown_beside_their_fields_and_the_text_is_kept(
    client, client_request, teacher, pupil, concern_form
):
    form = concern_form(categories=[], what_happened="", place="", immediate_danger="")
    page = client_request.post(f"/pupils/{pupil.id}/concerns/new", data=form, expected_status=200)

    summary = text_of(page, ".govuk-error-summary")
    assert "Choose what the concern is about" in summary
    assert "Enter what you saw or heard" in summary
    assert "Say whether the child is in immediate danger" in summary
    assert page.select_one("#child_words").text.strip() == "Dad grabbed me when I was late"
    mark = page.select_one("[name=marks-0-description]").text.strip()
    assert mark == "Round bruise, yellow at the edges"
    assert _concerns() == []


def test_other_needs_saying_what_else(client, client_request, teacher, pupil, concern_form):
    page = client_request.post(
        f"/pupils/{pupil.id}/concerns/new",
        data=concern_form(categories=["other"]),
        expected_status=200,
    )
    assert "Say what else the concern is about" in text_of(page, "#category_other-error")


def test_a_date_in_the_future_is_refused(client, client_request, teacher, pupil, concern_form):
    tomorrow = london_today() + timedelta(days=1)
    page = client_request.post(
        f"/pupils/{pupil.id}/concerns/new",
        data=concern_form(happened_on=tomorrow.isoformat()),
        expected_status=200,
    )
    assert "cannot be in the future" in text_of(page, "#happened_on-error")


def test_immediate_danger_puts_the_emergency_steps_first(
    client, client_request, app, teacher, pupil, concern_form
):
    app.config["CHILDRENS_SERVICES_PHONE"] = "0300 123 4567"
    page = client_request.post(
        f"/pupils/{pupil.id}/concerns/new",
        data=concern_form(immediate_danger="yes", what_happened=""),
        expected_status=200,
    )
    first = page.select_one("main").find(True)
    assert first["id"] == "emergency"
    assert not first.has_attr("hidden")
    assert "Call 999" in first.text
    assert "0300 123 4567" in first.text
    assert page.select_one("main a[href='tel:03001234567']")


def test_the_emergency_steps_wait_hidden_until_asked_for(client_request, teacher, pupil):
    page = client_request.get(f"/pupils/{pupil.id}/concerns/new")
    assert page.select_one("#emergency").has_attr("hidden")
    assert "Do not photograph injuries" in page.text


def test_markup_comes_back_escaped(client, teacher, pupil, concern_form):
    markup = "<script>alert(1)</script><b>bold</b>"
    form = concern_form(
        what_happened=markup, child_words=markup, place=markup, **{"marks-0-description": markup}
    )
    response = client.post(f"/pupils/{pupil.id}/concerns/new", data=form)

    page = client.get(response.location).text
    assert "<script>alert(1)" not in page
    assert "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_sending_the_same_concern_twice_records_it_once(client, teacher, pupil, concern_form):
    form = concern_form()
    first = client.post(f"/pupils/{pupil.id}/concerns/new", data=form)
    again = client.post(f"/pupils/{pupil.id}/concerns/new", data=form)

    assert again.location == first.location
    assert len(_concerns()) == 1


def test_a_pupil_you_cannot_see_is_404(client, make_user, make_pupil, teacher, concern_form):
    someone_else = make_pupil()
    assign(someone_else, make_user(Role.TEACHER), None)
    assert client.get(f"/pupils/{someone_else.id}/concerns/new").status_code == 404
    response = client.post(f"/pupils/{someone_else.id}/concerns/new", data=concern_form())
    assert response.status_code == 404
    assert _concerns() == []


def test_parents_and_assessors_cannot_record(client, switch_to, make_user, pupil):
    for role in (Role.PARENT, Role.ASSESSOR):
        switch_to(make_user(role))
        assert client.get(f"/pupils/{pupil.id}/concerns/new").status_code == 403


def test_a_concern_sent_after_the_placement_ended_is_accepted_and_marked(
    client, teacher, pupil, concern_form
):
    end_assignment(pupil, "Moved to another teacher")

    response = client.post(f"/pupils/{pupil.id}/concerns/new", data=concern_form())

    [concern] = _concerns()
    assert concern.after_placement_ended
    page = client.get(response.location)
    assert page.status_code == 200
    assert "placement with the pupil had ended" in page.text


def test_the_phone_says_when_it_was_recorded(client, teacher, pupil, concern_form):
    an_hour_ago = utcnow() - timedelta(hours=1)
    client.post(
        f"/pupils/{pupil.id}/concerns/new",
        data=concern_form(recorded_at=an_hour_ago.isoformat()),
    )
    [concern] = _concerns()
    assert abs(concern.recorded_at - an_hour_ago) < timedelta(seconds=1)
    assert concern.created_at > concern.recorded_at


def test_a_concern_raised_from_a_visit_is_linked_to_it(
    client, client_request, teacher, pupil, make_pupil, concern_form
):
    visit = create_visit(
        pupil,
        teacher,
        {
            "starts_at": utcnow(),
            "place": VisitPlace.HOME,
            "address": "1 High Street",
            "purpose": VisitPurpose.WELFARE,
        },
    )
    form_page = client_request.get(f"/pupils/{pupil.id}/concerns/new?visit={visit.id}")
    assert form_page.select_one("[name=visit_id]")["value"] == str(visit.id)

    response = client.post(
        f"/pupils/{pupil.id}/concerns/new", data=concern_form(visit_id=str(visit.id))
    )
    [concern] = _concerns()
    assert concern.visit_id == visit.id
    assert f"/pupils/{pupil.id}/visits/{visit.id}" in client.get(response.location).text


def test_a_link_to_another_pupils_visit_is_ignored(client, teacher, pupil, concern_form):
    client.post(f"/pupils/{pupil.id}/concerns/new", data=concern_form(visit_id="99999"))
    [concern] = _concerns()
    assert concern.visit_id is None


def test_a_dsl_records_about_a_pupil_outside_their_caseload(
    client, switch_to, make_user, pupil, concern_form
):
    dsl_teacher = make_user(Role.TEACHER, safeguarding_role=SafeguardingRole.DEPUTY)
    switch_to(dsl_teacher)

    response = client.post(f"/pupils/{pupil.id}/concerns/new", data=concern_form())

    [concern] = _concerns()
    assert concern.recorded_by_id == dsl_teacher.id
    assert client.get(response.location).status_code == 200


def test_today_offers_a_concern_for_each_pupil_of_the_block(client_request, teacher, pupil):
    page = client_request.get("/today")
    link = page.find("a", string=f"Record a concern about {pupil.display_name}")
    assert link["href"] == f"/pupils/{pupil.id}/concerns/new"
