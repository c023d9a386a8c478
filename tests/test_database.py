from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ap_field import create_app
from ap_field.common.models import SyncedRecord
from ap_field.extensions import db
from ap_field.pupils.models import CaseloadAssignment, Pupil
from tests.helpers import config_for_tests

DOMAIN_TABLES = {
    "pupils",
    "caseload_assignments",
    "parent_links",
    "providers",
    "learning_plans",
    "timetable_slots",
    "reviews",
    "session_notes",
    "session_confirmations",
    "assessments",
    "home_visits",
    "visit_actions",
    "provider_sites",
    "insurance_policies",
    "check_templates",
    "site_checks",
    "check_answers",
    "site_actions",
    "photos",
    "attendance_marks",
    "local_authority_reports",
    "concerns",
    "concern_actions",
    "concern_addenda",
    "absence_reports",
    "dispute_replies",
    "schools",
    "term_calendars",
    "calendar_events",
}


def test_the_migrations_build_exactly_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        assert compare_metadata(context, db.metadata) == []


def test_flask_db_upgrade_builds_a_new_sqlite_database(tmp_path):
    path = tmp_path / "new.sqlite3"
    app = create_app(config_for_tests(f"sqlite:///{path}"))
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
        assert DOMAIN_TABLES | {"users", "idempotency_keys", "alembic_version"} <= tables
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.engine.dispose()


def test_foreign_keys_are_enforced(app):
    db.session.add(CaseloadAssignment(pupil_id=987654, teacher_id=987654, started_on=date.today()))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_domain_tables_carry_a_unique_client_uuid_and_a_version():
    synced = {
        mapper.local_table.name
        for mapper in db.Model.registry.mappers
        if issubclass(mapper.class_, SyncedRecord)
    }
    assert synced == DOMAIN_TABLES
    for name in DOMAIN_TABLES:
        table = db.metadata.tables[name]
        assert table.c.client_uuid.unique
        assert not table.c.version.nullable


def make_pupil(**fields) -> Pupil:
    pupil = Pupil(
        case_number=fields.pop("case_number", "AP-9001"),
        legal_name="Test Pupil",
        date_of_birth=date(2012, 5, 1),
        **fields,
    )
    db.session.add(pupil)
    db.session.commit()
    return pupil


def test_a_client_uuid_can_be_used_only_once(app):
    first = make_pupil()
    db.session.add(
        Pupil(
            case_number="AP-9002",
            legal_name="Replay",
            date_of_birth=date(2012, 5, 1),
            client_uuid=first.client_uuid,
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.real_commits
def test_each_save_bumps_the_version_and_a_stale_save_is_refused(app):
    pupil = make_pupil()
    assert pupil.version == 1
    pupil.legal_name = "Renamed"
    db.session.commit()
    assert pupil.version == 2

    with so.Session(db.engine) as other_phone:
        stale = other_phone.get(Pupil, pupil.id)
        pupil.legal_name = "Renamed again"
        db.session.commit()
        stale.legal_name = "Overwrite"
        with pytest.raises(so.exc.StaleDataError):
            other_phone.commit()


def test_times_come_back_aware_and_in_utc(app):
    pupil = make_pupil()
    db.session.expire_all()
    reloaded = db.session.get(Pupil, pupil.id)
    assert reloaded.created_at.tzinfo is UTC
    assert abs(reloaded.created_at - datetime.now(UTC)).total_seconds() < 60
