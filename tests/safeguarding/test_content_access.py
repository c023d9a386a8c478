"""Only DSLs and the person who recorded a concern read it; everyone else who may see the
pupil reads that a concern was recorded, and when, no more. Every read is audited."""

import uuid

import pytest
import sqlalchemy as sa

from ap_field.audit.models import AuditEvent
from ap_field.auth.models import Role, SafeguardingRole
from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.parents.models import ParentLink

SECRET = "No food in the house for two days"


@pytest.fixture
def people(make_user, teacher, dsl, pupil):
    parent = make_user(Role.PARENT)
    db.session.add(ParentLink(parent=parent, pupil=pupil, relationship="Mother"))
    db.session.commit()
    return {
        "recorder": teacher,
        "dsl": dsl,
        "deputy": make_user(Role.TEACHER, safeguarding_role=SafeguardingRole.DEPUTY),
        "lead": make_user(Role.LEAD),
        "admin": make_user(Role.ADMIN),
        "assessor": make_user(Role.ASSESSOR),
        "parent": parent,
    }


def _pages(concern) -> dict:
    return {
        "show": ("GET", f"/pupils/{concern.pupil_id}/concerns/{concern.id}"),
        "addendum form": ("GET", f"/pupils/{concern.pupil_id}/concerns/{concern.id}/addenda/new"),
        "action form": ("GET", f"/pupils/{concern.pupil_id}/concerns/{concern.id}/actions/new"),
        "close form": ("GET", f"/pupils/{concern.pupil_id}/concerns/{concern.id}/close"),
        "reopen form": ("GET", f"/pupils/{concern.pupil_id}/concerns/{concern.id}/reopen"),
        "seen": ("POST", f"/pupils/{concern.pupil_id}/concerns/{concern.id}/seen"),
        "chronology": ("GET", f"/pupils/{concern.pupil_id}/safeguarding"),
        "pdf": ("GET", f"/pupils/{concern.pupil_id}/safeguarding.pdf"),
        "dsl page": ("GET", "/safeguarding"),
    }


# The concern's own pages, which its recorder reads too, and the pages of the DSL's work.
CONCERN_PAGES = ["show", "addendum form"]
DSL_WORK = ["action form", "close form", "reopen form", "seen", "chronology", "pdf", "dsl page"]
# What each person gets from each page: DSLs everything; the recorder the concern and its
# addenda; staff who may see the pupil a 404 for the concern (it is not theirs to read) and a
# 403 for the DSL's pages; parents and assessors 403 throughout.
EXPECTED = {
    "dsl": dict.fromkeys(CONCERN_PAGES + DSL_WORK, (200, 302)),
    "deputy": dict.fromkeys(CONCERN_PAGES + DSL_WORK, (200, 302)),
    "recorder": dict.fromkeys(CONCERN_PAGES, (200,)) | dict.fromkeys(DSL_WORK, (403,)),
    "lead": dict.fromkeys(CONCERN_PAGES, (404,)) | dict.fromkeys(DSL_WORK, (403,)),
    "admin": dict.fromkeys(CONCERN_PAGES, (404,)) | dict.fromkeys(DSL_WORK, (403,)),
    "assessor": dict.fromkeys(CONCERN_PAGES + DSL_WORK, (403,)),
    "parent": dict.fromkeys(CONCERN_PAGES + DSL_WORK, (403,)),
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_each_person_reads_only_what_is_theirs(client, switch_to, people, pupil, make_concern, who):
    concern = make_concern(pupil, people["recorder"], what_happened=SECRET)
    switch_to(people[who])
    for page, (method, path) in _pages(concern).items():
        response = client.open(path, method=method, data={"version": concern.version})
        assert response.status_code in EXPECTED[who][page], (who, page, response.status_code)
        if response.status_code != 200:
            assert SECRET not in response.text


@pytest.mark.parametrize("who", ["lead", "admin"])
def test_others_read_only_that_a_concern_was_recorded(
    client, switch_to, people, pupil, make_concern, who
):
    concern = make_concern(pupil, people["recorder"], what_happened=SECRET)
    switch_to(people["dsl"])
    client.post(f"/pupils/{pupil.id}/concerns/{concern.id}/seen", data={"version": concern.version})
    switch_to(people[who])

    page = client.get(f"/pupils/{pupil.id}").text
    assert "Safeguarding concern recorded" in page
    assert "Safeguarding concern seen" not in page
    assert "Safeguarding concern read" not in page
    assert SECRET not in page


def test_every_read_is_in_the_audit_log_and_the_dsl_sees_who_read_it(
    client, switch_to, people, pupil, make_concern
):
    concern = make_concern(pupil, people["recorder"], what_happened=SECRET)
    client.get(f"/pupils/{pupil.id}/concerns/{concern.id}")
    switch_to(people["deputy"])
    client.get(f"/pupils/{pupil.id}/safeguarding")
    switch_to(people["dsl"])

    page = client.get(f"/pupils/{pupil.id}/concerns/{concern.id}").text

    readers = db.session.scalars(
        sa.select(AuditEvent.actor_id).where(AuditEvent.event == "concern.read")
    ).all()
    assert sorted(readers) == sorted([people["recorder"].id, people["deputy"].id, people["dsl"].id])
    who_read = page.split("Who has read it")[1]
    assert people["recorder"].name in who_read
    assert people["deputy"].name in who_read


def test_a_failed_read_is_not_audited(client, switch_to, people, pupil, make_concern):
    concern = make_concern(pupil, people["recorder"])
    switch_to(people["lead"])
    client.get(f"/pupils/{pupil.id}/concerns/{concern.id}")
    assert not db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.event == "concern.read")
    ).all()


def test_the_chronology_pdf_opens(client, switch_to, people, pupil, make_concern):
    make_concern(pupil, people["recorder"], what_happened=SECRET)
    switch_to(people["dsl"])
    response = client.get(f"/pupils/{pupil.id}/safeguarding.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert response.headers["Cache-Control"] == "no-store"


def test_the_chronology_lists_concerns_actions_and_placements(
    client, client_request, switch_to, people, pupil, make_concern
):
    concern = make_concern(pupil, people["recorder"])
    switch_to(people["dsl"])
    client.post(
        f"/pupils/{pupil.id}/concerns/{concern.id}/actions/new",
        data={
            "client_uuid": str(uuid.uuid4()),
            "kind": "early_help",
            "taken_on": london_today().isoformat(),
            "taken_by": "Lena Brooks",
            "note": "Family support worker allocated",
        },
    )
    page = client_request.get(f"/pupils/{pupil.id}/safeguarding")
    rows = [row.text for row in page.select("tbody tr")]
    assert any("Placement with Tom Okafor started" in row for row in rows)
    assert any(f"Concern {concern.reference} recorded" in row for row in rows)
    assert any("Early help" in row and "Family support worker allocated" in row for row in rows)
