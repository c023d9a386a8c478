"""The same write sent twice at the same moment (a flaky connection, a second tab flushing
the outbox): one record, and both sends answered as delivered. Run on PostgreSQL with
TEST_DATABASE_URL as well."""

import threading
import uuid

import pytest
import sqlalchemy as sa

from ap_field.common import forms as synced_forms
from ap_field.extensions import db
from ap_field.sync import protocol
from ap_field.sync.models import IdempotencyKey
from ap_field.visits.models import HomeVisit
from tests.helpers import AuthActions
from tests.sync.conftest import keyed, saved_keys, visit_form

pytestmark = pytest.mark.real_commits

ROUNDS = 4


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def send_together(app, user, path: str, forms: list[dict], key: uuid.UUID) -> list:
    """Two phones of `user`, each sending its form with `key` as soon as both are ready."""
    phones = [app.test_client() for _ in forms]
    for phone in phones:
        AuthActions(phone).login(user)
    answers, failures = [], []
    barrier = threading.Barrier(len(phones))

    def send(phone, form) -> None:
        try:
            barrier.wait(timeout=10)
            answers.append(phone.post(path, data=form, headers=keyed(key)))
        except BaseException as error:
            failures.append(error)
            barrier.abort()

    threads = [threading.Thread(target=send, args=pair) for pair in zip(phones, forms, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    return answers


def test_two_identical_creates_at_once_make_one_visit(app, pupil, teacher):
    for number in range(ROUNDS):
        form = visit_form()
        answers = send_together(
            app, teacher, f"/pupils/{pupil.id}/visits/new", [form, form], uuid.uuid4()
        )
        assert sorted(answer.status_code for answer in answers) == [201, 201]
        assert count(HomeVisit) == number + 1
    assert len(saved_keys()) == ROUNDS


def test_two_identical_edits_at_once_are_one_edit_and_neither_is_a_conflict(
    app, client, pupil, teacher
):
    created = client.post(f"/pupils/{pupil.id}/visits/new", data=visit_form())
    for number in range(ROUNDS):
        form = visit_form(address=f"{number} New Road", version=str(number + 1))
        answers = send_together(
            app, teacher, f"{created.location}/record", [form, form], uuid.uuid4()
        )
        assert sorted(answer.status_code for answer in answers) == [200, 200]
        visit = db.session.scalar(sa.select(HomeVisit))
        db.session.refresh(visit)
        assert (visit.address, visit.version) == (f"{number} New Road", number + 2)


def pretend_the_first_look_missed(monkeypatch) -> None:
    """The next request looks for its key and the record's client_uuid just before its twin
    commits both, so it goes on to make the write again."""
    missed = iter([lambda _key: None])
    real_find = protocol._find
    monkeypatch.setattr(protocol, "_find", lambda key: next(missed, real_find)(key))
    monkeypatch.setattr(synced_forms, "by_client_uuid", lambda model, client_uuid, **same: None)


def test_a_create_refused_by_the_unique_client_uuid_is_answered_as_a_replay(
    client, pupil, monkeypatch
):
    form, key = visit_form(), uuid.uuid4()
    first = client.post(f"/pupils/{pupil.id}/visits/new", data=form, headers=keyed(key))
    pretend_the_first_look_missed(monkeypatch)

    second = client.post(f"/pupils/{pupil.id}/visits/new", data=form, headers=keyed(key))

    assert second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.headers["Location"] == first.headers["Location"]
    assert count(HomeVisit) == 1


def test_an_edit_refused_as_stale_by_its_twin_is_answered_as_a_replay(client, pupil, monkeypatch):
    created = client.post(f"/pupils/{pupil.id}/visits/new", data=visit_form())
    path, key = f"{created.location}/record", uuid.uuid4()
    form = visit_form(address="2 New Road", version="1")
    client.post(path, data=form, headers=keyed(key))
    pretend_the_first_look_missed(monkeypatch)

    second = client.post(path, data=form, headers=keyed(key))

    assert second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.headers["Location"] == created.location
    assert db.session.scalar(sa.select(HomeVisit.version)) == 2


def test_a_key_saved_before_its_answer_still_says_the_write_was_made(client, pupil):
    """The twin committed the visit and its key but has not stored its answer yet."""
    form, key = visit_form(), uuid.uuid4()
    client.post(f"/pupils/{pupil.id}/visits/new", data=form, headers=keyed(key))
    db.session.execute(sa.update(IdempotencyKey).values(status_code=None, location=None))
    db.session.commit()

    again = client.post(f"/pupils/{pupil.id}/visits/new", data=form, headers=keyed(key))

    assert again.status_code == 201
    assert "Location" not in again.headers
    assert again.json == {"location": None}
    assert count(HomeVisit) == 1
