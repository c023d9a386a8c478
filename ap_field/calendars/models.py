"""A local authority's term calendar: the days its schools are closed in term-time and between
terms, and the days one school differs from it. Weekends and bank holidays are never stored:
they are every school's (docs/architecture.md, "Term calendars")."""

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.audit.models import declare_events
from ap_field.common.models import LabelledEnum, SyncedRecord, string_enum
from ap_field.extensions import db
from ap_field.schools.models import School

declare_events(
    {
        "calendar.added": ("Term calendar added", {"calendar_id", "la_code", "name"}),
        "calendar.event_added": (
            "Calendar closure added",
            {"calendar_id", "event_id", "kind", "first_day", "last_day", "school_id"},
        ),
        "calendar.event_removed": (
            "Calendar closure removed",
            {"calendar_id", "event_id", "kind", "first_day", "last_day", "school_id"},
        ),
        "calendar.imported": ("Calendar file imported", {"calendar_id", "school_id", "events"}),
    }
)


class EventKind(LabelledEnum):
    HOLIDAY = "holiday", "Holiday"
    HALF_TERM = "half_term", "Half term"
    INSET_DAY = "inset_day", "INSET day"
    CLOSURE = "closure", "Other closure"
    # A school open on days its local authority's calendar closes: only a school's difference.
    OPEN = "open", "Open (one school)"


class TermCalendar(SyncedRecord, db.Model):
    """One local authority's calendar, over every school year it has been given."""

    __tablename__ = "term_calendars"
    __table_args__ = (sa.CheckConstraint("length(la_code) = 3", name="la_code_three_digits"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # The local authority's DfE number, as the first three digits of its schools' LAESTAB.
    la_code: so.Mapped[str] = so.mapped_column(sa.String(3), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))

    events: so.WriteOnlyMapped["CalendarEvent"] = so.relationship(
        back_populates="calendar", order_by="CalendarEvent.first_day"
    )

    def __repr__(self) -> str:
        return f"<TermCalendar {self.la_code} {self.name}>"


class CalendarEvent(SyncedRecord, db.Model):
    """Days from `first_day` to `last_day` (both included) the local authority's schools are
    closed, or, with a school, the days that school alone is closed (or open)."""

    __tablename__ = "calendar_events"
    __table_args__ = (
        sa.CheckConstraint("first_day <= last_day", name="first_day_not_after_last"),
        sa.CheckConstraint("kind <> 'open' OR school_id IS NOT NULL", name="open_for_one_school"),
        sa.Index("ix_calendar_events_last_day_first_day", "last_day", "first_day"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    calendar_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("term_calendars.id"), index=True)
    school_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("schools.id"), index=True)
    kind: so.Mapped[EventKind] = so.mapped_column(string_enum(EventKind, "calendar_event_kind"))
    first_day: so.Mapped[dt.date]
    last_day: so.Mapped[dt.date]
    description: so.Mapped[str] = so.mapped_column(sa.String(120))

    calendar: so.Mapped[TermCalendar] = so.relationship(back_populates="events")
    school: so.Mapped[School | None] = so.relationship()

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1
