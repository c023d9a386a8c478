"""Actions from site checks: a risk that sets the due date, followed after sign-off until
verified, a re-visit when one is high-risk, and overdue ones flagged where leads look."""

import io
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from ap_field.audit.models import AuditEvent
from ap_field.auth.models import Role
from ap_field.common.time import LONDON, format_long_date, london_today
from ap_field.extensions import db
from ap_field.photos.images import typed_signature
from ap_field.premises.compliance import add_months
from ap_field.premises.models import (
    ActionRisk,
    ActionStatus,
    Answer,
    CheckOutcome,
    Signer,
    SiteAction,
    SiteCheck,
)
from ap_field.premises.services import answer_item, sign_off
from ap_field.pupils.models import Pupil
from tests.helpers import text_of
from tests.premises.helpers import jpeg_bytes, make_check, make_provider

MONDAY = datetime(2026, 11, 2, 10, 0, tzinfo=LONDON)


@pytest.fixture
def assessor(make_user, auth):
    user = make_user(Role.ASSESSOR, name="Sam Patel")
    auth.login(user)
    return user


def no_with_risk(risk: str, due: str = "") -> dict:
    return {
        "answer": "no",
        "comment": "Fire exit blocked by pallets",
        "action_description": "Clear the fire exit",
        "action_owner": "Workshop manager",
        "action_risk": risk,
        "action_due_on": due,
    }


def checked(assessor, risks: list[ActionRisk], provider=None, signed=False) -> SiteCheck:
    """A check signed off today with an action of each risk in `risks`, Yes to the rest; with
    the competent person's signature if `signed`."""
    check = make_check(assessor, provider)
    for number, item in enumerate(check.items()):
        values = {"answer": Answer.YES, "comment": None}
        if number < len(risks):
            values = {
                "answer": Answer.NO,
                "comment": f"Item {number} not in place",
                "action_description": f"Put item {number} in place",
                "action_owner": "The manager",
                "action_risk": risks[number],
                "action_due_on": None,
            }
        answer_item(check, item, values)
    outcome = CheckOutcome.ACTIONS_REQUIRED if risks else CheckOutcome.SATISFACTORY
    signatures = {Signer.COMPETENT_PERSON: (assessor.name, typed_signature(assessor.name))}
    values = {"outcome": outcome, "competence_statement": "IOSH"}
    sign_off(check, values, check.version, signatures if signed else None)
    return check


@pytest.mark.parametrize(
    ("risk", "days"), [("high", 1), ("medium", 7), ("low", 28)], ids=["high", "medium", "low"]
)
def test_the_risk_sets_the_due_date_when_none_is_given(client_request, assessor, risk, days):
    check = make_check(assessor)
    item = check.items()[0]
    client_request.post(f"/site-checks/{check.id}/items/{item.id}", no_with_risk(risk))
    db.session.refresh(check)
    assert check.answers[0].action_due_on == london_today() + timedelta(days=days)
    assert check.answers[0].action_risk == ActionRisk(risk)


def test_a_due_date_given_is_kept_and_one_in_the_past_refused(client_request, assessor):
    check = make_check(assessor)
    item = check.items()[0]
    past = (london_today() - timedelta(days=1)).isoformat()
    page = client_request.post(
        f"/site-checks/{check.id}/items/{item.id}", no_with_risk("low", past), expected_status=200
    )
    assert text_of(page, "#action_due_on-error") == (
        "Error: The action's due date must be today or later"
    )
    assert page.select_one("#action_risk-2")["checked"] is not None
    assert page.select_one("#comment").get_text().strip() == "Fire exit blocked by pallets"
    db.session.refresh(check)
    assert check.answers == []

    later = london_today() + timedelta(days=3)
    client_request.post(
        f"/site-checks/{check.id}/items/{item.id}", no_with_risk("low", later.isoformat())
    )
    db.session.refresh(check)
    assert check.answers[0].action_due_on == later


def test_a_no_without_a_risk_is_refused_next_to_the_field(client_request, assessor):
    check = make_check(assessor)
    item = check.items()[0]
    page = client_request.post(
        f"/site-checks/{check.id}/items/{item.id}", no_with_risk(""), expected_status=200
    )
    assert text_of(page, "#action_risk-error") == "Error: Choose the action's risk"
    assert page.select_one("#action_description")["value"] == "Clear the fire exit"


def test_a_high_risk_action_makes_the_next_check_a_revisit(client_request, assessor):
    check = checked(assessor, [ActionRisk.HIGH, ActionRisk.LOW])
    tomorrow = london_today() + timedelta(days=1)
    assert check.next_due_on == tomorrow
    assert [(action.risk, action.status) for action in check.actions] == [
        (ActionRisk.HIGH, ActionStatus.OPEN),
        (ActionRisk.LOW, ActionStatus.OPEN),
    ]
    page = client_request.get(f"/site-checks/{check.id}/signed-off")
    assert text_of(page, "#next-check") == (
        f"A high-risk action is open, so this site needs a re-visit by "
        f"{format_long_date(tomorrow)}."
    )
    report = client_request.get(f"/site-checks/{check.id}/report")
    assert text_of(report, "#revisit") == (
        f"A high-risk action means a re-visit by {format_long_date(tomorrow)}."
    )
    raised = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.event == "site_action.raised")
    ).all()
    assert len(raised) == 2


def test_without_high_risk_actions_the_next_check_is_a_year_on(app, make_user):
    check = checked(make_user(Role.ASSESSOR), [ActionRisk.MEDIUM, ActionRisk.LOW])
    assert check.next_due_on == add_months(london_today(), 12)
    assert not check.is_revisit_due


def test_an_action_is_worked_on_done_verified_and_reopened(client_request, assessor):
    action = checked(assessor, [ActionRisk.MEDIUM]).actions[0]
    path = f"/site-actions/{action.id}"
    page = client_request.get(path)
    assert [label.get_text(strip=True) for label in page.select("#status label")] == [
        "Work has started",
        "It is done",
    ]
    client_request.post(f"{path}/status", {"version": action.version, "status": "in_progress"})
    db.session.refresh(action)
    assert action.status == ActionStatus.IN_PROGRESS

    refused = client_request.post(
        f"{path}/status", {"version": action.version, "status": "done"}, expected_status=422
    )
    assert text_of(refused, "#note-error") == "Error: Say what was done"
    assert text_of(refused, ".govuk-error-summary").startswith("There is a problem")
    db.session.refresh(action)
    assert action.status == ActionStatus.IN_PROGRESS

    note = "Pallets moved to the yard; exit clear"
    client_request.post(
        f"{path}/status", {"version": action.version, "status": "done", "note": note}
    )
    db.session.refresh(action)
    assert (action.status, action.done_note) == (ActionStatus.DONE, note)
    assert action.done_at is not None

    client_request.post(f"{path}/status", {"version": action.version, "status": "verified"})
    db.session.refresh(action)
    assert action.status == ActionStatus.VERIFIED
    assert action.verified_by.name == "Sam Patel"
    page = client_request.get(path)
    assert "Verified" in text_of(page, ".govuk-summary-list")

    client_request.post(
        f"{path}/status",
        {"version": action.version, "status": "open", "note": "Pallets back in front of it"},
    )
    db.session.refresh(action)
    assert (action.status, action.done_note, action.verified_at) == (ActionStatus.OPEN, None, None)
    updates = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.event == "site_action.updated")
        .order_by(AuditEvent.id)
    ).all()
    assert [event.details["after"]["status"] for event in updates] == [
        "in_progress",
        "done",
        "verified",
        "open",
    ]
    assert updates[-1].details["note"] == "Pallets back in front of it"


def test_a_stale_update_is_409_and_changes_nothing(client_request, assessor):
    action = checked(assessor, [ActionRisk.LOW]).actions[0]
    seen = action.version
    client_request.post(
        f"/site-actions/{action.id}/status", {"version": seen, "status": "done", "note": "Done"}
    )
    page = client_request.post(
        f"/site-actions/{action.id}/status",
        {"version": seen, "status": "in_progress"},
        expected_status=409,
    )
    assert "Done, to be verified" in page.text
    db.session.refresh(action)
    assert action.status == ActionStatus.DONE


@pytest.mark.parametrize("role", [Role.LEAD, Role.ADMIN])
def test_leads_read_actions_and_only_competent_persons_update_them(
    client, client_request, make_user, auth, role
):
    action = checked(make_user(Role.ASSESSOR), [ActionRisk.LOW]).actions[0]
    auth.login(make_user(role))
    page = client_request.get(f"/site-actions/{action.id}")
    assert page.select_one("form[action$='/status']") is None
    listing = client_request.get("/site-actions")
    assert text_of(listing, "#actions-summary") == "1 to follow, 0 overdue."
    response = client.post(
        f"/site-actions/{action.id}/status", data={"version": action.version, "status": "done"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.TEACHER, Role.PARENT, Role.SCHOOL])
def test_others_cannot_see_actions(client, make_user, auth, role):
    action = checked(make_user(Role.ASSESSOR), [ActionRisk.LOW]).actions[0]
    auth.login(make_user(role))
    assert client.get(f"/site-actions/{action.id}").status_code == 403
    assert client.get("/site-actions").status_code == 403


def test_an_overdue_high_risk_action_turns_the_provider_red(client_request, make_user, auth, clock):
    clock.set(MONDAY)
    assessor = make_user(Role.ASSESSOR)
    provider = make_provider("Riverside Motor Skills")
    check = checked(assessor, [ActionRisk.HIGH, ActionRisk.LOW], provider)
    auth.login(make_user(Role.LEAD))

    page = client_request.get(f"/providers/{provider.id}")
    assert not page.select(".app-flag--stop")

    clock.set(MONDAY + timedelta(days=3))
    page = client_request.get(f"/providers/{provider.id}")
    stops = [" ".join(flag.get_text().split()) for flag in page.select(".app-flag--stop")]
    assert stops == [
        "Site check actions A high-risk action from a site check is overdue "
        "(due 03/11/2026: Put item 0 in place)"
    ]
    assert "Do not commission" in text_of(page, ".govuk-warning-text")
    assert text_of(page, f"#action-{check.actions[0].id}").endswith("due Tuesday 3 November 2026")
    providers = client_request.get("/providers")
    assert "Do not commission" in providers.text
    programme = client_request.get("/programme")
    stat = next(
        item
        for item in programme.select("#figures .app-stat")
        if "overdue high-risk action" in item.get_text()
    )
    assert " ".join(stat.get_text().split()) == (
        "1 Providers with an overdue high-risk action Act now"
    )

    clock.set(MONDAY + timedelta(days=30))
    page = client_request.get(f"/providers/{provider.id}")
    flags = [" ".join(flag.get_text().split()) for flag in page.select(".app-flag")]
    assert "The re-visit for high-risk actions is overdue" in " ".join(flags)
    assert any("A low-risk action from a site check is overdue" in flag for flag in flags)
    assert text_of(client_request.get("/site-actions"), "#actions-summary") == (
        "2 to follow, 2 overdue."
    )


def test_a_verified_high_risk_action_no_longer_stops_placements(
    client_request, make_user, auth, clock
):
    clock.set(MONDAY)
    assessor = make_user(Role.ASSESSOR)
    provider = make_provider("Riverside Motor Skills")
    action = checked(assessor, [ActionRisk.HIGH], provider).actions[0]
    clock.set(datetime.combine(MONDAY.date() + timedelta(days=1), time(16), tzinfo=LONDON))
    auth.login(assessor)
    for status, note in (("done", "Exit cleared"), ("verified", "")):
        db.session.refresh(action)
        client_request.post(
            f"/site-actions/{action.id}/status",
            {"version": action.version, "status": status, "note": note},
        )
    clock.set(MONDAY + timedelta(days=5))
    auth.logout()
    auth.login(make_user(Role.LEAD))
    page = client_request.get(f"/providers/{provider.id}")
    assert not page.select(".app-flag--stop")
    assert db.session.scalar(sa.select(SiteAction.status)) == ActionStatus.VERIFIED


def test_a_new_placement_at_a_provider_with_an_overdue_high_risk_action_needs_a_reason(
    client_request, make_user, auth, clock, pupil_form
):
    clock.set(MONDAY)
    stopped = make_provider("Riverside Motor Skills")
    open_to_all = make_provider("Northside Gym")
    checked(make_user(Role.ASSESSOR), [ActionRisk.HIGH], stopped)
    clock.set(MONDAY + timedelta(days=3))
    auth.login(make_user(Role.LEAD))

    fine = client_request.post("/pupils/new", pupil_form(provider_ids=[str(open_to_all.id)]))
    assert fine.location.startswith("/pupils/")
    form = pupil_form(provider_ids=[str(stopped.id)], legal_name="Kai Moss")
    page = client_request.post("/pupils/new", form, expected_status=200)
    assert text_of(page, "#placement_override-error") == (
        "Error: Riverside Motor Skills has an overdue high-risk action from a site check: give "
        "your reason to place the pupil there all the same, or untick it"
    )
    assert page.select_one("#legal_name")["value"] == "Kai Moss"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pupil)) == 1

    reason = "The only construction placement near home; the fire exit was cleared today"
    saved = client_request.post("/pupils/new", form | {"placement_override": reason})
    pupil = db.session.get(Pupil, int(saved.location.rsplit("/", 1)[1]))
    assert [provider.name for provider in pupil.providers] == ["Riverside Motor Skills"]
    [override] = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.event == "pupil.placement_override")
    ).all()
    assert override.pupil_id == pupil.id
    assert override.details == {"providers": ["Riverside Motor Skills"], "reason": reason}

    edit = client_request.get(f"/pupils/{pupil.id}/edit")
    assert edit.select_one("#placement_override") is None


ACTION_PAGES = {
    "/site-actions/{action}": {Role.ASSESSOR, Role.LEAD, Role.ADMIN},
    "/site-checks/{check}/report.pdf": {Role.ASSESSOR, Role.LEAD, Role.ADMIN},
    "/site-checks/{check}/signatures/{signature}": {Role.ASSESSOR, Role.LEAD, Role.ADMIN},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("path", sorted(ACTION_PAGES))
def test_each_role_reaches_only_its_site_check_pages(client, make_user, auth, role, path):
    check = checked(make_user(Role.ASSESSOR), [ActionRisk.LOW], signed=True)
    [action], [signature] = check.actions, check.signatures
    auth.login(make_user(role))
    response = client.get(path.format(action=action.id, check=check.id, signature=signature.id))
    assert response.status_code == (200 if role in ACTION_PAGES[path] else 403)


@pytest.mark.parametrize("role", list(Role))
def test_only_a_competent_person_moves_an_action_on(client, make_user, auth, role):
    action = checked(make_user(Role.ASSESSOR), [ActionRisk.LOW]).actions[0]
    auth.login(make_user(role))
    response = client.post(
        f"/site-actions/{action.id}/status",
        data={"version": action.version, "status": "in_progress", "note": ""},
    )
    assert response.status_code == (302 if role == Role.ASSESSOR else 403)


def test_done_may_carry_a_photo_and_a_file_that_is_not_one_is_refused(
    client, client_request, assessor
):
    action = checked(assessor, [ActionRisk.LOW]).actions[0]
    path = f"/site-actions/{action.id}/status"

    def done(photo: bytes) -> dict:
        return {
            "version": str(action.version),
            "status": "done",
            "note": "Exit cleared",
            "photo_uuid": "",
            "photo": (io.BytesIO(photo), "IMG_0003.jpg"),
        }

    refused = client_request.post(
        path, done(b"not a photo"), content_type="multipart/form-data", expected_status=422
    )
    assert "photo" in text_of(refused, "#photo-error").lower()
    assert refused.select_one("#note").get_text().strip() == "Exit cleared"
    db.session.refresh(action)
    assert (action.status, action.evidence) == (ActionStatus.OPEN, [])

    client_request.post(path, done(jpeg_bytes()), content_type="multipart/form-data")
    db.session.refresh(action)
    assert action.status == ActionStatus.DONE
    assert [photo.caption for photo in action.evidence] == ["Added by Sam Patel"]
