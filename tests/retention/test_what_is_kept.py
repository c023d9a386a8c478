"""Every text of a pupil's records is either blanked by anonymising or kept for a reason given
here: a new column holding text about a child fails this test until it is one or the other."""

import sqlalchemy as sa

from ap_field.extensions import db
from ap_field.reports.subject_access import record_tables
from ap_field.retention.services import BLANKED

# Replaced on the pupil's own record (retention.services._blank_pupil).
REPLACED_ON_THE_PUPIL = {
    "case_number",
    "legal_name",
    "preferred_name",
    "upn",
    "home_address",
    "parent_phone",
    "reason_other",
    "action_to_be_taken",
}
# Kept: lists of choices the figures count, codes, names of events, and who the programme
# works with (the school, the commissioner, the locality team), none of them the child's.
KEPT = {
    "pupils": {"reasons", "commissioner", "locality_team"},
    "assessments": {"barriers", "focus_areas"},
    "attendance_marks": {"code"},
    "attendance_mark_changes": {"old_code", "new_code"},
    "attendance_notice_lines": {"code", "was_code"},
    "audit_events": {"event", "details"},
    "concerns": {"categories"},
    "home_visits": {"present"},
    "reviews": {"participants"},
}
# Whole rows go: a parent's link and invitations name the parent and count for nothing.
DELETED = {"parent_links", "parent_invitations"}


def _texts(table: sa.Table) -> set[str]:
    """Its columns of free text or JSON; a choice stored as text (an enum) is not free."""
    return {
        column.name
        for column in table.c
        if isinstance(column.type, sa.String | sa.JSON) and not isinstance(column.type, sa.Enum)
    }


def test_every_text_of_a_pupils_records_is_blanked_or_kept_for_a_reason():
    blanked = {model.__tablename__: set(names) for model, names in BLANKED.items()}
    blanked["pupils"] = REPLACED_ON_THE_PUPIL
    tables = [db.metadata.tables["pupils"], *(found.table for found in record_tables(True))]
    unaccounted = {
        table.name: texts
        for table in tables
        if table.name not in DELETED
        and (texts := _texts(table) - blanked.get(table.name, set()) - KEPT.get(table.name, set()))
    }
    assert unaccounted == {}


def test_nothing_is_both_blanked_and_kept():
    for model, names in BLANKED.items():
        assert not set(names) & KEPT.get(model.__tablename__, set())
