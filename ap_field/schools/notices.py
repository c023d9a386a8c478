"""Telling each school its pupils' attendance twice a day (docs/architecture.md, "Schools").

A register's mark goes to the pupil's school in the same transaction as the mark:
- an absence with no known reason (N or O) as a first-day absence notice at once;
- the session's notice, listing every pupil of the school on a register that session with
  their mark, once the last of them is marked; if one is still unmarked at the session's
  cut-off, the tick sends it then, each unmarked pupil also as a first-day absence;
- after the session's notice, every new or changed mark as a correction.

Each notice carries a link whose token only the email holds; opening it and confirming records
the receipt. Leads are told once of a notice still unconfirmed after NOTICE_UNREAD_MINUTES.
"""

import secrets
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from ap_field.absences.queries import reports_for
from ap_field.attendance.clock import AM
from ap_field.attendance.codes import CODES
from ap_field.attendance.models import AttendanceMark, RegisterSession
from ap_field.auth.models import Role, User, token_hash
from ap_field.auth.queries import active_users_of_role
from ap_field.calendars.queries import is_school_day
from ap_field.common.time import LONDON, format_london_time, format_long_date, utcnow
from ap_field.extensions import db
from ap_field.mail.services import link_to, queue_mail
from ap_field.pupils.models import CaseloadAssignment, Pupil, PupilStatus
from ap_field.schools.models import School
from ap_field.schools.notice_models import AttendanceNotice, NoticeKind, NoticeLine

UNEXPLAINED = frozenset({"N", "O"})
# How far back the pages that list notices look.
NOTICES_SHOWN = timedelta(days=14)
CODES_SOURCE = "Codes are the national attendance codes of the DfE's guidance (August 2024)."

# (pupil, code now or None for no mark, code before for a correction)
Line = tuple[Pupil, str | None, str | None]


def cut_off(session: RegisterSession) -> time:
    return current_app.config["NOTICE_AM_CUTOFF" if session == AM else "NOTICE_PM_CUTOFF"]


def tell_school_of_mark(pupil: Pupil, mark: AttendanceMark, was_code: str | None) -> None:
    """Queue what the pupil's school must hear of a mark just made or changed, in the mark's
    transaction (the caller commits)."""
    school = pupil.school
    if not _can_be_told(school):
        return
    day, session = mark.date, mark.session
    if _session_notice(school, day, session) is not None:
        if mark.code == was_code:
            return
        _queue(school, NoticeKind.CORRECTION, day, session, [(pupil, mark.code, was_code)])
        return
    if mark.code in UNEXPLAINED and not _reason_known(pupil, day, session):
        _queue(school, NoticeKind.FIRST_DAY_ABSENCE, day, session, [(pupil, mark.code, None)])
    db.session.flush()
    if _all_marked(school, day, session):
        lines = _session_lines(school, day, session)
        try:
            with db.session.begin_nested():
                _queue(school, NoticeKind.SESSION, day, session, lines)
        except sa.exc.IntegrityError:
            # Another register sent it a moment ago: the correction or the cut-off covers
            # what it did not hold.
            pass


def send_due_notices(now: datetime | None = None) -> int:
    """At each of today's cut-offs, the session's notice to every school not yet sent it, its
    unmarked pupils also as first-day absences. How many schools were told."""
    now = now or utcnow()
    local = now.astimezone(LONDON)
    day = local.date()
    told = 0
    for session in RegisterSession:
        if local.time() < cut_off(session):
            continue
        for school in _schools_not_told(day, session):
            if not is_school_day(day, school):
                continue
            lines = _session_lines(school, day, session)
            if not lines:
                continue
            unmarked = [pupil for pupil, code, _was in lines if code is None]
            reported = reports_for([pupil.id for pupil in unmarked], day, session)
            for pupil in unmarked:
                if pupil.id not in reported and not _first_day_notice_sent(pupil, day, session):
                    _queue(
                        school, NoticeKind.FIRST_DAY_ABSENCE, day, session, [(pupil, None, None)]
                    )
            _queue(school, NoticeKind.SESSION, day, session, lines)
            told += 1
    db.session.commit()
    return told


def remind_unread(now: datetime | None = None) -> int:
    """Mail the leads, once, about each notice no one at its school has confirmed in time. How
    many notices they were told of."""
    now = now or utcnow()
    waited = timedelta(minutes=current_app.config["NOTICE_UNREAD_MINUTES"])
    due = list(
        db.session.scalars(
            sa.select(AttendanceNotice)
            .where(
                AttendanceNotice.read_at.is_(None),
                AttendanceNotice.lead_reminded_at.is_(None),
                AttendanceNotice.created_at <= now - waited,
            )
            .options(so.joinedload(AttendanceNotice.school))
            .order_by(AttendanceNotice.created_at, AttendanceNotice.id)
        )
    )
    leads = sorted({lead.email for lead in active_users_of_role(Role.LEAD)})
    if due and leads:
        listed = "\n".join(
            f"- {notice.school.name}: {notice.kind.label.lower()}, {notice.session.label}"
            f" {format_long_date(notice.date)}, sent to {notice.sent_to} at"
            f" {format_london_time(notice.created_at)}"
            for notice in due
        )
        queue_mail(
            leads,
            "Attendance notices not confirmed by schools",
            f"No one has confirmed these attendance notices after"
            f" {current_app.config['NOTICE_UNREAD_MINUTES']} minutes:\n\n{listed}\n\n"
            f"Call the school to check they have them: {link_to('schools.index')}",
        )
    for notice in due:
        notice.lead_reminded_at = now
    db.session.commit()
    return len(due)


def notice_by_token(token: str) -> AttendanceNotice | None:
    return db.session.scalar(
        sa.select(AttendanceNotice).where(AttendanceNotice.token_hash == token_hash(token))
    )


def confirm_receipt(notice: AttendanceNotice, reader: User | None, now: datetime | None = None):
    """The school has the notice; the first confirmation is the one kept."""
    if notice.read_at is None:
        notice.read_at = now or utcnow()
        notice.read_by_id = reader.id if reader is not None else None
        db.session.commit()


def notices_of_pupil(pupil: Pupil, since: date) -> list[tuple[AttendanceNotice, NoticeLine]]:
    """The notices that told the pupil's school of them since `since`, newest first."""
    rows = db.session.execute(
        sa.select(AttendanceNotice, NoticeLine)
        .join(NoticeLine, NoticeLine.notice_id == AttendanceNotice.id)
        .where(NoticeLine.pupil_id == pupil.id, AttendanceNotice.date >= since)
        .options(so.joinedload(AttendanceNotice.mail))
        .order_by(AttendanceNotice.created_at.desc(), AttendanceNotice.id.desc())
    )
    return [(notice, line) for notice, line in rows]


def notice_of_school_or_404(notice_id: int, school_id: int) -> AttendanceNotice:
    return db.first_or_404(
        sa.select(AttendanceNotice).where(
            AttendanceNotice.id == notice_id, AttendanceNotice.school_id == school_id
        )
    )


def notices_of_school(school_id: int, since: date) -> list[AttendanceNotice]:
    return list(
        db.session.scalars(
            sa.select(AttendanceNotice)
            .where(AttendanceNotice.school_id == school_id, AttendanceNotice.date >= since)
            .options(
                so.joinedload(AttendanceNotice.mail),
                so.selectinload(AttendanceNotice.lines).joinedload(NoticeLine.pupil),
            )
            .order_by(AttendanceNotice.created_at.desc(), AttendanceNotice.id.desc())
        )
    )


def _can_be_told(school: School | None) -> bool:
    return school is not None and bool(school.attendance_email)


def _session_notice(school: School, day: date, session: RegisterSession):
    return db.session.scalar(
        sa.select(AttendanceNotice.id).where(
            AttendanceNotice.school_id == school.id,
            AttendanceNotice.kind == NoticeKind.SESSION,
            AttendanceNotice.date == day,
            AttendanceNotice.session == session,
        )
    )


def _reason_known(pupil: Pupil, day: date, session: RegisterSession) -> bool:
    """Whether the school has already been sent the pupil's absence this session as a
    first-day absence, or their parent or carer reported it ahead: the session's notice
    then carries the reason they gave."""
    return _first_day_notice_sent(pupil, day, session) or bool(
        reports_for([pupil.id], day, session)
    )


def _first_day_notice_sent(pupil: Pupil, day: date, session: RegisterSession) -> bool:
    return (
        db.session.scalar(
            sa.select(NoticeLine.id)
            .join(AttendanceNotice)
            .where(
                NoticeLine.pupil_id == pupil.id,
                AttendanceNotice.kind == NoticeKind.FIRST_DAY_ABSENCE,
                AttendanceNotice.date == day,
                AttendanceNotice.session == session,
            )
            .limit(1)
        )
        is not None
    )


def _all_marked(school: School, day: date, session: RegisterSession) -> bool:
    """Whether every pupil of the school on a register that day has a mark: one count."""
    expected, marked = db.session.execute(
        _on_register(
            sa.select(sa.func.count(Pupil.id), sa.func.count(AttendanceMark.id)),
            school,
            day,
            session,
        )
    ).one()
    return expected > 0 and expected == marked


def _session_lines(school: School, day: date, session: RegisterSession) -> list[Line]:
    """The school's pupils on a register that day, by name, each with their mark or None."""
    on_register = _on_register(
        sa.select(Pupil, AttendanceMark.code), school, day, session
    ).order_by(Pupil.display_name, Pupil.id)
    return [(pupil, code, None) for pupil, code in db.session.execute(on_register)]


def _on_register(query: sa.Select, school: School, day: date, session: RegisterSession):
    """`query` over the school's open pupils on a register that day, with their mark, if any,
    for the session."""
    return (
        query.select_from(Pupil)
        .join(
            CaseloadAssignment,
            sa.and_(
                CaseloadAssignment.pupil_id == Pupil.id,
                CaseloadAssignment.started_on <= day,
                sa.or_(CaseloadAssignment.ended_on.is_(None), CaseloadAssignment.ended_on >= day),
            ),
        )
        .outerjoin(
            AttendanceMark,
            sa.and_(
                AttendanceMark.pupil_id == Pupil.id,
                AttendanceMark.date == day,
                AttendanceMark.session == session,
            ),
        )
        .where(Pupil.school_id == school.id, Pupil.status != PupilStatus.CLOSED)
    )


def _schools_not_told(day: date, session: RegisterSession) -> Iterable[School]:
    told = sa.select(AttendanceNotice.school_id).where(
        AttendanceNotice.kind == NoticeKind.SESSION,
        AttendanceNotice.date == day,
        AttendanceNotice.session == session,
    )
    return db.session.scalars(
        sa.select(School)
        .where(School.attendance_email.is_not(None), School.id.not_in(told))
        .order_by(School.name)
    ).all()


def _queue(
    school: School, kind: NoticeKind, day: date, session: RegisterSession, lines: list[Line]
) -> AttendanceNotice:
    token = secrets.token_urlsafe(32)
    subject, body = _mail(
        school, kind, day, session, lines, link_to("schools.receipt", token=token)
    )
    [mail] = queue_mail(school.attendance_email, subject, body)
    notice = AttendanceNotice(
        school=school,
        kind=kind,
        date=day,
        session=session,
        sent_to=school.attendance_email,
        mail=mail,
        token_hash=token_hash(token),
        lines=[
            NoticeLine(pupil_id=pupil.id, code=code, was_code=was) for pupil, code, was in lines
        ],
    )
    db.session.add(notice)
    return notice


def _mark_text(code: str | None, session: RegisterSession) -> str:
    if code is None:
        return f"no mark by {cut_off(session):%H:%M}"
    return CODES[code].label


def _mail(
    school: School,
    kind: NoticeKind,
    day: date,
    session: RegisterSession,
    lines: list[Line],
    receipt_url: str,
) -> tuple[str, str]:
    when = f"{session.label} register, {format_long_date(day)}"
    reported = reports_for([pupil.id for pupil, _code, _was in lines], day, session)
    listed = "\n".join(
        f"- {pupil.legal_name}{f' (UPN {pupil.upn})' if pupil.upn else ''}:"
        f" {_mark_text(code, session)}"
        + (
            f" (was {_mark_text(was, session) if was else 'no mark'})"
            if kind == NoticeKind.CORRECTION
            else ""
        )
        + (
            f"; their parent or carer reported this absence ahead: {report.reason.label}"
            if (report := reported.get(pupil.id))
            and (code is None or not CODES[code].is_attendance)
            else ""
        )
        for pupil, code, was in lines
    )
    match kind:
        case NoticeKind.SESSION:
            subject = f"Attendance: {school.name}, {when}"
            opening = (
                f"The {when} of the pupils on {school.name}'s roll taught by the alternative"
                " provision programme:"
            )
        case NoticeKind.FIRST_DAY_ABSENCE:
            subject = f"First-day absence: a pupil on {school.name}'s roll, {when}"
            opening = (
                "A pupil on your roll taught by the alternative provision programme is absent"
                f" with no known reason in the {when}. Follow it up today, as your attendance"
                " policy sets out:"
            )
        case NoticeKind.CORRECTION:
            subject = f"Attendance correction: {school.name}, {when}"
            opening = f"A mark in the {when} has changed since we told you of it:"
    return subject, (
        f"{opening}\n\n{listed}\n\nConfirm that you have received this notice: {receipt_url}"
        f"\n\n{CODES_SOURCE}"
    )
