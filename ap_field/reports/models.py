import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.attendance.codes import MAX_CODE_LENGTH
from ap_field.attendance.models import RegisterSession
from ap_field.common.models import UTCDateTime, string_enum
from ap_field.extensions import db


class ProgrammeSnapshot(db.Model):
    """The lead's programme-wide figures as computed at one moment, kept for a few minutes.

    They read a year of every pupil's marks, timetables and every provider's compliance, and
    move little from one minute to the next; the alerts beside them are always read live.
    One row, for the whole programme: only leads and admins see it, and both see everyone.
    """

    __tablename__ = "programme_snapshots"

    id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    for_day: so.Mapped[dt.date]
    computed_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime())
    figures: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON)


class ProgrammeDisagreement(db.Model):
    """A session this half-term where the register and the session notes disagree
    (plans.queries.disagreements), numbered in the order the Programme page lists them:
    worked out with the programme's figures and kept with them, so that a page of them is
    read by position however many there are.

    A copy, not a record: it names the pupil only by id (their name is read with the page, so
    an anonymised pupil is never shown by name) and goes whenever the figures are worked out.
    """

    __tablename__ = "programme_disagreements"

    position: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    pupil_id: so.Mapped[int]
    day: so.Mapped[dt.date]
    session: so.Mapped[RegisterSession] = so.mapped_column(
        string_enum(RegisterSession, "register_session")
    )
    code: so.Mapped[str] = so.mapped_column(sa.String(MAX_CODE_LENGTH))
    note_id: so.Mapped[int | None]
