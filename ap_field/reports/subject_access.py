"""Everything ap-field holds about one pupil, for a subject access request: a zip with a JSON
file per table of the pupil's records, found from the schema itself (every table with a
`pupil_id`, and each table whose rows belong to one of those), so a new kind of record is in
it without a change here. Safeguarding records, and the safeguarding chronology as a PDF, are
in it only when the lead asking is a designated safeguarding lead."""

import io
import json
import zipfile
from dataclasses import dataclass

import sqlalchemy as sa
from flask import render_template

from ap_field.audit.models import AuditEvent
from ap_field.common.pdf import pdf_of
from ap_field.common.time import utcnow
from ap_field.extensions import db
from ap_field.pupils.models import Pupil
from ap_field.safeguarding.models import CHRONOLOGY_EVENT
from ap_field.safeguarding.queries import chronology

SAFEGUARDING_TABLES = frozenset(
    {"concerns", "concern_actions", "concern_addenda", "concern_closures"}
)
# What is kept of a secret is no one's personal data, and would help no one to have.
LEFT_OUT_COLUMNS = {"parent_invitations": {"token_hash"}}


@dataclass(frozen=True)
class RecordTable:
    """A table of a pupil's records: its rows are the pupil's by `column`, directly or
    through the pupil's rows of `through`."""

    table: sa.Table
    column: sa.Column
    through: sa.Table | None = None


def record_tables(safeguarding: bool) -> list[RecordTable]:
    pupils = db.metadata.tables["pupils"]
    direct = [
        table
        for table in db.metadata.sorted_tables
        if "pupil_id" in table.c
        and any(fk.column.table is pupils for fk in table.c.pupil_id.foreign_keys)
    ]
    found = [RecordTable(table, table.c.pupil_id) for table in direct]
    for table in db.metadata.sorted_tables:
        if table in direct or table is pupils:
            continue
        owner = next(
            (
                fk
                for fk in table.foreign_keys
                if fk.column.table in direct and fk.column.name == "id"
            ),
            None,
        )
        if owner is not None:
            found.append(RecordTable(table, owner.parent, owner.column.table))
    return [found for found in found if safeguarding or found.table.name not in SAFEGUARDING_TABLES]


def _rows(pupil: Pupil, records: RecordTable, safeguarding: bool) -> list[dict]:
    table, column, through = records.table, records.column, records.through
    if through is None:
        query = sa.select(table).where(column == pupil.id)
    else:
        owned = sa.select(through.c.id).where(through.c.pupil_id == pupil.id)
        query = sa.select(table).where(column.in_(owned))
    if table is AuditEvent.__table__ and not safeguarding:
        steps = table.c.event.startswith("concern.") & (table.c.event != CHRONOLOGY_EVENT)
        query = query.where(~steps)
    left_out = LEFT_OUT_COLUMNS.get(table.name, set())
    return [
        {name: value for name, value in row.items() if name not in left_out}
        for row in db.session.execute(query.order_by(*table.primary_key)).mappings()
    ]


def _json(rows: list[dict]) -> str:
    return json.dumps(rows, indent=2, ensure_ascii=False, default=str)


def pupil_file(pupil: Pupil, safeguarding: bool) -> tuple[bytes, list[str]]:
    """The zip, and the names of the files in it."""
    files = {"pupils.json": _json([_pupil_row(pupil)])}
    for records in record_tables(safeguarding):
        files[f"{records.table.name}.json"] = _json(_rows(pupil, records, safeguarding))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
        if safeguarding:
            events, _concerns = chronology(pupil)
            page = render_template(
                "safeguarding/chronology_print.html", pupil=pupil, events=events, now=utcnow()
            )
            archive.writestr("safeguarding-chronology.pdf", pdf_of(page))
            files["safeguarding-chronology.pdf"] = ""
    return buffer.getvalue(), sorted(files)


def _pupil_row(pupil: Pupil) -> dict:
    table = Pupil.__table__
    return dict(db.session.execute(sa.select(table).where(table.c.id == pupil.id)).mappings().one())
