"""The shared pieces of a write that a phone may send again: finding what a replayed create
made, and refusing a used client_uuid that another record holds."""

import uuid

import pytest
from werkzeug.exceptions import UnprocessableEntity

from ap_field.common.writes import by_client_uuid
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
