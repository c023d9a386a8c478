"""Every change to a pupil, a caseload or a parent link is audited, in the same transaction."""

import pytest
import sqlalchemy as sa

from ap_field.audit.models import AuditEvent, record
from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.pupils.services import assign
from tests.helpers import text_of


@pytest.fixture
def lead(make_user, auth):
    user = make_user(Role.LEAD, name="Lena Brooks")
    auth.login(user)
    return user


def events(pupil_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.pupil_id == pupil_id).order_by(AuditEvent.id)
        )
    )


def test_create_update_assign_and_links_are_audited_with_before_and_after(
    client, client_request, lead, make_user, pupil_form
):
    teacher = make_user(Role.TEACHER, name="Tom Okafor")
    parent = make_user(Role.PARENT, name="Donna Clarke")
    form = pupil_form(legal_name="Jayden Clarke")
    pupil_id = int(client.post("/pupils/new", data=form).location.rsplit("/", 1)[1])
    client.post(
        f"/pupils/{pupil_id}/edit",
        data=form | {"legal_name": "Jayden M Clarke", "planned_hours_per_week": "25", "version": 1},
    )
    client.post(f"/pupils/{pupil_id}/assign", data={"teacher_id": teacher.id})
    client.post(
        f"/pupils/{pupil_id}/parents/new",
        data={"parent_id": parent.id, "relationship": "Mother", "may_confirm_attendance": "y"},
    )
    link_id = db.session.scalar(sa.select(sa.text("id")).select_from(sa.text("parent_links")))
    client.post(
        f"/pupils/{pupil_id}/parents/{link_id}",
        data={"parent_id": parent.id, "relationship": "Mum", "version": 1},
    )
    client.post(f"/pupils/{pupil_id}/parents/{link_id}/unlink")

    trail = events(pupil_id)
    assert [event.event for event in trail] == [
        "pupil.created",
        "pupil.updated",
        "caseload.assigned",
        "parent.linked",
        "parent.updated",
        "parent.unlinked",
    ]
    assert all(event.actor_id == lead.id for event in trail)
    assert trail[0].details["after"]["legal_name"] == "Jayden Clarke"
    assert trail[1].details == {
        "before": {"legal_name": "Jayden Clarke", "planned_hours_per_week": "22.5"},
        "after": {"legal_name": "Jayden M Clarke", "planned_hours_per_week": "25"},
    }
    assert trail[2].details == {"teacher": "Tom Okafor", "slot": 1}
    assert trail[4].details["before"] == {"relationship": "Mother", "may_confirm_attendance": True}
    assert trail[4].details["after"] == {"relationship": "Mum", "may_confirm_attendance": False}

    page = client_request.get(f"/pupils/{pupil_id}/audit")
    assert "Record updated" in page.get_text()
    assert "Jayden M Clarke" in page.get_text()
    assert "Lena Brooks" in page.get_text()


def test_saving_nothing_new_writes_no_event(client, lead, pupil_form):
    form = pupil_form()
    pupil_id = int(client.post("/pupils/new", data=form).location.rsplit("/", 1)[1])
    client.post(f"/pupils/{pupil_id}/edit", data=form | {"version": 1})
    assert [event.event for event in events(pupil_id)] == ["pupil.created"]


def test_a_refused_change_leaves_no_event(client, lead, make_user, make_pupil):
    teacher = make_user(Role.TEACHER)
    for _ in range(5):
        assign(make_pupil(), teacher, lead)
    sixth = make_pupil()
    client.post(f"/pupils/{sixth.id}/assign", data={"teacher_id": teacher.id})
    assert [event.event for event in events(sixth.id)] == ["pupil.created"]


def test_events_declare_their_required_keys(app):
    with pytest.raises(ValueError, match="needs \\['before'\\]"):
        record("pupil.updated", pupil_id=None, after={})


def test_audit_events_cannot_be_changed_or_deleted(app, make_pupil):
    event = events(make_pupil().id)[0]
    event.details = {"after": "rewritten"}
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()


def test_no_route_edits_or_deletes_the_trail(app):
    audit_rules = [rule for rule in app.url_map.iter_rules() if rule.rule.endswith("/audit")]
    assert [(rule.rule, sorted(rule.methods - {"HEAD", "OPTIONS"})) for rule in audit_rules] == [
        ("/pupils/<int:pupil_id>/audit", ["GET"])
    ]


def test_only_leads_and_admins_see_the_trail(client, make_user, auth, make_pupil):
    pupil = make_pupil()
    teacher = make_user(Role.TEACHER)
    assign(pupil, teacher, None)
    auth.login(teacher)
    assert client.get(f"/pupils/{pupil.id}/audit").status_code == 403


def test_the_pupil_page_shows_the_chronology(client_request, lead, make_user, make_pupil):
    pupil = make_pupil()
    teacher = make_user(Role.TEACHER, name="Tom Okafor")
    client_request.post(f"/pupils/{pupil.id}/assign", {"teacher_id": teacher.id})
    page = client_request.get(f"/pupils/{pupil.id}")
    entries = [" ".join(li.get_text().split()) for li in page.select("h2 + ol li")]
    assert "Assigned to a community teacher (Tom Okafor), by Lena Brooks" in entries[0]
    assert "Record created" in entries[-1]
    assert text_of(page, "h1") == pupil.display_name
