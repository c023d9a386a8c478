"""The DSL's work on a concern: seen, actions, addenda, closed and reopened, each kept."""

import uuid

import pytest
import sqlalchemy as sa

from ap_field.audit.models import AuditEvent
from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.safeguarding.models import ActionKind, ConcernStatus, Outcome
from tests.helpers import text_of


def _url(concern, rest=""):
    return f"/pupils/{concern.pupil_id}/concerns/{concern.id}{rest}"


def test_the_dsl_marks_a_concern_seen(client, switch_to, teacher, pupil, dsl, make_concern):
    concern = make_concern(pupil, teacher)
    switch_to(dsl)

    response = client.post(_url(concern, "/seen"), data={"version": concern.version})

    assert response.status_code == 302
    db.session.refresh(concern)
    assert concern.status == ConcernStatus.SEEN
    assert concern.seen_by_id == dsl.id
    assert f"Seen by {dsl.name}" in client.get(_url(concern)).text


def test_seen_on_an_older_version_is_a_conflict(
    client, switch_to, teacher, pupil, dsl, make_concern
):
    concern = make_concern(pupil, teacher)
    opened = concern.version
    client.post(
        _url(concern, "/addenda/new"),
        data={"client_uuid": str(uuid.uuid4()), "text": "Also: she was hungry"},
    )
    switch_to(dsl)

    response = client.post(_url(concern, "/seen"), data={"version": opened})

    assert response.status_code == 409
    assert "Also: she was hungry" in response.text
    db.session.refresh(concern)
    assert concern.status == ConcernStatus.NEW


def test_a_referral_is_recorded_with_its_reference(
    client, client_request, switch_to, teacher, pupil, dsl, make_concern
):
    concern = make_concern(pupil, teacher)
    switch_to(dsl)
    form = {
        "client_uuid": str(uuid.uuid4()),
        "kind": "social_care",
        "taken_on": london_today().isoformat(),
        "taken_by": "Lena Brooks",
        "note": "Spoke to the duty social worker, Sam.",
        "reference": "CSC-2026-0412",
        "referral_outcome": "Strategy discussion tomorrow",
    }
    client_request.post(_url(concern, "/actions/new"), data=form)
    client_request.post(_url(concern, "/actions/new"), data=form)

    [action] = concern.actions
    assert action.kind == ActionKind.SOCIAL_CARE
    assert action.reference == "CSC-2026-0412"
    db.session.refresh(concern)
    assert concern.status == ConcernStatus.SEEN, "acting on a concern means it was seen"
    page = client.get(_url(concern)).text
    assert "CSC-2026-0412" in page
    assert "Strategy discussion tomorrow" in page


def test_an_action_needs_its_answers(client_request, switch_to, teacher, pupil, dsl, make_concern):
    concern = make_concern(pupil, teacher)
    switch_to(dsl)
    page = client_request.post(
        _url(concern, "/actions/new"),
        data={
            "client_uuid": str(uuid.uuid4()),
            "kind": "",
            "taken_on": "",
            "taken_by": "",
            "note": "kept",
        },
        expected_status=200,
    )
    assert "Choose what was done" in text_of(page, ".govuk-error-summary")
    assert page.select_one("#note").text.strip() == "kept"
    assert concern.actions == []


def test_closing_needs_an_outcome_and_why_then_reopening_needs_why(
    client, client_request, switch_to, teacher, pupil, dsl, make_concern
):
    concern = make_concern(pupil, teacher)
    switch_to(dsl)
    page = client_request.post(
        _url(concern, "/close"),
        data={"version": concern.version, "outcome": "", "rationale": ""},
        expected_status=200,
    )
    assert "Choose the outcome" in text_of(page, ".govuk-error-summary")

    client_request.post(
        _url(concern, "/close"),
        data={"version": concern.version, "outcome": "early_help", "rationale": "Family accepted"},
    )
    db.session.refresh(concern)
    assert concern.status == ConcernStatus.CLOSED
    [closure] = concern.closures
    assert closure.outcome == Outcome.EARLY_HELP

    client_request.post(
        _url(concern, "/reopen"), data={"version": concern.version, "reason": "New bruising"}
    )
    db.session.refresh(concern)
    db.session.refresh(closure)
    assert concern.status == ConcernStatus.SEEN
    assert closure.reopen_reason == "New bruising"
    page = client.get(_url(concern)).text
    assert "Family accepted" in page
    assert "New bruising" in page


def test_closing_from_a_page_older_than_an_addition_is_a_conflict(
    client, switch_to, teacher, pupil, dsl, make_concern
):
    concern = make_concern(pupil, teacher)
    opened = concern.version
    client.post(
        _url(concern, "/addenda/new"), data={"client_uuid": str(uuid.uuid4()), "text": "More"}
    )
    switch_to(dsl)

    response = client.post(
        _url(concern, "/close"),
        data={"version": opened, "outcome": "monitoring", "rationale": "Fine"},
    )

    assert response.status_code == 409
    db.session.refresh(concern)
    assert concern.status == ConcernStatus.NEW


def test_the_dsl_page_lists_unseen_concerns_first_then_the_oldest(
    client_request, switch_to, teacher, pupil, dsl, make_concern
):
    oldest = make_concern(pupil, teacher)
    seen = make_concern(pupil, teacher)
    newest = make_concern(pupil, teacher)
    switch_to(dsl)
    from ap_field.safeguarding.services import mark_seen

    mark_seen(seen, dsl, seen.version)
    mark_seen(oldest, dsl, oldest.version)

    page = client_request.get("/safeguarding")
    references = [link.text.split(":")[0] for link in page.select(".app-card__link")]
    assert references == [newest.reference, oldest.reference, seen.reference]


def test_a_dsl_who_recorded_the_concern_works_on_it_too(
    client, client_request, switch_to, pupil, dsl, concern_form
):
    switch_to(dsl)
    response = client.post(f"/pupils/{pupil.id}/concerns/new", data=concern_form())
    page = client_request.get(response.location)
    version = page.select_one("form[action$='/seen'] [name=version]")["value"]

    client_request.post(response.location + "/seen", data={"version": version})

    events = db.session.scalars(sa.select(AuditEvent.event).where(AuditEvent.actor_id == dsl.id))
    assert {"concern.recorded", "concern.read", "concern.seen"} <= set(events)


def test_what_was_recorded_is_never_changed_or_deleted(teacher, pupil, dsl, make_concern):
    concern = make_concern(pupil, teacher)
    concern.what_happened = "Something else"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(type(concern), concern.id))
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
