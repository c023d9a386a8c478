"""Session notes and what a teacher's day holds, as the pages and the other areas read them."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.calendars.queries import is_school_day_of
from ap_field.extensions import db
from ap_field.plans.models import TimetableSlot
from ap_field.pupils.models import Pupil
from ap_field.sessions.models import SessionNote

NOTE_CATCH_UP_DAYS = 7


@dataclass
class Delivery:
    """What was timetabled and what was delivered over a period, from the timetable and the
    session notes."""

    sessions_timetabled: int
    sessions_delivered: int
    minutes_planned: int
    minutes_delivered: int


def delivery_between(pupil: Pupil, first: date, last: date) -> Delivery:
    """Timetabled sessions in the period and how many of them have a note, with the hours
    planned and the hours every note of the period delivered. The current timetable is
    taken to have held for the whole period."""
    return deliveries(pupil, [(first, last)])[0]


def deliveries(pupil: Pupil, periods: list[tuple[date, date]]) -> list[Delivery]:
    """delivery_between for several periods, from one read of the timetable and the notes."""
    if not periods:
        return []
    slots = _slots_of([pupil.id])
    notes = _notes_between(
        [pupil.id], min(first for first, _ in periods), max(last for _, last in periods)
    )
    found = []
    for first, last in periods:
        timetabled = _matched(slots, [n for n in notes if first <= n.held_on <= last], first, last)
        found.append(
            Delivery(
                sessions_timetabled=len(timetabled),
                sessions_delivered=sum(1 for item in timetabled if item.note is not None),
                minutes_planned=sum(occurrence.slot.minutes for occurrence in timetabled),
                minutes_delivered=sum(
                    note.actual_minutes for note in notes if first <= note.held_on <= last
                ),
            )
        )
    return found


def notes_of(pupil: Pupil) -> list[SessionNote]:
    return list(db.session.scalars(notes_newest_first(pupil)))


def notes_newest_first(pupil: Pupil) -> sa.Select:
    return (
        sa.select(SessionNote)
        .where(SessionNote.pupil_id == pupil.id)
        .order_by(SessionNote.held_on.desc(), SessionNote.starts_at.desc(), SessionNote.id.desc())
    )


@dataclass
class Occurrence:
    """A timetabled session on a given day, and its note once written."""

    day: date
    slot: TimetableSlot
    note: SessionNote | None

    @property
    def pupil(self) -> Pupil:
        return self.slot.pupil


def occurrences(pupils: list[Pupil], first: date, last: date) -> list[Occurrence]:
    """Every timetabled session of these pupils between two days, matched to its note: one
    linked to the slot, or one for the same pupil, day and start time."""
    pupil_ids = [pupil.id for pupil in pupils]
    return _matched(_slots_of(pupil_ids), _notes_between(pupil_ids, first, last), first, last)


def _slots_of(pupil_ids: list[int]) -> list[TimetableSlot]:
    return list(
        db.session.scalars(
            sa.select(TimetableSlot)
            .where(TimetableSlot.pupil_id.in_(pupil_ids))
            .options(so.joinedload(TimetableSlot.pupil))
            .order_by(TimetableSlot.starts_at)
        )
    )


def _notes_between(pupil_ids: list[int], first: date, last: date) -> list[SessionNote]:
    return list(
        db.session.scalars(
            sa.select(SessionNote).where(
                SessionNote.pupil_id.in_(pupil_ids), SessionNote.held_on.between(first, last)
            )
        )
    )


def _matched(
    slots: list[TimetableSlot], notes: list[SessionNote], first: date, last: date
) -> list[Occurrence]:
    notes_by_day: dict[tuple[int, date], list[SessionNote]] = defaultdict(list)
    for note in notes:
        notes_by_day[(note.pupil_id, note.held_on)].append(note)
    found = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        for slot in slots:
            # A session falls only on a day the pupil's school is open (docs/architecture.md,
            # "Term calendars").
            if slot.weekday == day.weekday() and is_school_day_of(slot.pupil.school_id, day):
                note = next(
                    (
                        note
                        for note in notes_by_day.get((slot.pupil_id, day), ())
                        if note.slot_id == slot.id or note.starts_at == slot.starts_at
                    ),
                    None,
                )
                found.append(Occurrence(day, slot, note))
    return found


def notes_not_written(pupils: list[Pupil], now: datetime) -> list[Occurrence]:
    """Sessions of the last week that have finished and have no note yet, oldest first."""
    today = now.date()
    recent = occurrences(pupils, today - timedelta(days=NOTE_CATCH_UP_DAYS), today)
    return [
        occurrence
        for occurrence in recent
        if occurrence.note is None
        and (occurrence.day < today or occurrence.slot.ends_at <= now.time())
    ]
