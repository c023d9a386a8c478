"""A competent person's check of a site: started, answered item by item, resumed, signed off,
then read-only; and the report that lists it all."""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from ap_field.audit.models import AuditEvent
from ap_field.auth.models import Role
from ap_field.common.time import format_long_date, london_today
from ap_field.extensions import db
from ap_field.premises.compliance import add_months
from ap_field.premises.models import (
    Answer,
    CheckAnswer,
    CheckOutcome,
    CheckStatus,
    CheckTemplate,
    HigherRisk,
    SiteCheck,
)
from ap_field.premises.services import add_template_version, sign_off
from ap_field.premises.standard_templates import APPENDIX_1, HEALTH_AND_SAFETY
from ap_field.premises.template_text import template_as_text
from tests.helpers import text_of
from tests.premises.helpers import (
    answer_everything,
    make_check,
    make_provider,
    signed_form,
    template_named,
)


@pytest.fixture
def assessor(make_user, auth):
    user = make_user(Role.ASSESSOR, name="Sam Patel")
    auth.login(user)
    return user


def no_answer(when=None) -> dict:
    return {
        "answer": "no",
        "comment": "Fire exit blocked by pallets",
        "action_description": "Clear the fire exit and keep it clear",
        "action_owner": "Workshop manager",
        "action_risk": "medium",
        "action_due_on": (when or london_today() + timedelta(days=7)).isoformat(),
    }


def test_the_standard_templates_are_seeded_from_the_guidance(app):
    health = template_named(HEALTH_AND_SAFETY)
    appendix = template_named(APPENDIX_1)
    assert health.version_number == appendix.version_number == 1
    items = [item.text for section in health.sections for item in section.items]
    for topic in (
        "General suitability of workplace conditions",
        "Housekeeping",
        "Toilets and washing facilities",
        "Fire precautions",
        "Guarding of machines",
        "Provision of any necessary protective equipment",
        "Appropriate induction",
        "Training",
        "Supervision",
        "Site familiarisation",
        "Pupils know how and with whom to raise health and safety concerns",
    ):
        assert topic in items
    assert any("reporting any serious accidents" in item for item in items)
    assert [section.higher_risk_only for section in health.sections].count(True) == 1
    sections = {section.title: section for section in appendix.sections}
    lettered = sections[
        "General policies: which of the following checks were carried out prior to placement?"
    ]
    assert [item.text[:2] for item in lettered.items] == [
        f"{letter})" for letter in "abcdefghijklmnopq"
    ]
    assert len(sections["Quality of Provision"].items) == 10
    assert len(sections["Supporting Documentation in Place"].items) == 6
    assert len(sections["Insurance"].items) == 5


def test_seeding_twice_adds_nothing(app):
    template_named()
    template_named()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckTemplate)) == 2


def test_higher_risk_items_are_asked_only_in_a_higher_risk_setting(app, make_user):
    assessor = make_user(Role.ASSESSOR)
    office = make_check(assessor)
    workshop = make_check(
        assessor, make_provider("Garage"), higher_risk=HigherRisk.MOTOR_VEHICLE_REPAIR
    )
    assert len(workshop.items()) == len(office.items()) + 8


def test_an_assessor_starts_answers_resumes_and_signs_off_a_check(client, client_request, assessor):
    provider = make_provider()
    template = template_named()
    page = client_request.get(f"/site-checks/new?site={provider.sites[0].id}")
    assert page.select_one("#site_id option[selected]")["value"] == str(provider.sites[0].id)
    response = client_request.post(
        "/site-checks/new",
        {
            "client_uuid": str(uuid.uuid4()),
            "site_id": provider.sites[0].id,
            "template_id": template.id,
            "higher_risk": "none",
        },
    )
    check = db.session.scalar(sa.select(SiteCheck))
    assert response.location == f"/site-checks/{check.id}"
    items = check.items()

    first = client_request.post(f"/site-checks/{check.id}/items/{items[0].id}", {"answer": "yes"})
    assert first.location == f"/site-checks/{check.id}/items/{items[1].id}"
    page = client_request.post(
        f"/site-checks/{check.id}/items/{items[1].id}", {"answer": "no"}, expected_status=200
    )
    assert [a.get_text() for a in page.select(".govuk-error-summary a")] == [
        "Enter a comment saying what is wrong",
        "Enter the action that needs doing",
        "Enter who will do the action",
        "Choose the action's risk",
    ]
    client_request.post(f"/site-checks/{check.id}/items/{items[1].id}", no_answer())

    overview = client_request.get(f"/site-checks/{check.id}")
    assert text_of(overview, "#progress") == f"2 of {len(items)} items answered."
    tasks = overview.select(".govuk-task-list__item")
    assert [text_of(task, ".govuk-task-list__status") for task in tasks[:3]] == [
        "Yes",
        "No",
        "Not answered",
    ]
    assert tasks[1].select_one("a")["href"] == f"/site-checks/{check.id}/items/{items[1].id}"
    assert overview.select_one("a.govuk-button")["href"].endswith(f"/items/{items[2].id}")

    for item in items[2:]:
        client_request.post(
            f"/site-checks/{check.id}/items/{item.id}", {"answer": "not_applicable"}
        )
    satisfactory = client_request.post(
        f"/site-checks/{check.id}/sign-off",
        signed_form(
            {
                "version": check.version,
                "outcome": "satisfactory",
                "competence_statement": "IOSH",
                "confirm": "y",
            }
        ),
        expected_status=200,
    )
    assert "The check has 1 action: choose Actions required or Unsatisfactory" in satisfactory.text
    db.session.refresh(check)
    answers = client_request.get(f"/site-checks/{check.id}/sign-off")
    rows = answers.select(".app-check-answers .govuk-summary-list__row")
    assert len(rows) == len(items)
    assert "Fire exit blocked by pallets" in text_of(rows[1], ".govuk-summary-list__value")
    assert (
        rows[1]
        .select_one(".govuk-summary-list__actions a")["href"]
        .endswith(f"/items/{items[1].id}")
    )
    signed = client_request.post(
        f"/site-checks/{check.id}/sign-off",
        signed_form(
            {
                "version": check.version,
                "outcome": "actions_required",
                "competence_statement": "NEBOSH General Certificate; 8 years of inspections",
                "confirm": "y",
            }
        ),
    )
    db.session.expire_all()
    check = db.session.get(SiteCheck, check.id)
    assert check.status == CheckStatus.SIGNED_OFF
    assert check.outcome == CheckOutcome.ACTIONS_REQUIRED
    assert check.next_due_on == add_months(london_today(), 12)
    assert signed.location == f"/site-checks/{check.id}/signed-off"
    confirmation = client_request.get(signed.location)
    assert text_of(confirmation, ".govuk-panel__title") == "Site check signed off"
    assert text_of(confirmation, "#next-check") == (
        f"The next check of this site is due by {format_long_date(check.next_due_on)}."
    )

    report = client_request.get(f"/site-checks/{check.id}/report")
    assert "Fire exit blocked by pallets" in report.text
    due = london_today() + timedelta(days=7)
    actions = [" ".join(row.get_text().split()) for row in report.select(".app-actions li")]
    assert actions == [
        "Clear the fire exit and keep it clear Medium risk Open Workshop manager · "
        f"due {format_long_date(due)}"
    ]
    events = set(db.session.scalars(sa.select(AuditEvent.event)))
    assert {
        "site_check.started",
        "site_check.answered",
        "site_check.signed_off",
        "site_action.raised",
    } <= events


def test_a_stale_sign_off_gets_409_and_signs_nothing_off(client_request, assessor):
    check = make_check(assessor)
    answer_everything(check)
    page = client_request.post(
        f"/site-checks/{check.id}/sign-off",
        signed_form(
            {
                "version": check.version - 1,
                "outcome": "satisfactory",
                "competence_statement": "IOSH",
                "confirm": "y",
            }
        ),
        expected_status=409,
    )
    assert text_of(page, "h1") == "Someone else changed this check"
    db.session.expire_all()
    assert db.session.get(SiteCheck, check.id).status == CheckStatus.DRAFT


def test_sign_off_waits_for_every_item(client_request, assessor):
    check = make_check(assessor)
    page = client_request.get(f"/site-checks/{check.id}/sign-off")
    assert f"{len(check.items())} items are not answered yet" in page.text
    assert page.select_one("main form") is None


def test_a_signed_off_check_cannot_be_changed(client, client_request, assessor):
    check = make_check(assessor)
    answer_everything(check)
    item = check.items()[0]
    client_request.post(
        f"/site-checks/{check.id}/sign-off",
        signed_form(
            {
                "version": check.version,
                "outcome": "satisfactory",
                "competence_statement": "IOSH",
                "confirm": "y",
            }
        ),
    )
    page = client_request.post(
        f"/site-checks/{check.id}/items/{item.id}", no_answer(), expected_status=409
    )
    assert text_of(page, "h1") == "This check is signed off"
    client_request.post(
        f"/site-checks/{check.id}/sign-off",
        signed_form(
            {
                "version": check.version + 1,
                "outcome": "unsatisfactory",
                "competence_statement": "x",
                "confirm": "y",
            }
        ),
        expected_status=409,
    )
    assert client.get(f"/site-checks/{check.id}/items/{item.id}").status_code == 409
    assert client.get(f"/site-checks/{check.id}").location == f"/site-checks/{check.id}/report"
    db.session.expire_all()
    answer = db.session.scalar(sa.select(CheckAnswer).where(CheckAnswer.item_id == item.id))
    assert answer.answer == Answer.YES
    assert db.session.get(SiteCheck, check.id).outcome == CheckOutcome.SATISFACTORY


def test_the_database_session_refuses_to_change_a_signed_off_check(app, make_user):
    check = make_check(make_user(Role.ASSESSOR))
    answer_everything(check)
    values = {"outcome": CheckOutcome.SATISFACTORY, "competence_statement": "IOSH"}
    sign_off(check, values, seen_version=check.version)
    check.answers[0].comment = "changed later"
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    check.summary = "changed later"
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()


def test_another_assessor_may_read_a_draft_but_not_answer_it(
    client, client_request, make_user, auth
):
    check = make_check(make_user(Role.ASSESSOR))
    auth.login(make_user(Role.ASSESSOR))
    page = client_request.get(f"/site-checks/{check.id}")
    assert page.select(".govuk-task-list__item"), "the items, to read"
    assert page.select(".govuk-task-list__link") == [], "none to answer"
    assert (
        client.post(
            f"/site-checks/{check.id}/items/{check.items()[0].id}", data={"answer": "yes"}
        ).status_code
        == 403
    )


@pytest.mark.parametrize("role", [Role.LEAD, Role.ADMIN])
def test_leads_and_admins_read_checks_and_reports(client_request, make_user, auth, role):
    check = make_check(make_user(Role.ASSESSOR))
    auth.login(make_user(role))
    client_request.get(f"/site-checks/{check.id}")
    client_request.get(f"/site-checks/{check.id}/report")
    assert (
        client_request.client.post(
            f"/site-checks/{check.id}/items/{check.items()[0].id}"
        ).status_code
        == 403
    )


def test_the_confirmation_is_for_a_signed_off_check_only(client, client_request, make_user, auth):
    check = make_check(make_user(Role.ASSESSOR))
    auth.login(make_user(Role.LEAD))
    response = client_request.client.get(f"/site-checks/{check.id}/signed-off")
    assert response.location == f"/site-checks/{check.id}", "not signed off yet"
    auth.logout()
    auth.login(make_user(Role.TEACHER))
    assert client.get(f"/site-checks/{check.id}/signed-off").status_code == 403


def test_teachers_and_parents_cannot_see_checks(client, make_user, auth):
    check = make_check(make_user(Role.ASSESSOR))
    for role in (Role.TEACHER, Role.PARENT):
        auth.login(make_user(role))
        assert client.get(f"/site-checks/{check.id}/report").status_code == 403
        auth.logout()


def test_an_admin_adds_a_template_version_and_a_finished_check_keeps_its_own(
    client_request, make_user, auth
):
    assessor = make_user(Role.ASSESSOR)
    old_check = make_check(assessor)
    old_template = old_check.template
    answer_everything(old_check)
    auth.login(make_user(Role.ADMIN))
    page = client_request.get(f"/check-templates/new?from={old_template.id}")
    text = page.select_one("#text").get_text().lstrip()
    assert text.startswith("# Suitability for the pupils\n- ")
    assert "[higher risk]" in text
    client_request.post(
        "/check-templates/new",
        {
            "client_uuid": str(uuid.uuid4()),
            "name": HEALTH_AND_SAFETY,
            "source": old_template.source,
            "text": text + "\n# Outdoor areas\n- Boundaries and gates are secure\n",
        },
    )
    new = template_named(HEALTH_AND_SAFETY)
    assert new.version_number == 2
    assert new.sections[-1].title == "Outdoor areas"
    db.session.expire_all()
    kept = db.session.get(SiteCheck, old_check.id)
    assert kept.template.version_number == 1
    assert "Outdoor areas" not in [section.title for section in kept.sections()]
    auth.logout()
    auth.login(assessor)
    page = client_request.get("/site-checks/new")
    labels = [label.get_text() for label in page.select("#template_id label")]
    assert f"{HEALTH_AND_SAFETY} (version 2)" in labels
    assert f"{HEALTH_AND_SAFETY} (version 1)" not in labels


def test_template_text_with_a_mistake_is_refused_with_its_line(client_request, make_user, auth):
    auth.login(make_user(Role.ADMIN))
    page = client_request.post(
        "/check-templates/new",
        {
            "client_uuid": str(uuid.uuid4()),
            "name": "Kitchen",
            "source": "Local policy",
            "text": "# Food\nFridge below 5C",
        },
        expected_status=200,
    )
    assert "Line 2: start the line with # for a section or - for an item" in page.text


def test_template_text_round_trips(app, make_user):
    template = template_named(APPENDIX_1)
    copy = add_template_version(
        "Copy", "Test", template_as_text(template), make_user(Role.ADMIN), uuid.uuid4()
    )
    assert template_as_text(copy) == template_as_text(template)


def test_the_site_checks_page_shows_checks_falling_due_overdue_and_never_done(
    client_request, assessor
):
    overdue, due_soon, later = (
        make_provider(name) for name in ("Overdue Farm", "Due Soon Garage", "Later Studio")
    )
    make_provider("New Kitchen")
    for provider, due_on in (
        (overdue, london_today() - timedelta(days=3)),
        (due_soon, london_today() + timedelta(days=20)),
        (later, london_today() + timedelta(days=31)),
    ):
        check = make_check(assessor, provider)
        answer_everything(check)
        sign_off(
            check,
            {"outcome": CheckOutcome.SATISFACTORY, "competence_statement": "IOSH"},
            check.version,
        )
        db.session.execute(
            SiteCheck.__table__.update()
            .where(SiteCheck.__table__.c.id == check.id)
            .values(next_due_on=due_on)
        )
    db.session.commit()

    page = client_request.get("/site-checks")
    due = cards(page, "#due")
    assert [card.split(":")[0] for card in due] == ["Overdue Farm", "Due Soon Garage"]
    assert "Overdue since" in due[0]
    assert due[1].startswith("Due Soon Garage: Main site Due ")
    [never] = cards(page, "#never-checked")
    assert never.startswith("New Kitchen") and "Never checked" in never


def cards(page, heading: str) -> list[str]:
    return [
        " ".join(card.get_text(" ", strip=True).split())
        for card in page.select(f"{heading} + ul .app-card")
    ]


def test_sites_never_checked_come_a_page_at_a_time(client_request, assessor):
    for number in range(26):
        make_provider(f"Provider {number:02d}")
    page = client_request.get("/site-checks")
    listed = cards(page, "#never-checked")
    assert len(listed) == 25 and listed[0].startswith("Provider 00")
    following = page.select_one("nav[aria-label='Pages of sites never checked'] a[rel=next]")
    assert following["href"] == "/site-checks?never-page=2#never-checked"
    [last] = cards(client_request.get(following["href"]), "#never-checked")
    assert last.startswith("Provider 25")
