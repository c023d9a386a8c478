import uuid
from datetime import date

from ap_field.attendance.clock import next_session
from ap_field.attendance.models import RegisterSession
from ap_field.attendance.services import MarkValues, record_mark


def put_marks(pupil, marker, codes: list[str], first: date) -> None:
    """Marks straight into the register, AM then PM, day after school day from `first`."""
    day, session = first, RegisterSession.AM
    for code in codes:
        minutes = 5 if code == "L" else None
        record_mark(
            pupil, MarkValues(day, session, code, minutes, None), marker, None, uuid.uuid4()
        )
        day, session = next_session(day, session)
