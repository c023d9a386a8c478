"""When a pupil's retention period is over: closed, and on or after the later of their 25th
birthday and the day the placement closed, on the London clock; never before, never for a
pupil still on the programme, and once only (docs/architecture.md, "Retention")."""

from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa

from ap_field.audit.models import AuditEvent
from ap_field.common.time import LONDON
from ap_field.extensions import db
from ap_field.pupils.models import Destination, Pupil, PupilStatus
from ap_field.pupils.services import update_pupil
from ap_field.push import vapid
from ap_field.retention.queries import born_on_or_before
from ap_field.retention.services import anonymise, anonymise_due

BORN = date(2001, 3, 14)
TWENTY_FIFTH_BIRTHDAY = date(2026, 3, 14)


@pytest.fixture
def closed_pupil(make_pupil):
    def make(born: date = BORN, closed_on: date = date(2017, 7, 20), **values) -> Pupil:
        return make_pupil(
            date_of_birth=born,
            status=PupilStatus.CLOSED,
            destination=Destination.FURTHER_EDUCATION,
            closed_on=closed_on,
            **values,
        )

    return make


def on(clock, day: date) -> None:
    """The London clock at 08:00 on `day`: early in the day, so the London date is what counts."""
    clock.set(datetime.combine(day, time(8), tzinfo=LONDON))


def anonymised_ids() -> set[int]:
    return set(db.session.scalars(sa.select(Pupil.id).where(Pupil.anonymised_at.is_not(None))))


@pytest.mark.parametrize(
    ("today", "due"),
    [(date(2026, 3, 13), False), (TWENTY_FIFTH_BIRTHDAY, True), (date(2026, 3, 15), True)],
)
def test_a_pupil_closed_long_ago_is_due_on_their_25th_birthday(clock, closed_pupil, today, due):
    pupil = closed_pupil()
    on(clock, today)

    assert anonymise_due() == int(due)
    assert anonymised_ids() == ({pupil.id} if due else set())


@pytest.mark.parametrize(
    ("today", "due"), [(date(2026, 11, 17), False), (date(2026, 11, 18), True)]
)
def test_a_pupil_closed_after_their_25th_birthday_is_due_from_the_closing(
    clock, closed_pupil, today, due
):
    pupil = closed_pupil(born=date(2000, 1, 10), closed_on=date(2026, 11, 18))
    on(clock, today)

    anonymise_due()

    assert anonymised_ids() == ({pupil.id} if due else set())


def test_the_london_date_counts_not_utc(clock, closed_pupil):
    """23:30 UTC on the day before the birthday is already the birthday in London (BST)."""
    pupil = closed_pupil(born=date(2001, 7, 14))
    clock.set(datetime(2026, 7, 13, 23, 30, tzinfo=UTC))

    anonymise_due()

    assert anonymised_ids() == {pupil.id}


@pytest.mark.parametrize(("today", "due"), [(date(2029, 2, 28), False), (date(2029, 3, 1), True)])
def test_a_29_february_birthday_falls_on_1_march_in_other_years(clock, closed_pupil, today, due):
    closed_pupil(born=date(2004, 2, 29))
    on(clock, today)

    assert anonymise_due() == int(due)


def test_the_latest_birth_date_on_a_29_february_is_the_28th():
    assert born_on_or_before(date(2028, 2, 29), 25) == date(2003, 2, 28)
    assert born_on_or_before(date(2028, 3, 1), 25) == date(2003, 3, 1)


@pytest.mark.parametrize("status", [status for status in PupilStatus if status != "closed"])
def test_a_pupil_still_on_the_programme_is_never_anonymised(clock, make_pupil, status):
    pupil = make_pupil(date_of_birth=date(1990, 1, 1), status=status)
    on(clock, date(2026, 11, 18))

    assert anonymise_due() == 0
    assert anonymise(pupil) is False
    db.session.refresh(pupil)
    assert pupil.anonymised_at is None
    assert pupil.legal_name.startswith("Pupil ")


def test_the_age_is_a_setting(app, clock, closed_pupil):
    app.config["RETENTION_YEARS_OF_AGE"] = 30
    pupil = closed_pupil()
    on(clock, TWENTY_FIFTH_BIRTHDAY)
    assert anonymise_due() == 0

    on(clock, date(2031, 3, 14))
    assert anonymise_due() == 1
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.event == "pupil.anonymised"))
    assert (event.pupil_id, event.details["rule"]) == (pupil.id, "30th birthday")


def test_closing_notes_the_day_and_reopening_clears_it(clock, make_pupil):
    on(clock, date(2026, 11, 18))
    pupil = make_pupil()
    assert pupil.closed_on is None

    update_pupil(
        pupil, {"status": PupilStatus.CLOSED, "destination": Destination.NEET}, pupil.version
    )
    assert pupil.closed_on == date(2026, 11, 18)

    on(clock, date(2026, 11, 20))
    update_pupil(pupil, {"review_date": date(2026, 12, 1)}, pupil.version)
    assert pupil.closed_on == date(2026, 11, 18), "an edit of a closed record is not a closing"

    update_pupil(pupil, {"status": PupilStatus.ACTIVE, "destination": None}, pupil.version)
    assert pupil.closed_on is None


def test_the_database_refuses_a_closed_pupil_without_its_closing_day(closed_pupil):
    pupil = closed_pupil()
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(Pupil).where(Pupil.id == pupil.id).values(closed_on=None))
    db.session.rollback()


@pytest.fixture
def app_config() -> dict:
    return {"VAPID_PRIVATE_KEY": vapid.new_private_key_pem().decode()}


def test_the_tick_anonymises_each_due_pupil_once(runner, clock, closed_pupil, make_pupil):
    due = [closed_pupil(), closed_pupil(born=date(1999, 1, 1))]
    not_yet = closed_pupil(born=date(2005, 1, 1))
    on(clock, date(2026, 11, 18))

    first = runner.invoke(args=["reminders", "tick"])
    second = runner.invoke(args=["reminders", "tick"])

    assert first.exit_code == 0, first.output
    assert "Pupils anonymised, their retention period over: 2" in first.output
    assert second.exit_code == 0, second.output
    assert "anonymised" not in second.output
    db.session.expire_all()
    assert anonymised_ids() == {pupil.id for pupil in due}
    events = db.session.scalars(
        sa.select(AuditEvent.pupil_id).where(AuditEvent.event == "pupil.anonymised")
    ).all()
    assert sorted(events) == sorted(pupil.id for pupil in due)
    assert db.session.get(Pupil, not_yet.id).anonymised_at is None


def test_anonymising_twice_changes_nothing_the_second_time(clock, closed_pupil):
    pupil = closed_pupil()
    on(clock, date(2026, 11, 18))
    assert anonymise(pupil) is True
    version, anonymised_at = pupil.version, pupil.anonymised_at

    assert anonymise(pupil) is False

    db.session.refresh(pupil)
    assert (pupil.version, pupil.anonymised_at) == (version, anonymised_at)
    count = sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.event == "pupil.anonymised")
    assert db.session.scalar(count) == 1


def test_one_pupil_that_fails_leaves_the_others_to_be_anonymised(
    clock, closed_pupil, monkeypatch, caplog
):
    from ap_field.retention import services

    failing, fine = closed_pupil(), closed_pupil()
    blank_pupil = services._blank_pupil

    def fail_for_one(pupil):
        if pupil.id == failing.id:
            raise RuntimeError("disk full")
        blank_pupil(pupil)

    monkeypatch.setattr(services, "_blank_pupil", fail_for_one)
    on(clock, date(2026, 11, 18))

    assert anonymise_due() == 1

    assert anonymised_ids() == {fine.id}
    assert f"Pupil {failing.id} could not be anonymised" in caplog.text
