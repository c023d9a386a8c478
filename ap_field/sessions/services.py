"""Session notes and their addenda, each written with its audit event; notes are never edited."""

from ap_field.audit.models import plain, record
from ap_field.auth.models import User
from ap_field.common.writes import add_recorded
from ap_field.extensions import db
from ap_field.plans.models import PlanTarget
from ap_field.pupils.models import Pupil
from ap_field.sessions.models import NoteAddendum, SessionNote


def write_note(pupil: Pupil, teacher: User, values: dict, targets: list[PlanTarget], client_uuid):
    return add_recorded(
        SessionNote(
            pupil_id=pupil.id,
            teacher_id=teacher.id,
            client_uuid=client_uuid,
            targets=targets,
            **values,
        ),
        "note.written",
        lambda note: {
            "pupil_id": pupil.id,
            "held_on": plain(note.held_on),
            "minutes": note.actual_minutes,
        },
    )


def append_addendum(note: SessionNote, author: User, text: str) -> NoteAddendum:
    """An addendum in the current transaction, for the caller to commit with its own change."""
    addendum = NoteAddendum(note_id=note.id, author_id=author.id, text=text)
    db.session.add(addendum)
    record("note.addendum", pupil_id=note.pupil_id, note_id=note.id)
    return addendum


def add_addendum(note: SessionNote, author: User, text: str) -> NoteAddendum:
    addendum = append_addendum(note, author, text)
    db.session.commit()
    return addendum
