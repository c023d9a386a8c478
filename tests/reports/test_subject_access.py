"""A lead exports everything held about one pupil for a subject access request: a JSON file
per kind of record, and the safeguarding records and chronology only when the lead is a DSL."""

import io
import json
import zipfile

import sqlalchemy as sa

from ap_field.audit.models import AuditEvent
from ap_field.auth.models import Role, SafeguardingRole
from ap_field.extensions import db
from ap_field.parents.services import invite
from ap_field.pupils.services import assign
from tests.helpers import write_test_note
from tests.safeguarding.helpers import make_concern

SECRET = "No food in the house for two days"


def _export(client, auth, user, pupil) -> zipfile.ZipFile:
    auth.login(user)
    response = client.get(f"/pupils/{pupil.id}/subject-access.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert f"subject-access-{pupil.case_number}.zip" in response.headers["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.data))


def _pupil_with_records(make_user, make_pupil, name: str = "Jayden Clarke"):
    teacher, lead = make_user(Role.TEACHER), make_user(Role.LEAD)
    pupil = make_pupil(legal_name=name)
    assign(pupil, teacher, lead)
    note = write_test_note(pupil, teacher)
    make_concern(pupil, teacher, what_happened=SECRET)
    invite(pupil, lead, {"relationship": "Mother"})
    return pupil, note


def test_a_lead_gets_every_record_of_the_pupil_and_no_safeguarding_content(
    client, auth, make_user, make_pupil
):
    pupil, note = _pupil_with_records(make_user, make_pupil)
    _pupil_with_records(make_user, make_pupil, name="Tiana Mensah")

    archive = _export(client, auth, make_user(Role.LEAD), pupil)

    names = set(archive.namelist())
    assert {"pupils.json", "session_notes.json", "caseload_assignments.json"} <= names
    assert {"audit_events.json", "plan_targets.json", "parent_invitations.json"} <= names
    assert "concerns.json" not in names
    assert "safeguarding-chronology.pdf" not in names
    [record] = json.loads(archive.read("pupils.json"))
    assert record["legal_name"] == "Jayden Clarke"
    notes = json.loads(archive.read("session_notes.json"))
    assert [row["id"] for row in notes] == [note.id], "another pupil's notes are not in it"
    [invitation] = json.loads(archive.read("parent_invitations.json"))
    assert "token_hash" not in invitation
    events = {row["event"] for row in json.loads(archive.read("audit_events.json"))}
    assert "concern.recorded" in events
    everything = b"".join(archive.read(name) for name in names)
    assert SECRET.encode() not in everything
    assert b"Tiana Mensah" not in everything


def test_a_dsl_lead_gets_the_safeguarding_records_and_chronology(
    client, auth, make_user, make_pupil
):
    pupil, _ = _pupil_with_records(make_user, make_pupil)
    dsl = make_user(Role.LEAD, safeguarding_role=SafeguardingRole.DSL)

    archive = _export(client, auth, dsl, pupil)

    [concern] = json.loads(archive.read("concerns.json"))
    assert concern["what_happened"] == SECRET
    assert archive.read("safeguarding-chronology.pdf").startswith(b"%PDF")
    reads = db.session.scalars(
        sa.select(AuditEvent.actor_id).where(AuditEvent.event == "concern.read")
    ).all()
    assert reads == [dsl.id]


def test_each_export_is_in_the_audit_trail_before_it_is_sent(client, auth, make_user, make_pupil):
    pupil, _ = _pupil_with_records(make_user, make_pupil)
    lead = make_user(Role.LEAD)
    _export(client, auth, lead, pupil)
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.event == "pupil.subject_access")
    )
    assert event.actor_id == lead.id
    assert event.pupil_id == pupil.id
    assert "session_notes.json" in event.details["files"]


def test_only_leads_export(client, auth, make_user, make_pupil):
    pupil, _ = _pupil_with_records(make_user, make_pupil)
    for role in (Role.TEACHER, Role.ADMIN, Role.PARENT, Role.ASSESSOR):
        auth.logout()
        auth.login(make_user(role))
        assert client.get(f"/pupils/{pupil.id}/subject-access.zip").status_code == 403
