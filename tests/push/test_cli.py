"""`flask push init` and `flask reminders tick` as an administrator meets them."""

import dataclasses
import stat
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from ap_field.common.time import london_today, utcnow
from ap_field.extensions import db
from ap_field.pupils.services import assign
from ap_field.push import vapid
from ap_field.push.kinds import KINDS
from ap_field.push.models import Reminder
from ap_field.sync.models import IdempotencyKey


def test_push_init_writes_a_private_key_only_its_owner_can_read(app, runner):
    app.config["VAPID_PRIVATE_KEY"] = None
    assert vapid.public_key() is None

    result = runner.invoke(args=["push", "init"])

    assert result.exit_code == 0, result.output
    path = Path(app.instance_path) / vapid.KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert vapid.public_key() in result.output
    assert "PRIVATE" not in result.output


def test_push_init_refuses_to_replace_a_key_without_force(app, runner):
    app.config["VAPID_PRIVATE_KEY"] = None
    runner.invoke(args=["push", "init"])
    first = vapid.public_key()

    refused = runner.invoke(args=["push", "init"])
    assert refused.exit_code != 0
    assert "--force" in refused.output
    assert vapid.public_key() == first

    assert runner.invoke(args=["push", "init", "--if-missing"]).exit_code == 0
    assert vapid.public_key() == first

    assert runner.invoke(args=["push", "init", "--force"]).exit_code == 0
    assert vapid.public_key() != first


def test_the_environment_key_wins_over_the_instance_file(app, runner):
    result = runner.invoke(args=["push", "init", "--env"])
    line = result.output.strip()
    assert line.startswith("VAPID_PRIVATE_KEY=")
    raw = line.split("=", 1)[1]
    assert len(vapid.b64url_decode(raw)) == 32
    assert not (Path(app.instance_path) / vapid.KEY_FILE).exists()

    runner.invoke(args=["push", "init"])
    app.config["VAPID_PRIVATE_KEY"] = raw
    from_environment = vapid.public_key()
    app.config["VAPID_PRIVATE_KEY"] = None
    assert vapid.public_key() != from_environment


def test_a_pem_key_on_one_line_as_environments_hold_it_is_read(app):
    pem = vapid.new_private_key_pem().decode()
    app.config["VAPID_PRIVATE_KEY"] = pem
    expected = vapid.public_key()
    app.config["VAPID_PRIVATE_KEY"] = pem.replace("\n", "\\n")
    assert vapid.public_key() == expected
    app.config["VAPID_PRIVATE_KEY"] = vapid.raw_private_key(pem.encode())
    assert vapid.public_key() == expected


def test_the_tick_refuses_to_send_without_a_subject(
    app, runner, make_pupil, teacher, subscribed, push_service
):
    assign(make_pupil(review_date=london_today()), teacher, None)
    subscribed(teacher)
    for subject in ("", "reminders@example.org", "http://example.org", "mailto:nobody"):
        app.config["VAPID_SUBJECT"] = subject
        result = runner.invoke(args=["reminders", "tick"])
        assert result.exit_code == 1
        assert "VAPID_SUBJECT" in result.output
    assert push_service.received == []
    assert db.session.scalar(sa.select(sa.func.count(Reminder.id))) == 0


def test_the_tick_refuses_to_send_without_a_key(app, runner):
    app.config["VAPID_PRIVATE_KEY"] = None
    result = runner.invoke(args=["reminders", "tick"])
    assert result.exit_code == 1
    assert "flask push init" in result.output


def test_a_tick_with_nothing_due_says_so(app, runner):
    result = runner.invoke(args=["reminders", "tick"])
    assert result.exit_code == 0
    assert "0 newly due, 0 sent" in result.output


def test_an_error_in_one_kind_is_logged_and_the_others_still_run(
    app,
    runner,
    make_pupil,
    teacher,
    subscribed,
    push_service,
    monkeypatch,
    caplog,
    registers_not_due,
):
    def broken(now):
        raise RuntimeError("broken finder")

    monkeypatch.setitem(KINDS, "review_due", dataclasses.replace(KINDS["review_due"], find=broken))
    assign(make_pupil(review_date=london_today() - timedelta(days=1)), teacher, None)
    device = subscribed(teacher)

    result = runner.invoke(args=["reminders", "tick"])

    assert result.exit_code == 0
    assert "1 sent" in result.output
    assert "1 errors" in result.output
    assert "Finding review_due reminders failed" in caplog.text
    assert len(push_service.to(device)) == 1


@pytest.mark.parametrize("push_configured", [True, False])
def test_the_tick_forgets_idempotency_keys_older_than_30_days(
    app, runner, make_user, push_configured
):
    if not push_configured:
        app.config["VAPID_SUBJECT"] = None
    user = make_user()
    now = utcnow()
    for age in (timedelta(days=31), timedelta(days=29)):
        db.session.add(
            IdempotencyKey(
                key=uuid.uuid4(), user_id=user.id, request_hash="0" * 64, created_at=now - age
            )
        )
    db.session.commit()

    result = runner.invoke(args=["reminders", "tick"])

    assert "Idempotency keys older than 30 days deleted: 1" in result.output
    db.session.expire_all()
    [kept] = db.session.scalars(sa.select(IdempotencyKey)).all()
    assert kept.created_at > now - timedelta(days=30)
