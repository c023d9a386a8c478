"""An action's owner closes it from the link in their email, with a photo and a note and
without an account; the link expires, takes one submission and every use is audited."""

import io
import re
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from ap_field.audit.models import AuditEvent
from ap_field.auth.models import Role
from ap_field.common.time import LONDON, utcnow
from ap_field.extensions import db
from ap_field.mail.services import send_pending
from ap_field.premises.models import ActionRisk, ActionStatus, Answer, CheckOutcome, SiteAction
from ap_field.premises.services import (
    answer_item,
    mail_overdue_actions,
    remind_action_owners,
    sign_off,
)
from tests.helpers import text_of
from tests.photos.test_images import phone_photo
from tests.premises.helpers import make_check, make_provider

OWNER = "manager@riverside.example.org"


@pytest.fixture
def assessor(make_user):
    return make_user(Role.ASSESSOR, name="Sam Patel")


def signed_off_with_action(
    assessor, email: str | None = OWNER, risk: ActionRisk = ActionRisk.HIGH, provider=None
) -> SiteAction:
    check = make_check(assessor, provider)
    for number, item in enumerate(check.items()):
        values = {"answer": Answer.YES, "comment": None}
        if number == 0:
            values = {
                "answer": Answer.NO,
                "comment": "Fire exit blocked by pallets",
                "action_description": "Clear the fire exit",
                "action_owner": "Workshop manager",
                "action_owner_email": email,
                "action_risk": risk,
                "action_due_on": None,
            }
        answer_item(check, item, values)
    signed = {"outcome": CheckOutcome.ACTIONS_REQUIRED, "competence_statement": "IOSH"}
    sign_off(check, signed, check.version)
    return check.actions[0]


def link_in(message) -> str:
    return re.search(r"(?:http://localhost)?(/action-links/\S+)", message.get_content())[1]


def sent_link(client, mailbox) -> str:
    """The link in the one mail the sign-off queued, handed to the SMTP server."""
    send_pending()
    [message] = mailbox.messages
    assert message["To"] == OWNER
    return link_in(message)


def photo_form(note: str = "Pallets moved to the yard", photo: bytes | None = None) -> dict:
    return {
        "note": note,
        "photo_uuid": "",
        "photo": (io.BytesIO(photo or phone_photo(size=(800, 600))), "IMG_0001.jpg"),
    }


def events(name: str) -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.event == name)).all()


def test_the_owner_closes_the_action_with_a_photo_through_the_emailed_link(
    client, client_request, assessor, mailbox
):
    action = signed_off_with_action(assessor)
    path = sent_link(client, mailbox)
    [message] = mailbox.messages
    assert "Clear the fire exit" in message.get_content()
    assert "Fire exit blocked by pallets" in message.get_content()

    page = client_request.get(path)
    assert text_of(page, "#action-description") == "Clear the fire exit"
    response = client.get(path)
    assert response.headers["Cache-Control"] == "no-store"

    client_request.post(path, photo_form(), content_type="multipart/form-data")
    db.session.refresh(action)
    assert action.status == ActionStatus.DONE
    assert action.done_note == "Pallets moved to the yard"
    [photo] = action.evidence
    assert photo.uploaded_by_id is None
    assert max(photo.width, photo.height) <= 1600

    done = client_request.get(path)
    assert text_of(done, ".govuk-panel__title") == "Action sent"
    again = client.post(path, data=photo_form("A second note"), content_type="multipart/form-data")
    assert again.status_code == 200
    assert "Action sent" in again.text
    db.session.refresh(action)
    assert action.done_note == "Pallets moved to the yard"
    assert len(action.evidence) == 1
    assert len(events("site_action.link_sent")) == 1
    assert len(events("site_action.link_opened")) == 2  # each opening of the form
    [used] = events("site_action.done_by_link")
    assert used.details["photo_id"] == photo.id
    assert used.actor_id is None


def test_the_competent_person_sees_the_evidence_and_verifies_it(
    client, client_request, assessor, mailbox, auth
):
    action = signed_off_with_action(assessor)
    path = sent_link(client, mailbox)
    client_request.post(path, photo_form(), content_type="multipart/form-data")
    auth.login(assessor)
    page = client_request.get(f"/site-actions/{action.id}")
    [thumbnail] = page.select("#evidence img")
    assert client.get(thumbnail["src"]).status_code == 200
    db.session.refresh(action)
    client_request.post(
        f"/site-actions/{action.id}/status", {"version": action.version, "status": "verified"}
    )
    db.session.refresh(action)
    assert action.status == ActionStatus.VERIFIED


def test_a_file_that_is_not_a_photo_is_refused_and_the_note_kept(
    client, client_request, assessor, mailbox
):
    action = signed_off_with_action(assessor)
    path = sent_link(client, mailbox)
    page = client_request.post(
        path,
        photo_form(note="Pallets moved", photo=b"%PDF-1.4 not a photo"),
        content_type="multipart/form-data",
        expected_status=422,
    )
    assert "photo" in text_of(page, "#photo-error").lower()
    assert text_of(page, ".govuk-error-summary").startswith("There is a problem")
    assert page.select_one("#note").get_text().strip() == "Pallets moved"
    db.session.refresh(action)
    assert (action.status, action.evidence) == (ActionStatus.OPEN, [])

    no_photo = client_request.post(
        path,
        {"note": "Pallets moved", "photo_uuid": ""},
        content_type="multipart/form-data",
        expected_status=422,
    )
    assert text_of(no_photo, "#photo-error") == "Error: Take or choose a photo"


def test_a_photo_too_large_is_refused_with_a_page(client, assessor, mailbox, app, monkeypatch):
    signed_off_with_action(assessor)
    path = sent_link(client, mailbox)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    response = client.post(path, data=photo_form(), content_type="multipart/form-data")
    assert response.status_code == 413
    assert "The photo is bigger than" in response.text


def test_an_expired_link_changes_nothing(client, assessor, mailbox, clock):
    action = signed_off_with_action(assessor)
    path = sent_link(client, mailbox)
    clock.set(utcnow() + timedelta(days=31))
    response = client.post(path, data=photo_form(), content_type="multipart/form-data")
    assert response.status_code == 410
    assert "This link has expired" in response.text
    db.session.refresh(action)
    assert action.status == ActionStatus.OPEN


def test_a_tampered_link_is_a_clear_page(client, assessor, mailbox):
    signed_off_with_action(assessor)
    path = sent_link(client, mailbox)
    response = client.get(path[:-4] + "AAAA")
    assert response.status_code == 404
    assert "This link does not work" in response.text


def test_a_reopened_action_sends_a_new_link_and_the_old_one_is_spent(
    client, client_request, assessor, mailbox, auth
):
    action = signed_off_with_action(assessor)
    first = sent_link(client, mailbox)
    client_request.post(first, photo_form(), content_type="multipart/form-data")
    auth.login(assessor)
    db.session.refresh(action)
    client_request.post(
        f"/site-actions/{action.id}/status",
        {"version": action.version, "status": "open", "note": "Pallets are back"},
    )
    send_pending()
    second = link_in(mailbox.messages[-1])
    assert second != first
    assert "Action sent" in client.get(first).text
    auth.logout()
    client_request.post(second, photo_form("Cleared again"), content_type="multipart/form-data")
    db.session.refresh(action)
    assert (action.status, action.done_note) == (ActionStatus.DONE, "Cleared again")


def test_an_owner_without_an_email_is_told_on_the_page(client_request, assessor, auth, mailbox):
    action = signed_off_with_action(assessor, email=None)
    auth.login(assessor)
    page = client_request.get(f"/site-actions/{action.id}")
    assert "the link to close it cannot be sent" in page.text
    assert mailbox.messages == []
    assert events("site_action.link_sent") == []


def test_the_check_report_pdf_holds_the_evidence(client, client_request, assessor, mailbox, auth):
    action = signed_off_with_action(assessor)
    path = sent_link(client, mailbox)
    client_request.post(path, photo_form(), content_type="multipart/form-data")
    auth.login(assessor)
    report = client_request.get(f"/site-checks/{action.check_id}/report")
    link = report.select_one("a[download]")["href"]
    response = client.get(link)
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"%PDF")
    assert response.data.count(b"/Subtype /Image") == 1


def test_the_owner_is_mailed_a_new_link_the_day_before_the_action_is_due(
    client, client_request, make_user, app, mailbox, clock
):
    clock.set(datetime(2026, 11, 2, 10, 0, tzinfo=LONDON))
    assessor = make_user(Role.ASSESSOR)
    action = signed_off_with_action(assessor)
    high_risk_tomorrow = action.due_on
    assert remind_action_owners(utcnow()) == 0
    send_pending()
    assert len(mailbox.messages) == 1

    medium = signed_off_with_action(
        assessor, risk=ActionRisk.MEDIUM, provider=make_provider("Northside Gym")
    )
    clock.set(datetime.combine(medium.due_on - timedelta(days=1), time(9), tzinfo=LONDON))
    assert remind_action_owners(utcnow()) == 1
    assert remind_action_owners(utcnow()) == 0
    send_pending()
    reminder = mailbox.messages[-1]
    assert reminder["Subject"].startswith("Reminder: Action from the site check")
    assert "due tomorrow" in reminder.get_content()
    client_request.post(link_in(reminder), photo_form(), content_type="multipart/form-data")
    db.session.refresh(medium)
    assert medium.status == ActionStatus.DONE
    assert high_risk_tomorrow < medium.due_on


def test_the_assessor_is_mailed_once_when_an_action_passes_its_due_date(
    client, make_user, mailbox, clock
):
    clock.set(datetime(2026, 11, 2, 10, 0, tzinfo=LONDON))
    assessor = make_user(Role.ASSESSOR, email="sam.patel@example.org")
    action = signed_off_with_action(assessor, email=None, risk=ActionRisk.LOW)
    clock.set(datetime.combine(action.due_on, time(18), tzinfo=LONDON))
    assert mail_overdue_actions(utcnow()) == 0

    clock.set(datetime.combine(action.due_on + timedelta(days=1), time(9), tzinfo=LONDON))
    assert mail_overdue_actions(utcnow()) == 1
    assert mail_overdue_actions(utcnow()) == 0
    send_pending()
    [message] = mailbox.messages
    assert message["To"] == "sam.patel@example.org"
    assert message["Subject"] == "Overdue: an action from your site check at Riverside Motor Skills"
    assert f"/site-actions/{action.id}" in message.get_content()
