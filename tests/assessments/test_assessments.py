"""Initial assessments: recording one in full, bad input, the baseline and the change from
it, replayed creates, stale edits, the audit trail and the caseload's edge."""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from ap_field.assessments.models import Assessment
from ap_field.audit.models import AuditEvent
from ap_field.auth.models import Role
from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.pupils.services import assign
from tests.assessments.helpers import assessment_form, make_assessment
from tests.helpers import text_of


@pytest.fixture
def pupil(make_pupil, make_user, teacher):
    """A pupil in the signed-in teacher's caseload."""
    pupil = make_pupil(legal_name="Jayden Clarke", reasons=["ebsa", "medical"])
    assign(pupil, teacher, make_user(Role.LEAD))
    return pupil


def assessment_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Assessment))


def summary_rows(page) -> dict[str, str]:
    return {
        text_of(row, "dt"): text_of(row, "dd") for row in page.select(".govuk-summary-list__row")
    }


def test_the_new_form_opens_with_today_a_client_uuid_and_the_pupils_reasons(client_request, pupil):
    page = client_request.get(f"/pupils/{pupil.id}/assessments/new")
    assert page.select_one("#assessed_on")["value"] == london_today().isoformat()
    assert uuid.UUID(page.select_one("#client_uuid")["value"])
    checked = {box["value"] for box in page.select("input[name=barriers][checked]")}
    assert checked == {"ebsa", "medical"}
    assert "5 is high" in text_of(page, "#wellbeing-hint")
    assert "higher number means more anxious" in text_of(page, "#anxiety-hint")
    assert "percentage, from 0 to 100" in text_of(page, "#literacy_score-hint")


def test_a_teacher_records_an_assessment_with_every_field(client_request, teacher, pupil):
    response = client_request.post(f"/pupils/{pupil.id}/assessments/new", assessment_form())
    assessment = db.session.scalar(sa.select(Assessment))
    assert response.location == f"/pupils/{pupil.id}/assessments/{assessment.id}"
    assert assessment.assessor_id == teacher.id

    page = client_request.get(response.location)
    assert text_of(page, "h1") == f"Assessment on {london_today().strftime('%A')}" + (
        f" {london_today().day} {london_today():%B %Y}"
    )
    assert "Baseline" in text_of(page, "main")
    assert summary_rows(page) == {
        "Assessed by": "Tom Okafor",
        "Literacy": "Key Stage 2, score 42%",
        "Numeracy": "Entry Level 3, score 35%",
        "Reading age": "9 years 6 months",
        "Wellbeing": "2 of 5",
        "Resilience": "3 of 5",
        "Confidence": "2 of 5",
        "Anxiety": "5 of 5 (higher is more anxious)",
        "Barriers to attending": (
            "Emotionally based school avoidance, Other: Young carer for a parent"
        ),
        "More about the barriers": "Finds mornings hard; mum walks him to the door.",
        "Interests and strengths": "Films and photography; kind to younger children.",
        "Communication and SEND needs": "Prefers written instructions; dyslexia screening due.",
        "Recommended focus areas": "Emotional wellbeing, English, Other: Photography project",
    }

    pupil_page = client_request.get(f"/pupils/{pupil.id}")
    section = text_of(pupil_page, "#assessment-summary")
    assert "Baseline" in section
    assert "Literacy Key Stage 2 · Numeracy Entry Level 3 · Reading age 9 years 6 months" in section
    assert pupil_page.find("a", string="Add an assessment")["href"] == (
        f"/pupils/{pupil.id}/assessments/new"
    )


def test_optional_fields_may_be_left_blank(client_request, pupil):
    form = assessment_form(
        literacy_score="",
        numeracy_score="",
        reading_age_years="",
        reading_age_months="",
        barriers=[],
        barrier_other="",
        barrier_notes="",
        interests_and_strengths="",
        communication_and_send_needs="",
    )
    response = client_request.post(f"/pupils/{pupil.id}/assessments/new", form)
    rows = summary_rows(client_request.get(response.location))
    assert rows["Literacy"] == "Key Stage 2"
    assert rows["Reading age"] == "Not recorded"
    assert rows["Barriers to attending"] == "Not recorded"
    assessment = db.session.scalar(sa.select(Assessment))
    assert assessment.barrier_notes is None
    assert assessment.reading_age_months is None


def test_a_pupil_page_without_assessments_offers_the_first(client_request, pupil):
    page = client_request.get(f"/pupils/{pupil.id}")
    assert "No assessment yet" in page.get_text()
    assert page.find("a", string="Add an assessment")


BAD_INPUT = [
    (
        {"assessed_on": (london_today() + timedelta(days=1)).isoformat()},
        "assessed_on",
        "must be today or in the past",
    ),
    ({"assessed_on": ""}, "assessed_on", "Enter the date of the assessment"),
    ({"assessed_on": "31/02/2026"}, "assessed_on", "as a real date"),
    ({"literacy_level": ""}, "literacy_level", "working at in literacy"),
    ({"numeracy_level": "ks9"}, "numeracy_level", "working at in numeracy"),
    ({"literacy_score": "101"}, "literacy_score", "The literacy score must be from 0 to 100"),
    ({"numeracy_score": "-1"}, "numeracy_score", "The numeracy score must be from 0 to 100"),
    ({"literacy_score": "lots"}, "literacy_score", "must be a whole number"),
    ({"reading_age_months": "12"}, "reading_age_months", "must be from 0 to 11"),
    ({"reading_age_years": "30"}, "reading_age_years", "must be from 4 to 18"),
    (
        {"reading_age_years": "", "reading_age_months": "4"},
        "reading_age_years",
        "Enter the reading age in years as well as months",
    ),
    ({"wellbeing": None}, "wellbeing", "Choose how the pupil rates their wellbeing, from 1 to 5"),
    (
        {"resilience": None},
        "resilience",
        "Choose how the pupil rates their resilience, from 1 to 5",
    ),
    (
        {"confidence": None},
        "confidence",
        "Choose how the pupil rates their confidence, from 1 to 5",
    ),
    ({"anxiety": None}, "anxiety", "Choose how the pupil rates their anxiety, from 1 to 5"),
    ({"anxiety": "6"}, "anxiety", "Choose how the pupil rates their anxiety, from 1 to 5"),
    ({"anxiety": "high"}, "anxiety", "Choose how the pupil rates their anxiety, from 1 to 5"),
    (
        {"barriers": ["other"], "barrier_other": ""},
        "barrier_other",
        "Describe the other barrier to attending",
    ),
    ({"focus_areas": []}, "focus_areas", "Choose at least one area"),
    ({"focus_other": ""}, "focus_other", "Describe the other focus area"),
]


@pytest.mark.parametrize("change, field, message", BAD_INPUT)
def test_bad_input_is_explained_at_the_field_the_input_is_kept_and_nothing_is_saved(
    client_request, pupil, change, field, message
):
    form = {
        name: value for name, value in (assessment_form() | change).items() if value is not None
    }
    page = client_request.post(f"/pupils/{pupil.id}/assessments/new", form, expected_status=200)

    assert message in text_of(page, f"#{field}-error")
    assert message in text_of(page, ".govuk-error-summary")
    link = page.select_one(".govuk-error-summary a")["href"]
    assert link in (f"#{field}", f"#{field}-0"), "the field, or a group's first option"
    assert page.select_one(link).name in ("input", "select", "textarea"), "a link to an input"
    assert (
        page.select_one("#interests_and_strengths").get_text().strip()
        == (form["interests_and_strengths"])
    )
    assert page.select_one("#client_uuid")["value"] == form["client_uuid"]
    if field != "literacy_score":
        assert page.select_one("#literacy_score")["value"] == "42"
    if field != "confidence":
        assert page.select_one("input[name=confidence][value='2']").has_attr("checked")
    focus = {box["value"] for box in page.select("input[name=focus_areas][checked]")}
    assert focus == set(form.get("focus_areas", []))
    assert assessment_count() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 2


def test_the_first_assessment_is_the_baseline_and_later_ones_show_the_change(
    client_request, teacher, pupil
):
    today = london_today()
    first = make_assessment(
        pupil, teacher, assessed_on=today - timedelta(days=42), wellbeing=2, anxiety=5
    )
    later = make_assessment(pupil, teacher, assessed_on=today, wellbeing=4, anxiety=3)

    page = client_request.get(f"/pupils/{pupil.id}/assessments")
    assert "Baseline" in text_of(page, f"#assessment-{first.id}")
    latest_card = text_of(page, f"#assessment-{later.id}")
    assert "Baseline" not in latest_card
    assert "Wellbeing 2 → 4 Better" in latest_card
    assert "Resilience 3 → 3 (no change)" in latest_card
    assert "Anxiety 5 → 3 Better" in latest_card
    cards = page.select(".app-card")
    assert [card["id"] for card in cards] == [f"assessment-{later.id}", f"assessment-{first.id}"]

    shown = client_request.get(f"/pupils/{pupil.id}/assessments/{later.id}")
    assert "Wellbeing 2 → 4" in text_of(shown, "main")

    pupil_page = client_request.get(f"/pupils/{pupil.id}")
    section = text_of(pupil_page, "#assessment-summary")
    assert "Baseline:" in section
    assert "Latest:" in section
    assert "Confidence 3 → 3" in section
    assert "All assessments (2)" in pupil_page.get_text()


def test_an_assessment_dated_earlier_becomes_the_baseline(client_request, teacher, pupil):
    """The baseline is the earliest by date, whenever it was typed in."""
    recorded_first = make_assessment(pupil, teacher)
    dated_earlier = make_assessment(pupil, teacher, assessed_on=london_today() - timedelta(days=30))
    page = client_request.get(f"/pupils/{pupil.id}/assessments")
    assert "Baseline" in text_of(page, f"#assessment-{dated_earlier.id}")
    assert "Baseline" not in text_of(page, f"#assessment-{recorded_first.id}")


def test_a_replayed_create_makes_one_record(client, pupil):
    form = assessment_form(client_uuid=str(uuid.uuid4()))
    first = client.post(f"/pupils/{pupil.id}/assessments/new", data=form)
    second = client.post(f"/pupils/{pupil.id}/assessments/new", data=form)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert assessment_count() == 1
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(AuditEvent.event == "assessment.created")
        )
        == 1
    )


def test_a_replay_for_another_pupil_is_refused(client, teacher, pupil, make_pupil):
    other = make_pupil()
    assign(other, teacher, None)
    form = assessment_form(client_uuid=str(uuid.uuid4()))
    client.post(f"/pupils/{pupil.id}/assessments/new", data=form)
    assert client.post(f"/pupils/{other.id}/assessments/new", data=form).status_code == 422
    assert assessment_count() == 1


def test_an_edit_saves_bumps_the_version_and_audits_what_changed(client_request, teacher, pupil):
    response = client_request.post(f"/pupils/{pupil.id}/assessments/new", assessment_form())
    assessment = db.session.scalar(sa.select(Assessment))
    page = client_request.get(f"/pupils/{pupil.id}/assessments/{assessment.id}/edit")
    assert page.select_one("#version")["value"] == "1"
    assert page.select_one("input[name=anxiety][value='5']").has_attr("checked")
    assert page.select_one("#literacy_level option[selected]")["value"] == "ks2"

    client_request.post(
        f"{response.location}/edit",
        assessment_form(version="1", wellbeing="3", literacy_score="50"),
    )

    db.session.expire_all()
    assessment = db.session.get(Assessment, assessment.id)
    assert (assessment.wellbeing, assessment.literacy_score, assessment.version) == (3, 50, 2)
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.pupil_id == pupil.id).order_by(AuditEvent.id)
    ).all()
    assert [event.event for event in events][-2:] == ["assessment.created", "assessment.updated"]
    created, updated = events[-2:]
    assert created.details["assessment_id"] == assessment.id
    assert created.details["after"]["literacy_level"] == "ks2"
    assert created.details["after"]["barriers"] == ["ebsa", "other"]
    assert updated.details == {
        "assessment_id": assessment.id,
        "before": {"literacy_score": 42, "wellbeing": 2},
        "after": {"literacy_score": 50, "wellbeing": 3},
    }
    assert all(event.actor_id == teacher.id for event in (created, updated))

    chronology = text_of(client_request.get(f"/pupils/{pupil.id}"), "ol.govuk-list")
    assert "Assessment recorded, by Tom Okafor" in chronology
    assert "Assessment updated, by Tom Okafor" in chronology


def test_saving_nothing_new_writes_no_event(client, pupil):
    location = client.post(f"/pupils/{pupil.id}/assessments/new", data=assessment_form()).location
    client.post(f"{location}/edit", data=assessment_form(version="1"))
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(AuditEvent.event == "assessment.updated")
        )
        == 0
    )


def test_a_stale_edit_gets_409_with_both_versions_and_changes_nothing(
    client_request, teacher, pupil
):
    assessment = make_assessment(pupil, teacher, wellbeing=2, focus_areas=["maths"])
    path = f"/pupils/{pupil.id}/assessments/{assessment.id}/edit"
    mine = assessment_form(version="1", wellbeing="4", focus_areas=["english"], focus_other="")
    assessment.wellbeing = 3
    db.session.commit()

    page = client_request.post(path, mine, expected_status=409)

    rows = {
        text_of(row, "th"): [cell.get_text(strip=True) for cell in row.select("td")]
        for row in page.select("tbody tr")
    }
    assert rows["Wellbeing"] == ["3", "4"]
    assert rows["Recommended focus areas"] == ["Maths", "English"]
    db.session.expire_all()
    assert db.session.get(Assessment, assessment.id).wellbeing == 3
    assert db.session.get(Assessment, assessment.id).version == 2

    resend = page.select_one("main form")
    data = {}
    for field in resend.select("input[type=hidden]"):
        data.setdefault(field["name"], []).append(field["value"])
    assert data["version"] == ["2"]
    client_request.post(resend["action"], data)
    db.session.expire_all()
    assert db.session.get(Assessment, assessment.id).wellbeing == 4


def test_bad_input_on_an_edit_changes_nothing(client_request, teacher, pupil):
    assessment = make_assessment(pupil, teacher)
    page = client_request.post(
        f"/pupils/{pupil.id}/assessments/{assessment.id}/edit",
        assessment_form(version="1", literacy_score="250"),
        expected_status=200,
    )
    assert "from 0 to 100" in text_of(page, "#literacy_score-error")
    db.session.expire_all()
    assert db.session.get(Assessment, assessment.id).literacy_score is None


def test_a_teacher_of_another_caseload_gets_404(
    client, auth, make_user, make_pupil, pupil, teacher
):
    assessment = make_assessment(pupil, teacher)
    auth.logout()
    auth.login(make_user(Role.TEACHER))
    base = f"/pupils/{pupil.id}/assessments"
    for path in (base, f"{base}/new", f"{base}/{assessment.id}", f"{base}/{assessment.id}/edit"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"{base}/new", data=assessment_form()).status_code == 404
    assert assessment_count() == 1


def test_another_pupils_assessment_is_not_reachable_through_this_pupil(
    client, teacher, pupil, make_pupil
):
    other = make_pupil()
    assign(other, teacher, None)
    theirs = make_assessment(other, teacher)
    assert client.get(f"/pupils/{pupil.id}/assessments/{theirs.id}").status_code == 404
    edit = f"/pupils/{pupil.id}/assessments/{theirs.id}/edit"
    assert client.post(edit, data=assessment_form(version="1")).status_code == 404


@pytest.mark.parametrize("role", [Role.PARENT, Role.ASSESSOR])
def test_parents_and_site_assessors_may_not_see_assessments(
    client, auth, make_user, teacher, pupil, role
):
    assessment = make_assessment(pupil, teacher)
    auth.logout()
    auth.login(make_user(role))
    assert client.get(f"/pupils/{pupil.id}/assessments").status_code == 403
    assert client.get(f"/pupils/{pupil.id}/assessments/{assessment.id}").status_code == 403


def test_the_list_takes_the_same_queries_however_many_assessments(client, teacher, pupil):
    def queries_for_list() -> int:
        statements = []

        def count(*_args):
            statements.append(1)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(f"/pupils/{pupil.id}/assessments").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    make_assessment(pupil, teacher)
    few = queries_for_list()
    for _ in range(5):
        make_assessment(pupil, teacher)
    assert queries_for_list() == few
