"""A safeguarding worry at a visit is a concern, not part of the visit: the visit's pages
offer to record one, and the visit links to each concern raised from it, for its readers."""

import pytest
import sqlalchemy as sa

from ap_field.auth.models import Role, SafeguardingRole
from ap_field.extensions import db
from ap_field.visits.models import HomeVisit
from tests.helpers import AuthActions, ClientRequest
from tests.safeguarding.helpers import make_concern
from tests.visits.helpers import path_of

SECRET = "Bruising on his forearm; said he fell"


def test_the_visit_offers_to_record_a_concern_raised_from_it(client_request, teacher, made):
    for path in (path_of(made), f"{path_of(made)}/record"):
        page = client_request.get(path)
        link = page.find("a", string="Record a safeguarding concern")
        assert link["href"] == f"/pupils/{made.pupil_id}/concerns/new?visit={made.id}"
        assert page.select_one("#safeguarding_details") is None


def test_a_new_visit_offers_to_record_a_concern_too(client_request, teacher, pupil):
    page = client_request.get(f"/pupils/{pupil.id}/visits/new")
    link = page.find("a", string="Record a safeguarding concern")
    assert link["href"] == f"/pupils/{pupil.id}/concerns/new"


def test_the_recorder_and_the_dsl_follow_the_link_to_the_concern(
    app, client_request, teacher, made, make_user
):
    concern = make_concern(made.pupil, teacher, visit=made, what_happened=SECRET)
    concern_path = f"/pupils/{made.pupil_id}/concerns/{concern.id}"
    assert client_request.get(path_of(made)).find("a", href=concern_path)

    dsl = ClientRequest(app.test_client())
    AuthActions(dsl.client).login(make_user(Role.LEAD, safeguarding_role=SafeguardingRole.DSL))
    assert dsl.get(path_of(made)).find("a", href=concern_path)


def test_another_lead_reads_only_that_a_concern_was_recorded(teacher, made, lead_phone):
    concern = make_concern(made.pupil, teacher, visit=made, what_happened=SECRET)
    page = lead_phone.get(path_of(made))
    assert "A safeguarding concern was recorded on" in page.get_text()
    assert not page.find("a", href=f"/pupils/{made.pupil_id}/concerns/{concern.id}")
    assert SECRET not in page.get_text()


def test_the_old_seen_and_addendum_routes_are_gone(client, teacher, made, lead_phone):
    assert lead_phone.client.post(f"{path_of(made)}/seen").status_code == 404
    assert client.get(f"{path_of(made)}/addenda/new").status_code == 404


def test_home_visits_are_never_deleted(app, made):
    db.session.delete(db.session.get(HomeVisit, made.id))
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(sa.select(HomeVisit.id).where(HomeVisit.id == made.id))
