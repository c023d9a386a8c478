"""Every change to a visit is audited, in the same transaction as the change."""

from datetime import timedelta

import sqlalchemy as sa

from ap_field.audit.models import AuditEvent
from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.visits.models import HomeVisit


def test_every_change_to_a_visit_is_audited(client_request, teacher, pupil, visit_form):
    tomorrow = (london_today() + timedelta(days=1)).isoformat()
    planned = visit_form(visit_date=tomorrow, status="scheduled", next_visit_on="")
    response = client_request.post(f"/pupils/{pupil.id}/visits/new", planned)
    path = response.location
    client_request.post(f"{path}/arrived", {"expected_finish": "23:59"})
    client_request.post(f"{path}/left", {})
    visit = db.session.scalars(sa.select(HomeVisit)).one()
    client_request.post(
        f"{path}/record",
        visit_form(version=str(visit.version), concerns="Not eating", next_visit_on=""),
    )
    client_request.post(
        f"{path}/actions/new",
        {"client_uuid": "", "description": "Refer to the GP", "owner": "Mum", "due_on": tomorrow},
    )

    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.pupil_id == pupil.id).order_by(AuditEvent.id)
    ).all()
    visit_events = [event for event in events if event.event.startswith("visit.")]
    assert [event.event for event in visit_events] == [
        "visit.planned",
        "visit.arrived",
        "visit.left",
        "visit.updated",
        "visit.action_agreed",
    ]
    assert all(event.details["visit_id"] == visit.id for event in visit_events)
    assert all(event.actor_id == teacher.id for event in visit_events)
    assert visit_events[0].details["after"]["address"] == "14 Mill Lane, Northside, NS1 4AB"
    assert visit_events[3].details["after"]["concerns"] == "Not eating"
    assert visit_events[4].details["owner"] == "Mum"
