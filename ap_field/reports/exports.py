"""The programme's returns as spreadsheets: each export is a header row and one row per
pupil (or provider), with dates kept as dates so that a spreadsheet can sort them.

Every export reads through the caller's scope, so a teacher's file holds only their caseload.
CSV is written by `common.csv_files`; XLSX through openpyxl's write-only workbook, which keeps
rows on disk rather than in memory, and is then sent in chunks.
"""

import itertools
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from ap_field.attendance.figures import academic_year_first_day
from ap_field.attendance.queries import EXPORT_BATCH
from ap_field.attendance.queries import EXPORT_HEADER as REGISTER_HEADER
from ap_field.attendance.queries import export_rows as register_rows
from ap_field.auth.models import Role
from ap_field.common.csv_files import Cell
from ap_field.extensions import db
from ap_field.premises.models import Provider
from ap_field.premises.queries import compliance_of_all
from ap_field.pupils.models import (
    FULL_TIME_HOURS,
    Pupil,
    PupilStatus,
    nc_year_label,
    pupil_providers,
)

# Ofsted 2013, Annex B: exemplar data collection tracking sheet, its columns in its order.
TRACKING_SHEET_HEADER = [
    "Case number", "Name", "Ethnicity", "Gender", "Date of birth",
    "National Curriculum Year", "SEND", "Locality team responsible", "Original school",
    "School or LA", "Provider(s)", "Provision start date", "Hours", "Review date",
    "Description of reasons behind provision", "Action to be taken and by whom",
]  # fmt: skip

# Ofsted 2013, recommendations: what the LA's report on each child not in full-time
# education should include.
CENTRAL_RECORD_HEADER = [
    "Child's unique ID", "Date of birth", "Unique Pupil Number (UPN)",
    "Type of educational provision", "Hours of provision each week",
    "More or fewer than 25 hours", "Type of exclusion", "Date alternative provision began",
]  # fmt: skip

PROVIDERS_HEADER = [
    "Provider", "Type", "URN", "On the framework", "Pupils placed", "Last site check",
    "Next site check due", "Do not commission", "Compliance flags",
]  # fmt: skip

COMMUNITY_TEACHING = "Community teaching (home and community)"


def hours_flag(hours: Decimal | None) -> str:
    """Whether the child gets fewer than the full-time 25 hours: 25 itself is full time."""
    if hours is None:
        return "Not known"
    return "Fewer than 25 hours" if hours < FULL_TIME_HOURS else "25 hours or more"


def _pupils(in_scope: sa.Select, today: date) -> Iterator[tuple[Pupil, list[Provider]]]:
    """Open pupils, and those closed this school year (a year's return counts every child the
    programme had in it), each with their providers by name. One query, read as it is written
    (a server-side cursor on PostgreSQL), each pupil held only while their row is: memory
    stays flat however many pupils. A download stopped part way closes the cursor with it."""
    this_year = academic_year_first_day(today)
    statement = (
        in_scope.add_columns(Provider)
        .outerjoin(pupil_providers, pupil_providers.c.pupil_id == Pupil.id)
        .outerjoin(Provider, Provider.id == pupil_providers.c.provider_id)
        .where(sa.or_(Pupil.status != PupilStatus.CLOSED, Pupil.closed_on >= this_year))
        .order_by(Pupil.case_number, Pupil.id, Provider.name)
        .execution_options(yield_per=EXPORT_BATCH)
    )
    with db.session.execute(statement) as rows:
        for _, pupil_rows in itertools.groupby(rows, key=lambda row: row[0].id):
            pupil_rows = list(pupil_rows)
            yield pupil_rows[0][0], [provider for _, provider in pupil_rows if provider is not None]


def tracking_sheet_rows(in_scope: sa.Select, today: date) -> Iterator[list[Cell]]:
    for pupil, providers in _pupils(in_scope, today):
        yield [
            pupil.case_number, pupil.legal_name,
            pupil.ethnicity.label if pupil.ethnicity else None,
            pupil.gender.label if pupil.gender else None,
            pupil.date_of_birth, nc_year_label(pupil.nc_year(today)), pupil.send_status.label,
            pupil.locality_team, pupil.school_on_roll, pupil.commissioner,
            "; ".join(provider.name for provider in providers) or None,
            pupil.provision_start_date, pupil.planned_hours_per_week, pupil.review_date,
            "; ".join(pupil.reason_labels) or None, pupil.action_to_be_taken,
        ]  # fmt: skip


def provision_type(providers: list[Provider]) -> str:
    """The programme's own teaching, and any provider the child also attends, by its type."""
    attended = [f"{p.name} ({p.provider_type.label})" for p in providers]
    return "; ".join([COMMUNITY_TEACHING, *attended])


def central_record_rows(in_scope: sa.Select, today: date) -> Iterator[list[Cell]]:
    for pupil, providers in _pupils(in_scope, today):
        yield [
            pupil.case_number, pupil.date_of_birth, pupil.upn, provision_type(providers),
            pupil.planned_hours_per_week, hours_flag(pupil.planned_hours_per_week),
            pupil.exclusion_type.label, pupil.provision_start_date,
        ]  # fmt: skip


def provider_rows() -> Iterator[list[Cell]]:
    for compliance in compliance_of_all():
        provider = compliance.provider
        yield [
            provider.name, provider.provider_type.label, provider.urn,
            "Yes" if provider.on_framework else "No", len(compliance.placements),
            compliance.last_check_on, compliance.next_check_due_on,
            "Yes" if compliance.do_not_commission else "No",
            "; ".join(flag.message for flag in compliance.flags) or None,
        ]  # fmt: skip


@dataclass(frozen=True)
class Export:
    slug: str
    title: str
    header: list[str]
    roles: frozenset[Role]
    needs_range: bool
    rows: Callable[..., Iterator[list[Cell]]]


PUPIL_EXPORTERS = frozenset({Role.TEACHER, Role.LEAD, Role.ADMIN})
EXPORTS = {
    export.slug: export
    for export in (
        Export(
            "tracking-sheet", "Tracking sheet (Ofsted Annex B)", TRACKING_SHEET_HEADER,
            PUPIL_EXPORTERS, False,
            lambda in_scope, today, first, last: tracking_sheet_rows(in_scope, today),
        ),
        Export(
            "central-record", "Central record of children not in full-time education",
            CENTRAL_RECORD_HEADER, PUPIL_EXPORTERS, False,
            lambda in_scope, today, first, last: central_record_rows(in_scope, today),
        ),
        Export(
            "register", "Register (AM and PM marks)", REGISTER_HEADER, PUPIL_EXPORTERS, True,
            lambda in_scope, today, first, last: register_rows(in_scope, first, last),
        ),
        Export(
            "providers", "Provider compliance list", PROVIDERS_HEADER,
            frozenset({Role.LEAD, Role.ADMIN}), False,
            lambda in_scope, today, first, last: provider_rows(),
        ),
    )
}  # fmt: skip


def exports_for(role: Role) -> list[Export]:
    return [export for export in EXPORTS.values() if role in export.roles]


CHUNK = 64 * 1024
XLSX_DATE_FORMAT = "dd/mm/yyyy"


def _xlsx_cell(sheet, value: Cell):
    if isinstance(value, str) and value[:1] == "=":
        value = "'" + value
    if isinstance(value, Decimal):
        value = float(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, date):
        cell.number_format = XLSX_DATE_FORMAT
    return cell


def xlsx_chunks(title: str, header: list[str], rows: Iterable[list[Cell]]) -> Iterator[bytes]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while chunk := file.read(CHUNK):
            yield chunk
