"""What parents see of their children, and what staff see of parents' answers."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.absences.models import AbsenceReport
from ap_field.absences.queries import reports_of_pupil
from ap_field.attendance.models import RegisterSession
from ap_field.attendance.queries import marks_of_pupil
from ap_field.auth.models import User
from ap_field.common.time import LONDON
from ap_field.extensions import db
from ap_field.parents.models import (
    Answer,
    DisputeReply,
    ParentInvitation,
    ParentLink,
    SessionConfirmation,
)
from ap_field.plans.models import TimetableSlot
from ap_field.pupils.models import CaseloadAssignment, Pupil
from ap_field.pupils.queries import joined_to_scope, pupils_in_scope
from ap_field.push.models import PushSubscription
from ap_field.sessions.models import SessionNote
from ap_field.sessions.queries import Occurrence, occurrences

# How far back a parent is asked about delivered sessions, and staff see disputes first.
RECENT_DAYS = 14


def pending_invitations(pupil: Pupil, now: datetime) -> list[ParentInvitation]:
    return list(
        db.session.scalars(
            sa.select(ParentInvitation)
            .where(ParentInvitation.pupil_id == pupil.id, ParentInvitation.pending_at(now))
            .options(so.joinedload(ParentInvitation.invited_by))
            .order_by(ParentInvitation.expires_at)
        )
    )


def link_of(parent: User, pupil: Pupil) -> ParentLink | None:
    return db.session.scalar(
        sa.select(ParentLink).filter_by(parent_id=parent.id, pupil_id=pupil.id)
    )


@dataclass
class DeliveredSession:
    """A session with a note, as a parent may see it: when, what and how, never the note."""

    note: SessionNote
    answer: SessionConfirmation | None


@dataclass
class ChildOverview:
    """What a parent sees of one child."""

    pupil: Pupil
    teacher: User | None  # the community teacher, whom the parent may write to
    may_confirm: bool
    today: list[Occurrence]
    week: list[TimetableSlot]
    to_answer: list[DeliveredSession]
    answered: list[DeliveredSession]
    absences: list[AbsenceReport]
    attendance: list[tuple[date, str, str]]  # each school day so far: morning, afternoon


def child_overview(parent: User, pupil: Pupil, today: date) -> ChildOverview:
    link = link_of(parent, pupil)
    week = db.session.scalars(
        sa.select(TimetableSlot)
        .where(TimetableSlot.pupil_id == pupil.id)
        .order_by(TimetableSlot.weekday, TimetableSlot.starts_at)
    ).all()
    delivered = delivered_sessions(pupil, today - timedelta(days=RECENT_DAYS), today)
    return ChildOverview(
        pupil=pupil,
        teacher=teacher_of(pupil),
        may_confirm=bool(link and link.may_confirm_attendance),
        today=occurrences([pupil], today, today),
        week=list(week),
        to_answer=[session for session in delivered if session.answer is None],
        answered=[session for session in delivered if session.answer is not None],
        absences=reports_of_pupil(pupil.id, today),
        attendance=week_in_words(pupil, today),
    )


def teacher_of(pupil: Pupil) -> User | None:
    """The child's community teacher now, while their account is active."""
    return db.session.scalar(
        sa.select(User)
        .join(CaseloadAssignment, CaseloadAssignment.teacher_id == User.id)
        .where(
            CaseloadAssignment.pupil_id == pupil.id,
            CaseloadAssignment.ended_on.is_(None),
            User.active,
        )
    )


def week_in_words(pupil: Pupil, today: date) -> list[tuple[date, str, str]]:
    """This school week up to today, each session as a parent reads it: "present", "absent
    – ill", "not marked yet"."""
    monday = today - timedelta(days=today.weekday())
    days = [monday + timedelta(days=n) for n in range(5) if monday + timedelta(days=n) <= today]
    marks = marks_of_pupil(pupil.id, monday, today)

    def words(day: date, session: RegisterSession) -> str:
        mark = marks.get((day, session))
        return mark.attendance_code.in_plain_words if mark else "not marked yet"

    return [(day, words(day, RegisterSession.AM), words(day, RegisterSession.PM)) for day in days]


def delivered_sessions(pupil: Pupil, first: date, last: date) -> list[DeliveredSession]:
    """The pupil's sessions with a note between two days, newest first, with any answer."""
    rows = db.session.execute(
        sa.select(SessionNote, SessionConfirmation)
        .outerjoin(SessionConfirmation, SessionConfirmation.note_id == SessionNote.id)
        .where(SessionNote.pupil_id == pupil.id, SessionNote.held_on.between(first, last))
        .options(so.joinedload(SessionConfirmation.reply).joinedload(DisputeReply.replied_by))
        .order_by(SessionNote.held_on.desc(), SessionNote.starts_at.desc())
    ).all()
    return [DeliveredSession(note, answer) for note, answer in rows]


def answers_by_note(note_ids: list[int]) -> dict[int, SessionConfirmation]:
    """Parents' answers for these session notes, in one query."""
    answers = db.session.scalars(
        sa.select(SessionConfirmation)
        .where(SessionConfirmation.note_id.in_(note_ids))
        .options(so.joinedload(SessionConfirmation.parent))
    )
    return {answer.note_id: answer for answer in answers}


def _disputes() -> sa.Select[tuple[SessionConfirmation]]:
    return (
        sa.select(SessionConfirmation)
        .join(SessionNote, SessionNote.id == SessionConfirmation.note_id)
        .where(SessionConfirmation.answer == Answer.DISPUTED)
        .options(
            so.contains_eager(SessionConfirmation.note),
            so.joinedload(SessionConfirmation.pupil),
            so.joinedload(SessionConfirmation.parent),
            so.joinedload(SessionConfirmation.reply).joinedload(DisputeReply.replied_by),
        )
        .order_by(SessionNote.held_on.desc(), SessionNote.starts_at.desc())
    )


def recent_disputes(pupils: list[Pupil], today: date) -> list[SessionConfirmation]:
    """Sessions of these pupils from the last fortnight that a parent says did not happen."""
    return list(
        db.session.scalars(
            _disputes().where(
                SessionConfirmation.pupil_id.in_([pupil.id for pupil in pupils]),
                SessionNote.held_on >= today - timedelta(days=RECENT_DAYS),
            )
        )
    )


def disputes_of(pupil: Pupil) -> list[SessionConfirmation]:
    return list(db.session.scalars(_disputes().where(SessionConfirmation.pupil_id == pupil.id)))


def disputes_in_scope(user: User) -> sa.Select[tuple[SessionConfirmation]]:
    """Every disputed session of the pupils `user` may see, newest first."""
    return _disputes().where(SessionConfirmation.pupil_id.in_(_pupil_ids(user)))


def _pupil_ids(user: User) -> sa.Select:
    return pupils_in_scope(user).with_only_columns(Pupil.id)


def answer_for(note: SessionNote) -> SessionConfirmation | None:
    return db.session.scalar(
        sa.select(SessionConfirmation).where(SessionConfirmation.note_id == note.id)
    )


def reply_of(dispute: SessionConfirmation) -> DisputeReply | None:
    return db.session.scalar(
        sa.select(DisputeReply).where(DisputeReply.confirmation_id == dispute.id)
    )


def dispute_or_404(pupil: Pupil, confirmation_id: int) -> SessionConfirmation:
    """A parent's "No" about a session of `pupil`; a confirmation, or another pupil's, is 404."""
    return db.first_or_404(
        _disputes().where(
            SessionConfirmation.id == confirmation_id, SessionConfirmation.pupil_id == pupil.id
        )
    )


@dataclass
class OpenDisputes:
    count: int
    oldest_days: int | None  # how many days the oldest has waited


def open_disputes(user: User, now: datetime) -> OpenDisputes:
    """The disputes of pupils `user` may see that nobody has answered, and how long the
    oldest has waited. A programme's year holds tens of thousands of answered disputes and
    few open ones: the disputes are counted from an index, less those answered (the replies,
    which are few), and the oldest is the first by date without a reply."""
    in_scope = pupils_in_scope(user)
    disputed = SessionConfirmation.answer == Answer.DISPUTED
    disputes = db.session.scalar(
        joined_to_scope(
            sa.select(sa.func.count()).select_from(SessionConfirmation),
            SessionConfirmation.pupil_id,
            in_scope,
        ).where(disputed)
    )
    answered = db.session.scalar(
        joined_to_scope(
            sa.select(sa.func.count()).select_from(DisputeReply).join(SessionConfirmation),
            SessionConfirmation.pupil_id,
            in_scope,
        ).where(disputed)
    )
    oldest = db.session.scalar(
        joined_to_scope(
            sa.select(SessionConfirmation.created_at), SessionConfirmation.pupil_id, in_scope
        )
        .where(disputed, ~sa.exists().where(DisputeReply.confirmation_id == SessionConfirmation.id))
        .order_by(SessionConfirmation.created_at)
        .limit(1)
    )
    return OpenDisputes(disputes - answered, (now - oldest).days if oldest else None)


def unanswered_disputes(pupil_ids: list[int]) -> dict[int, list[int]]:
    """Each pupil's disputes nobody has answered yet, by id, in one query."""
    rows = db.session.execute(
        sa.select(SessionConfirmation.pupil_id, SessionConfirmation.id)
        .outerjoin(DisputeReply, DisputeReply.confirmation_id == SessionConfirmation.id)
        .where(
            SessionConfirmation.pupil_id.in_(pupil_ids),
            SessionConfirmation.answer == Answer.DISPUTED,
            DisputeReply.id.is_(None),
        )
        .order_by(SessionConfirmation.id)
    )
    found: dict[int, list[int]] = {}
    for pupil_id, dispute_id in rows:
        found.setdefault(pupil_id, []).append(dispute_id)
    return found


def parents_to_ask(today: date) -> list[int]:
    """Parents who may confirm sessions, with one written today or yesterday (London) still
    unanswered: each session is asked about on the day it is written and once more the next."""
    since = datetime.combine(today - timedelta(days=1), time(0), tzinfo=LONDON)
    return list(
        db.session.scalars(
            sa.select(ParentLink.parent_id)
            .join(SessionNote, SessionNote.pupil_id == ParentLink.pupil_id)
            .outerjoin(SessionConfirmation, SessionConfirmation.note_id == SessionNote.id)
            .join(User, User.id == ParentLink.parent_id)
            .where(
                ParentLink.may_confirm_attendance,
                User.active,
                SessionConfirmation.id.is_(None),
                SessionNote.created_at >= since,
                SessionNote.held_on.between(today - timedelta(days=RECENT_DAYS), today),
            )
            .distinct()
        )
    )


def disputes_since(moment: datetime) -> list[SessionConfirmation]:
    return list(
        db.session.scalars(_disputes().where(SessionConfirmation.created_at >= moment)).unique()
    )


def unanswered_since(moment: datetime) -> list[SessionConfirmation]:
    """Disputes from `moment` on that nobody has answered."""
    return list(
        db.session.scalars(
            _disputes().where(
                SessionConfirmation.created_at >= moment,
                ~sa.exists().where(DisputeReply.confirmation_id == SessionConfirmation.id),
            )
        ).unique()
    )


def replies_since(moment: datetime) -> list[DisputeReply]:
    return list(
        db.session.scalars(
            sa.select(DisputeReply)
            .where(DisputeReply.created_at >= moment)
            .options(so.joinedload(DisputeReply.confirmation))
        )
    )


def parents_without_push(parent_ids: list[int]) -> list[User]:
    """Of these parents, those with no phone that takes reminders."""
    return list(
        db.session.scalars(
            sa.select(User).where(
                User.id.in_(parent_ids),
                ~sa.exists().where(PushSubscription.user_id == User.id),
            )
        )
    )
