"""Safeguarding observations: append-only once saved, added to by addenda, and waiting for
the lead until a lead marks them seen."""

import uuid

import pytest
import sqlalchemy as sa

from ap_field.extensions import db
from ap_field.visits.models import VisitAddendum
from ap_field.visits.queries import unseen_safeguarding_flags
from tests.helpers import text_of
from tests.visits.helpers import path_of, reloaded


def test_teachers_cannot_mark_a_concern_seen(client, teacher, flagged):
    response = client.post(f"{path_of(flagged)}/seen", data={"version": flagged.version})
    assert response.status_code == 403
    assert unseen_safeguarding_flags() == [flagged]


def test_saved_observations_leave_the_form_and_cannot_be_overwritten(
    client_request, teacher, flagged, visit_form
):
    page = client_request.get(f"{path_of(flagged)}/record")
    assert page.select_one("#safeguarding_details") is None
    assert page.select_one("#safeguarding_concern") is None
    assert page.find("a", string="Add to the safeguarding observations")

    client_request.post(
        f"{path_of(flagged)}/record",
        visit_form(
            version=str(flagged.version),
            safeguarding_details="Nothing to worry about",
            safeguarding_concern="",
        ),
    )
    visit = reloaded(flagged)
    assert visit.safeguarding_details == "Bruising on his forearm; said he fell"
    assert visit.safeguarding_concern
    assert visit.child_voice == "I want to get back to football"


def test_the_database_layer_refuses_to_rewrite_observations(app, flagged):
    flagged.safeguarding_details = "Rewritten"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    flagged.safeguarding_concern = False
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()


def test_an_addendum_adds_to_the_observations_and_alerts_the_lead_again(
    client_request, teacher, flagged, lead_phone
):
    seen_page = lead_phone.get(path_of(flagged))
    version = seen_page.select_one("form input[name=version]")["value"]
    lead_phone.post(f"{path_of(flagged)}/seen", {"version": version})
    assert unseen_safeguarding_flags() == []

    page = client_request.get(f"{path_of(flagged)}/addenda/new")
    assert "Bruising on his forearm" in text_of(page, ".govuk-inset-text")
    form = {
        "client_uuid": page.select_one("#client_uuid")["value"],
        "text": "Mum phoned: he told her someone at the park hurt him",
    }
    client_request.post(f"{path_of(flagged)}/addenda/new", form)
    client_request.post(f"{path_of(flagged)}/addenda/new", form)

    addenda = db.session.scalars(sa.select(VisitAddendum)).all()
    assert len(addenda) == 1
    assert addenda[0].author_id == teacher.id
    assert unseen_safeguarding_flags() == [reloaded(flagged)]

    insets = lead_phone.get(path_of(flagged)).select(".govuk-inset-text")
    record = [" ".join(inset.get_text().split()) for inset in insets]
    assert "Bruising on his forearm" in record[0]
    assert "someone at the park hurt him" in record[1]
    assert "Tom Okafor" in record[1]


def test_a_lead_cannot_mark_seen_what_was_added_after_they_opened_the_page(
    client_request, teacher, flagged, lead_phone
):
    opened = lead_phone.get(path_of(flagged))
    version = opened.select_one("form input[name=version]")["value"]
    client_request.post(
        f"{path_of(flagged)}/addenda/new",
        {"client_uuid": str(uuid.uuid4()), "text": "He has gone missing overnight"},
    )
    response = lead_phone.client.post(
        f"{path_of(flagged)}/seen", data={"version": version}, follow_redirects=True
    )
    assert "Something was added to this visit after you opened it" in response.text
    assert unseen_safeguarding_flags() == [reloaded(flagged)]


def test_an_empty_addendum_is_refused(client_request, teacher, flagged):
    page = client_request.post(
        f"{path_of(flagged)}/addenda/new", {"client_uuid": "", "text": " "}, expected_status=200
    )
    assert "Enter what you want to add" in text_of(page, "#text-error")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VisitAddendum)) == 0


def test_without_observations_an_addendum_sends_you_to_the_record(
    client, teacher, pupil, make_visit
):
    visit = make_visit(pupil, teacher)
    response = client.get(f"{path_of(visit)}/addenda/new")
    assert response.location == f"{path_of(visit)}/record"
