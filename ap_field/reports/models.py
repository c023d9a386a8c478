import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.common.models import UTCDateTime
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
