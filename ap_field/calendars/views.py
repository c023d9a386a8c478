"""The term calendars' pages, for leads and admins: each local authority's closures by term with
its schools' differences, adding and removing closures, and loading or saving an .ics file."""

from datetime import date

from flask import Response, flash, redirect, render_template, request, url_for

from ap_field.auth.models import Role
from ap_field.calendars import bp
from ap_field.calendars.forms import CalendarForm, EventForm, ImportForm
from ap_field.calendars.ics import MAX_BYTES, write_calendar
from ap_field.calendars.models import CalendarEvent, TermCalendar
from ap_field.calendars.queries import (
    bank_holidays,
    calendar_or_404,
    calendars,
    event_of_calendar_or_404,
    events_by_term,
    events_of,
    pupil_closure,
    schools_of_la,
)
from ap_field.calendars.services import (
    Imported,
    add_calendar,
    add_event,
    import_events,
    remove_event,
)
from ap_field.common.access import allow
from ap_field.common.confirm import confirmation_page
from ap_field.common.time import london_today
from ap_field.pupils.models import academic_year_start

KEEPERS = (Role.LEAD, Role.ADMIN)


@bp.app_template_global()
def school_closure(pupil, day):
    """Why the pupil's school is closed on `day`, for the register to show `#` instead of
    asking for a mark; None on a school day."""
    return pupil_closure(pupil, day)


@bp.route("/calendars")
@allow(*KEEPERS)
def index():
    return render_template("calendars/index.html", calendars=calendars())


@bp.route("/calendars/new", methods=["GET", "POST"])
@allow(*KEEPERS)
def new_calendar():
    form = CalendarForm()
    if replayed := form.made_before(TermCalendar):
        return redirect(url_for("calendars.calendar", calendar_id=replayed.id))
    if form.validate_on_submit():
        calendar = add_calendar(form.values(), form.record_uuid())
        flash(f"{calendar.name} is added.", "success")
        return redirect(url_for("calendars.calendar", calendar_id=calendar.id))
    return render_template("calendars/calendar_form.html", form=form)


@bp.route("/calendars/<int:calendar_id>")
@allow(*KEEPERS)
def calendar(calendar_id: int):
    calendar = calendar_or_404(calendar_id)
    year = academic_year_start(london_today())
    return render_template(
        "calendars/calendar.html",
        calendar=calendar,
        terms=events_by_term(events_of(calendar)),
        bank_holidays=bank_holidays(date(year, 9, 1), date(year + 1, 8, 31)),
        school_year=f"{year} to {year + 1}",
        schools=schools_of_la(calendar.la_code),
    )


@bp.route("/calendars/<int:calendar_id>/events/new", methods=["GET", "POST"])
@allow(*KEEPERS)
def new_event(calendar_id: int):
    calendar = calendar_or_404(calendar_id)
    back = url_for("calendars.calendar", calendar_id=calendar.id)
    form = EventForm(calendar=calendar, schools=schools_of_la(calendar.la_code))
    if form.made_before(CalendarEvent, calendar_id=calendar.id):
        return redirect(back)
    if form.validate_on_submit():
        event = add_event(calendar, form.values(), form.record_uuid())
        flash(f"{event.description} is added.", "success")
        return redirect(back)
    return render_template("calendars/event_form.html", form=form, calendar=calendar)


@bp.route("/calendars/<int:calendar_id>/events/<int:event_id>/remove", methods=["GET", "POST"])
@allow(*KEEPERS)
def remove(calendar_id: int, event_id: int):
    calendar = calendar_or_404(calendar_id)
    event = event_of_calendar_or_404(calendar, event_id)
    back = url_for("calendars.calendar", calendar_id=calendar.id)
    if request.method == "GET":
        whose = event.school.name if event.school else "every school"
        return confirmation_page(
            title=f"Remove {event.description}?",
            consequence=f"{event.first_day:%-d %B %Y} to {event.last_day:%-d %B %Y} become school"
            f" days again for {whose}, unless another closure covers them: registers are expected"
            " on them, and the 15-day rule and attendance figures count them.",
            button="Yes, remove it",
            back_url=back,
            outbox="Removal of a calendar closure",
            caption=calendar.name,
        )
    description = event.description
    remove_event(event)
    flash(f"{description} is removed.", "success")
    return redirect(back)


@bp.route("/calendars/<int:calendar_id>/import", methods=["GET", "POST"])
@allow(*KEEPERS)
def import_file(calendar_id: int):
    """Closures from a school's or the local authority's published .ics file: online only, as
    a photo is, since the file is read and checked whole before anything is saved."""
    calendar = calendar_or_404(calendar_id)
    schools = schools_of_la(calendar.la_code)
    form = ImportForm(schools=schools)
    if form.validate_on_submit():
        school = next((s for s in schools if s.id == form.school_id.data), None)
        imported = import_events(calendar, school, form.read.entries)
        flash(_imported_message(imported, form.read.left_out), "success")
        return redirect(url_for("calendars.calendar", calendar_id=calendar.id))
    return render_template(
        "calendars/import.html", form=form, calendar=calendar, max_kb=MAX_BYTES // 1024
    )


def _imported_message(imported: Imported, left_out: list[str]) -> str:
    added = imported.added
    message = f"{added} closure{'' if added == 1 else 's'} loaded."
    if imported.held:
        message += f" {imported.held} the calendar already had."
    if imported.removed:
        message += f" Removed, as the file no longer has them: {', '.join(imported.removed)}."
    if left_out:
        message += f" Left out, as not closures: {', '.join(left_out[:5])}"
        message += f" and {len(left_out) - 5} more." if len(left_out) > 5 else "."
    return message


@bp.route("/calendars/<int:calendar_id>/calendar.ics")
@allow(*KEEPERS)
def export(calendar_id: int):
    """The local authority's closures, for a calendar app or another ap-field to load."""
    calendar = calendar_or_404(calendar_id)
    events = [event for event in events_of(calendar) if event.school_id is None]
    return Response(
        write_calendar(calendar, events),
        mimetype="text/calendar",
        headers={"Content-Disposition": f"attachment; filename=term-dates-{calendar.la_code}.ics"},
    )
