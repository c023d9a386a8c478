"""Alembic environment: runs migrations against the app's database and metadata."""

import logging
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from flask import current_app

config = context.config
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

# The revisions once had ids that said nothing of what they do; a database upgraded before they
# were renamed still holds an old id in its version table, which Alembic would not find.
RENAMED_REVISIONS = {
    "dac30e350fc5": "0001_foundation",
    "8646bed3838b": "0002_pupil_record_caseload_audit",
    "d9e3f0plans01": "0003_plans_reviews_session_notes",
    "c4d2e0assess": "0004_assessments",
    "b7a1c0visits": "0005_home_visits",
    "c2parentinv": "0006_parent_invitations_answers",
    "c3premises": "0007_premises_site_checks_photos",
    "c4push": "0008_push_reminders",
    "c1attendance": "0009_attendance",
    "c5reports": "0010_attendance_before_placement",
    "c6sync": "0011_idempotency_keys",
    "c6indexes": "0012_index_marks_notes_by_date",
    "c7snapshot": "0013_programme_snapshots",
    "c7alerts": "0014_indexes_for_the_leads_pages",
}

target_db = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url", target_db.engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_db.metadata,
        literal_binds=True,
        **current_app.extensions["migrate"].configure_args,
    )
    with context.begin_transaction():
        context.run_migrations()


def rename_old_revision_ids(connection: sa.Connection) -> None:
    """Runs before Alembic reads where the database stands, in the transaction the migrations
    then run in."""
    migration_context = context.get_context()
    name, schema = migration_context.version_table, migration_context.version_table_schema
    if not sa.inspect(connection).has_table(name, schema=schema):
        return
    version = sa.table(name, sa.column("version_num"), schema=schema)
    for (stored,) in connection.execute(sa.select(version.c.version_num)).all():
        if renamed := RENAMED_REVISIONS.get(stored):
            connection.execute(
                version.update().where(version.c.version_num == stored).values(version_num=renamed)
            )
            logger.info("Renamed revision %s to %s in %s.", stored, renamed, name)


def run_migrations_online() -> None:
    def skip_empty_revisions(_context, _revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    configure_args = dict(current_app.extensions["migrate"].configure_args)
    configure_args.setdefault("process_revision_directives", skip_empty_revisions)
    with target_db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations rebuild SQLite tables; foreign keys are checked once at the end.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection, target_metadata=target_db.metadata, **configure_args
        )
        with context.begin_transaction():
            rename_old_revision_ids(connection)
            context.run_migrations()
        if sqlite:
            if broken := connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall():
                raise RuntimeError(f"Migrations left broken foreign keys: {broken}")
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
