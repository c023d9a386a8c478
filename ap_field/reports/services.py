from datetime import date

from ap_field.audit.models import declare_events, record
from ap_field.extensions import db

declare_events(
    {
        "report.exported": ("Return exported", {"export", "format", "rows"}),
        "pupil.subject_access": (
            "Everything held exported for a subject access request",
            {"files"},
        ),
    }
)


def record_export(
    slug: str, file_format: str, rows: int, first: date | None, last: date | None
) -> None:
    """Who exported which return, and when (the audit event's own time), before it is sent."""
    record(
        "report.exported", pupil_id=None, export=slug, format=file_format, rows=rows,
        first=first, last=last,
    )  # fmt: skip
    db.session.commit()


def record_subject_access(pupil_id: int, files: list[str]) -> None:
    """Who exported a pupil's whole file, and what was in it, before it is sent."""
    record("pupil.subject_access", pupil_id=pupil_id, files=files)
    db.session.commit()
