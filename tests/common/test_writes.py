"""The shared pieces of a write that a phone may send again: finding what a replayed create
made, and refusing a used client_uuid that another record holds; and a new record saved with
its audit event."""

import uuid

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import UnprocessableEntity

from ap_field.audit.models import AuditEvent
from ap_field.calendars.models import TermCalendar
from ap_field.common.forms import SyncedForm
from ap_field.common.writes import add_recorded, by_client_uuid
from ap_field.extensions import db
from ap_field.pupils.models import Pupil


def test_a_replayed_create_finds_the_record_it_made(make_pupil):
    pupil = make_pupil()
    assert by_client_uuid(Pupil, pupil.client_uuid) is pupil
    assert by_client_uuid(Pupil, pupil.client_uuid, id=pupil.id) is pupil


def test_a_new_client_uuid_finds_nothing(app):
    assert by_client_uuid(Pupil, uuid.uuid4(), id=1) is None


def test_a_used_client_uuid_that_another_record_holds_is_refused(make_pupil):
    pupil = make_pupil()
    with pytest.raises(UnprocessableEntity):
        by_client_uuid(Pupil, pupil.client_uuid, id=pupil.id + 1)


def test_a_create_form_opened_on_a_get_gets_a_client_uuid(app):
    with app.test_request_context("/pupils/new"):
        form = SyncedForm(meta={"csrf": False})
        assert form.made_before(Pupil) is None
        assert uuid.UUID(form.client_uuid.data)


def test_a_create_form_sent_again_finds_what_its_first_send_made(make_pupil, app):
    pupil = make_pupil()
    sent = {"client_uuid": str(pupil.client_uuid)}
    with app.test_request_context("/pupils/new", method="POST", data=sent):
        assert SyncedForm(meta={"csrf": False}).made_before(Pupil) is pupil
    with app.test_request_context("/pupils/new", method="POST", data={"client_uuid": ""}):
        assert SyncedForm(meta={"csrf": False}).made_before(Pupil) is None


def test_an_added_record_is_saved_with_its_event_naming_its_id(app):
    calendar = add_recorded(
        TermCalendar(la_code="881", name="Northshire term dates", client_uuid=uuid.uuid4()),
        "calendar.added",
        lambda calendar: {
            "pupil_id": None,
            "calendar_id": calendar.id,
            "la_code": calendar.la_code,
            "name": calendar.name,
        },
    )
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.event == "calendar.added"))
    assert calendar.id is not None
    assert event.details["calendar_id"] == calendar.id
