"""`flask demo scale`: a large programme with a year of records, to measure ap-field against.

Every row goes in with bulk inserts (and rows that only restate others, such as each mark's
first history entry, with INSERT ... SELECT), and on PostgreSQL the foreign keys are checked
once when all the rows are in rather than row by row, so 1,000 pupils build in well under
two minutes and 10,000 (4.4 million marks) in three to four. Teachers hold blocks of five;
each pupil has a year of AM and PM marks, a plan with two targets, a weekly timetable, a
review every fortnight, three session notes a week, a home visit every month and a parent
who answers most sessions. 300 providers each have a site, insurance, and a signed-off site
check with a photo.
"""

import itertools
import random
import secrets
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from time import perf_counter as time_counter

import sqlalchemy as sa
from flask import current_app
from stdnum.gb import upn
from werkzeug.security import generate_password_hash

from ap_field.assessments.models import Assessment, FocusArea, WorkingLevel
from ap_field.attendance.models import AttendanceMark, AttendanceMarkChange, RegisterSession
from ap_field.audit.models import AuditEvent
from ap_field.auth.models import Role, User
from ap_field.common.models import UTCDateTime
from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.parents.models import Answer as ParentAnswer
from ap_field.parents.models import ParentLink, SessionConfirmation
from ap_field.photos.images import clean_photo
from ap_field.photos.models import Photo
from ap_field.photos.storage import photo_store
from ap_field.plans.models import (
    Focus,
    LearningPlan,
    Mode,
    Party,
    PlanAgreement,
    PlanTarget,
    Progress,
    Review,
    TargetKind,
    TargetProgress,
    TimetableSlot,
)
from ap_field.premises.compliance import add_months
from ap_field.premises.demo import fire_exit_photo
from ap_field.premises.models import (
    Answer,
    CheckAnswer,
    CheckOutcome,
    CheckStatus,
    CheckTemplate,
    InsurancePolicy,
    PolicyKind,
    Provider,
    ProviderSite,
    ProviderType,
    SiteCheck,
    check_answer_photos,
)
from ap_field.premises.services import standard_templates
from ap_field.premises.standard_templates import HEALTH_AND_SAFETY
from ap_field.pupils.models import (
    CASELOAD_LIMIT,
    CaseloadAssignment,
    Destination,
    Ethnicity,
    Gender,
    ProvisionReason,
    Pupil,
    PupilStatus,
    SendStatus,
    pupil_providers,
)
from ap_field.schools.models import School
from ap_field.sessions.models import SessionNote, note_targets
from ap_field.visits.models import HomeVisit, Present, VisitPlace, VisitPurpose, VisitStatus

PROVIDERS = 300
CHUNK = 5_000
NOTE_WEEKDAYS = (0, 1, 3)  # three session notes a week: Monday, Tuesday and Thursday
SCALE_LA_NUMBER = 886
SCHOOLS = [f"{name} School" for name in ("Northside", "Riverside", "Hillcrest", "St Anne's",
           "Oakfield", "Moorland", "Castle Hill", "Brookside", "Westgate", "Parkview")]  # fmt: skip
FIRST_NAMES = ["Jayden", "Amelia", "Kacper", "Tiana", "Oliver", "Leah", "Mohammed", "Ruby",
               "Ethan", "Zara", "Callum", "Sofia", "Daniel", "Maya", "Harvey", "Isla"]  # fmt: skip
SURNAMES = ["Clarke", "Hart", "Nowak", "Mensah", "Reid", "Thompson", "Hussain", "O'Connor",
            "Walsh", "Ahmed", "Price", "Rossi", "Adeyemi", "Patel", "Evans", "Murphy"]  # fmt: skip


def _rows_in_chunks(table: sa.Table, rows: Iterable[dict]) -> int:
    """Insert rows in executemany batches; returns how many."""
    count = 0
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, CHUNK)):
        db.session.execute(table.insert(), batch)
        count += len(batch)
    return count


def _ids(column: sa.Column, key: sa.Column) -> dict:
    return dict(db.session.execute(sa.select(key, column)).all())


def _synced(moment: datetime) -> dict:
    return {"client_uuid": uuid.uuid4(), "version": 1, "created_at": moment, "updated_at": moment}


def _utc(day: date, clock: time = time(12, 0)) -> datetime:
    return datetime.combine(day, clock, tzinfo=UTC)


def school_days(first: date, last: date) -> list[date]:
    """Weekdays from `first` to `last`, leaving out August."""
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if day.weekday() < 5 and day.month != 8]


def scale_upn(serial: int) -> str:
    body = f"{SCALE_LA_NUMBER:03d}{5000 + serial // 1000:04d}{24:02d}{serial % 1000:03d}"
    return upn.validate(upn.calc_check_digit(body) + body)


class ScaleBuilder:
    """Builds the programme in stages, each stage one bulk insert per table."""

    def __init__(self, pupils: int, password: str, seed: int = 2026):
        self.pupil_count = pupils
        self.random = random.Random(seed)  # noqa: S311 (demo data, not secrets)
        self.today = london_today()
        self.first_day = self.today - timedelta(days=365)
        self.days = school_days(self.first_day, self.today - timedelta(days=1))
        self.now = datetime.now(UTC)
        self.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        )

    def build(self, report: Callable[[str], None]) -> dict[str, int]:
        """Each stage in turn, telling `report` how long each took."""
        counts: dict[str, int] = {}
        stages = [self._staff, self._providers, self._pupils, self._teaching, self._marks,
                  self._notes, self._reviews, self._visits, self._site_checks]  # fmt: skip
        with _foreign_keys_checked_at_the_end(report):
            for stage in stages:
                started = time_counter()
                stage(counts)
                name = stage.__name__.strip("_").replace("_", " ")
                report(f"{name}: {time_counter() - started:.1f} s")
        started = time_counter()
        db.session.commit()
        _gather_statistics()
        report(f"commit and statistics: {time_counter() - started:.1f} s")
        return counts

    # People

    def _user(self, email: str, name: str, role: Role) -> dict:
        return {
            "email": email,
            "name": name,
            "role": role,
            "password_hash": self.password_hash,
            "active": True,
            "created_at": self.now,
        }

    def _staff(self, counts: dict) -> None:
        self.active = max(1, round(self.pupil_count * 0.92))
        self.teacher_count = -(-self.active // CASELOAD_LIMIT)
        staff = [
            self._user("admin@example.org", "Amira Khan", Role.ADMIN),
            self._user("lead@example.org", "Lena Brooks", Role.LEAD),
            self._user("assessor@example.org", "Sam Patel", Role.ASSESSOR),
        ]
        staff += [
            self._user(f"teacher{n}@example.org", f"{self._name(n)} (teacher)", Role.TEACHER)
            for n in range(1, self.teacher_count + 1)
        ]
        parents = [
            self._user(f"parent{n}@example.org", f"Parent of {self._name(n)}", Role.PARENT)
            for n in range(1, self.pupil_count + 1)
        ]
        counts["users"] = _rows_in_chunks(User.__table__, staff + parents)
        self.users = _ids(User.id, User.email)
        self.lead = self.users["lead@example.org"]
        self.assessor = self.users["assessor@example.org"]

    def _name(self, n: int) -> str:
        return f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {SURNAMES[(n // 7) % len(SURNAMES)]}"

    # Providers and pupils

    def _providers(self, counts: dict) -> None:
        kinds = list(ProviderType)
        counts["providers"] = _rows_in_chunks(
            Provider.__table__,
            (
                {
                    "name": f"Provider {n:03d}",
                    "provider_type": kinds[n % len(kinds)],
                    "urn": f"{140000 + n}" if n % 4 else None,
                    "on_framework": n % 3 != 0,
                    "provides_professional_services": n % 5 == 0,
                    "dsl_name": f"DSL {n}",
                    "dsl_trained_on": self.today - timedelta(days=30 + n),
                    "single_central_record_checked_on": self.today - timedelta(days=n),
                    "other_pupils": n % 6,
                    "other_looked_after": 0,
                    "other_ehc_plans": 0,
                    **_synced(self.now),
                }
                for n in range(1, PROVIDERS + 1)
            ),
        )
        self.providers = list(_ids(Provider.id, Provider.name).values())
        _rows_in_chunks(
            ProviderSite.__table__,
            (
                {
                    "provider_id": provider_id,
                    "name": "Main site",
                    "address": f"{provider_id} High Street, NS{provider_id % 9 + 1} 4AB",
                    **_synced(self.now),
                }
                for provider_id in self.providers
            ),
        )
        policies = [PolicyKind.PUBLIC_LIABILITY, PolicyKind.EMPLOYERS_LIABILITY]
        counts["insurance_policies"] = _rows_in_chunks(
            InsurancePolicy.__table__,
            (
                {
                    "provider_id": provider_id,
                    "kind": kind,
                    "insurer": "Shire Mutual",
                    "cover_amount": 10_000_000,
                    "expires_on": self.today + timedelta(days=provider_id % 400 - 30),
                    **_synced(self.now),
                }
                for provider_id in self.providers
                for kind in policies
            ),
        )

    def _pupils(self, counts: dict) -> None:
        _rows_in_chunks(
            School.__table__,
            (
                {"name": name, "local_authority": "Northshire Council", **_synced(self.now)}
                for name in SCHOOLS
            ),
        )
        schools = _ids(School.id, School.name)
        reasons = list(ProvisionReason)
        ethnicities = list(Ethnicity)
        statuses = self._statuses()
        rows = []
        for n in range(1, self.pupil_count + 1):
            started = self.first_day + timedelta(days=n % 5)
            status = statuses[n - 1]
            reason = reasons[n % len(reasons)]
            rows.append(
                {
                    "case_number": f"AP-{n:05d}",
                    "legal_name": self._name(n),
                    "preferred_name": None,
                    "date_of_birth": date(2010 + n % 5, 1 + n % 12, 1 + n % 28),
                    "gender": Gender.FEMALE if n % 2 else Gender.MALE,
                    "ethnicity": ethnicities[n % len(ethnicities)],
                    "upn": scale_upn(n),
                    "send_status": list(SendStatus)[n % 3],
                    "looked_after": n % 9 == 0,
                    "free_school_meals": n % 3 == 0,
                    "locality_team": "North" if n % 2 else "South",
                    "school_id": schools[SCHOOLS[n % len(SCHOOLS)]],
                    "commissioner": SCHOOLS[n % len(SCHOOLS)],
                    "exclusion_type": "none",
                    "reasons": [reason.value],
                    "reason_other": "Young carer" if reason == ProvisionReason.OTHER else None,
                    "provision_start_date": started,
                    "planned_end_date": started + timedelta(weeks=60),
                    "planned_hours_per_week": Decimal(25 if n % 3 else 20),
                    "attendance_before_percent": Decimal(40 + n % 50),
                    "review_date": None,
                    "action_to_be_taken": "Fortnightly review with the school's inclusion lead",
                    "status": status,
                    "destination": Destination.MAINSTREAM if status == PupilStatus.CLOSED else None,
                    "closed_on": self.today if status == PupilStatus.CLOSED else None,
                    **_synced(self.now),
                }
            )
        counts["pupils"] = _rows_in_chunks(Pupil.__table__, rows)
        by_case = _ids(Pupil.id, Pupil.case_number)
        self.pupils = [by_case[row["case_number"]] for row in rows]
        self.taught = [
            pupil_id
            for pupil_id, status in zip(self.pupils, statuses, strict=True)
            if status == PupilStatus.ACTIVE
        ]
        self.serial = {pupil_id: n for n, pupil_id in enumerate(self.pupils, 1)}
        _rows_in_chunks(
            pupil_providers,
            (
                {"pupil_id": pupil_id, "provider_id": self.providers[n % PROVIDERS]}
                for n, pupil_id in enumerate(self.pupils)
                if n % 3 == 0
            ),
        )
        _rows_in_chunks(
            ParentLink.__table__,
            (
                {
                    "parent_id": self.users[f"parent{n}@example.org"],
                    "pupil_id": pupil_id,
                    "relationship": "Mother" if n % 2 else "Father",
                    "may_confirm_attendance": True,
                    **_synced(self.now),
                }
                for n, pupil_id in enumerate(self.pupils, 1)
            ),
        )
        self.parent_of = {
            pupil_id: self.users[f"parent{n}@example.org"]
            for n, pupil_id in enumerate(self.pupils, 1)
        }
        self.audit = [
            self._event("pupil.created", pupil_id, self.lead, _utc(self.first_day), {"after": {}})
            for pupil_id in self.pupils
        ]

    def _statuses(self) -> list[PupilStatus]:
        """The first 92% active (taught), then referred and closed pupils."""
        rest = self.pupil_count - self.active
        referred = rest // 2
        return (
            [PupilStatus.ACTIVE] * self.active
            + [PupilStatus.REFERRED] * referred
            + [PupilStatus.CLOSED] * (rest - referred)
        )

    def _event(self, event: str, pupil_id, actor_id, at: datetime, details: dict) -> dict:
        return {
            "occurred_at": at,
            "actor_id": actor_id,
            "event": event,
            "pupil_id": pupil_id,
            "details": details,
        }

    # Teaching: caseloads, plans, timetables, assessments

    def _teaching(self, counts: dict) -> None:
        teachers = [self.users[f"teacher{n}@example.org"] for n in range(1, self.teacher_count + 1)]
        self.teacher_of = {
            pupil_id: teachers[n // CASELOAD_LIMIT] for n, pupil_id in enumerate(self.taught)
        }
        counts["caseload_assignments"] = _rows_in_chunks(
            CaseloadAssignment.__table__,
            (
                {
                    "pupil_id": pupil_id,
                    "teacher_id": self.teacher_of[pupil_id],
                    "slot": n % CASELOAD_LIMIT + 1,
                    "assigned_by_id": self.lead,
                    "started_on": self.first_day,
                    "ended_on": None,
                    **_synced(self.now),
                }
                for n, pupil_id in enumerate(self.taught)
            ),
        )
        self.audit += [
            self._event(
                "caseload.assigned",
                pupil_id,
                self.lead,
                _utc(self.first_day, time(13)),
                {"teacher": "teacher", "slot": 1},
            )
            for pupil_id in self.taught
        ]
        counts["learning_plans"] = _rows_in_chunks(
            LearningPlan.__table__,
            (
                {
                    "pupil_id": pupil_id,
                    "version_number": 1,
                    "aims": "Rebuild routine and confidence, and keep up English and maths.",
                    "success_criteria": "Attends every timetabled session for four weeks.",
                    "transition_plan": "Half-day visits to the school on roll next term.",
                    "starts_on": self.first_day,
                    "ends_on": self.first_day + timedelta(weeks=60),
                    "written_by_id": self.teacher_of[pupil_id],
                    **_synced(self.now),
                }
                for pupil_id in self.taught
            ),
        )
        self.plan_of = _ids(LearningPlan.id, LearningPlan.pupil_id)
        targets = [
            (TargetKind.ACADEMIC, "L1 Functional Skills English", "Entry Level 3", "Pass"),
            (TargetKind.WIDER, "Attendance", "62% at school", "95%"),
        ]
        counts["plan_targets"] = _rows_in_chunks(
            PlanTarget.__table__,
            (
                {
                    "plan_id": plan_id,
                    "position": position,
                    "kind": kind,
                    "description": description,
                    "baseline": baseline,
                    "goal": goal,
                    "measure": "Sessions attended",
                    "due_on": self.today + timedelta(weeks=8),
                }
                for plan_id in self.plan_of.values()
                for position, (kind, description, baseline, goal) in enumerate(targets, 1)
            ),
        )
        _rows_in_chunks(
            PlanAgreement.__table__,
            (
                {
                    "plan_id": plan_id,
                    "party": party,
                    "agreed_by": party.label,
                    "agreed_on": self.first_day,
                    "recorded_by_id": self.lead,
                    "recorded_at": _utc(self.first_day),
                }
                for plan_id in self.plan_of.values()
                for party in (Party.PUPIL, Party.SCHOOL)
            ),
        )
        counts["timetable_slots"] = _rows_in_chunks(
            TimetableSlot.__table__,
            (
                {
                    "pupil_id": pupil_id,
                    "weekday": weekday,
                    "starts_at": time(9, 30),
                    "ends_at": time(14, 30),
                    "mode": Mode.FACE_TO_FACE if weekday % 2 else Mode.HOME_COMMUNITY,
                    "focus": [Focus.ENGLISH, Focus.MATHS, Focus.WELLBEING][weekday % 3],
                    "place": "Home" if weekday % 2 else "Central library",
                    **_synced(self.now),
                }
                for pupil_id in self.taught
                for weekday in range(5)
            ),
        )
        self.slot_of = {
            (pupil_id, weekday): slot_id
            for slot_id, pupil_id, weekday in db.session.execute(
                sa.select(TimetableSlot.id, TimetableSlot.pupil_id, TimetableSlot.weekday)
            )
        }
        counts["assessments"] = _rows_in_chunks(
            Assessment.__table__,
            (
                {
                    "pupil_id": pupil_id,
                    "assessor_id": self.teacher_of[pupil_id],
                    "assessed_on": self.first_day + timedelta(days=7),
                    "literacy_level": WorkingLevel.KS2,
                    "literacy_score": 40,
                    "numeracy_level": WorkingLevel.ENTRY_3,
                    "numeracy_score": 35,
                    "reading_age_years": 9,
                    "reading_age_months": 6,
                    "wellbeing": 2,
                    "resilience": 3,
                    "confidence": 2,
                    "anxiety": 4,
                    "barriers": ["mental_health"],
                    "interests_and_strengths": "Football and drawing",
                    "focus_areas": [FocusArea.WELLBEING.value, FocusArea.ENGLISH.value],
                    **_synced(self.now),
                }
                for pupil_id in self.taught
            ),
        )

    # Registers, notes and parents' answers, made in SQL: the most numerous rows

    def _calendar(self) -> None:
        """Temporary tables of the taught pupils and of the year's register sessions, which
        the marks and notes are selected from."""
        calendar = sa.MetaData()
        self.taught_table = sa.Table(
            "scale_taught",
            calendar,
            sa.Column("pupil_id", sa.Integer),
            sa.Column("teacher_id", sa.Integer),
            sa.Column("absent_per_mille", sa.Integer),
            prefixes=["TEMPORARY"],
        )
        self.sessions_table = sa.Table(
            "scale_sessions",
            calendar,
            sa.Column("number", sa.Integer),
            sa.Column("date", sa.Date),
            sa.Column("weekday", sa.Integer),
            sa.Column("session", sa.String(2)),
            sa.Column("present", sa.String(1)),
            sa.Column("taken_at", UTCDateTime),
            prefixes=["TEMPORARY"],
        )
        connection = db.session.connection()
        calendar.create_all(connection)
        connection.execute(
            self.taught_table.insert(),
            [
                {
                    "pupil_id": pupil_id,
                    "teacher_id": self.teacher_of[pupil_id],
                    "absent_per_mille": self.random.randrange(0, 200),
                }
                for pupil_id in self.taught
            ],
        )
        connection.execute(
            self.sessions_table.insert(),
            [
                {
                    "number": number,
                    "date": day,
                    "weekday": day.weekday(),
                    "session": session.value,
                    "present": present,
                    "taken_at": _utc(day, clock),
                }
                for number, (day, (session, present, clock)) in enumerate(
                    itertools.product(
                        self.days,
                        [(RegisterSession.AM, "/", time(9, 40)),
                         (RegisterSession.PM, "\\", time(13, 10))],
                    )
                )
            ],
        )  # fmt: skip

    def _new_uuid(self) -> sa.ColumnElement:
        if db.engine.dialect.name == "postgresql":
            return sa.func.gen_random_uuid()
        return sa.func.lower(sa.func.hex(sa.func.randomblob(16)))

    def _json_object(self, **values) -> sa.ColumnElement:
        name = "json_build_object" if db.engine.dialect.name == "postgresql" else "json_object"
        pairs = itertools.chain.from_iterable(
            (sa.literal_column(f"'{key}'"), value) for key, value in values.items()
        )
        return getattr(sa.func, name)(*pairs)

    def _marks(self, counts: dict) -> None:
        """AM and PM marks for every school day of the year, most present, a few late and
        each pupil absent at their own rate; each mark's first history entry is the mark
        itself, and each mark other than present goes into the pupil's chronology."""
        self._calendar()
        taught, sessions = self.taught_table, self.sessions_table
        draw = (taught.c.pupil_id * 7919 + sessions.c.number * 104729) % 1000
        absences = ["I", "N", "O", "M", "C2", "B"]
        code = sa.case(
            *[
                (sa.and_(draw < taught.c.absent_per_mille, draw % len(absences) == n), absence)
                for n, absence in enumerate(absences)
            ],
            (draw < taught.c.absent_per_mille + 20, "L"),
            else_=sessions.c.present,
        )
        marks = AttendanceMark.__table__
        db.session.execute(
            marks.insert().from_select(
                ["pupil_id", "date", "session", "code", "minutes_late", "taken_by_id",
                 "taken_at", "client_uuid", "version", "created_at", "updated_at"],
                sa.select(
                    taught.c.pupil_id, sessions.c.date, sessions.c.session, code,
                    sa.case((code == "L", 10), else_=sa.null()), taught.c.teacher_id,
                    sessions.c.taken_at, self._new_uuid(), sa.literal(1), sessions.c.taken_at,
                    sessions.c.taken_at,
                ).select_from(taught.join(sessions, sa.true())),
            )
        )  # fmt: skip
        counts["attendance_marks"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(marks)
        )
        db.session.execute(
            AttendanceMarkChange.__table__.insert().from_select(
                ["mark_id", "changed_by_id", "changed_at", "new_code", "new_minutes_late"],
                sa.select(
                    marks.c.id, marks.c.taken_by_id, marks.c.taken_at, marks.c.code,
                    marks.c.minutes_late,
                ),
            )
        )  # fmt: skip
        db.session.execute(
            AuditEvent.__table__.insert().from_select(
                ["occurred_at", "actor_id", "event", "pupil_id", "details"],
                sa.select(
                    marks.c.taken_at, marks.c.taken_by_id, sa.literal("attendance.marked"),
                    marks.c.pupil_id,
                    self._json_object(date=marks.c.date, session=marks.c.session,
                                      code=marks.c.code),
                ).where(marks.c.code.not_in(["/", "\\"])),
            )
        )  # fmt: skip

    def _notes(self, counts: dict) -> None:
        """Three notes a week, on the morning session's row of Monday, Tuesday and Thursday,
        each with its first target and its place in the chronology."""
        taught, sessions = self.taught_table, self.sessions_table
        slots, notes = TimetableSlot.__table__, SessionNote.__table__
        submitted = sessions.c.taken_at
        db.session.execute(
            notes.insert().from_select(
                ["pupil_id", "teacher_id", "slot_id", "held_on", "starts_at", "ends_at", "mode",
                 "focus", "place", "planned_minutes", "engagement", "progress", "wellbeing",
                 "next_steps", "submitted_at",
                 "client_uuid", "version", "created_at", "updated_at"],
                sa.select(
                    taught.c.pupil_id, taught.c.teacher_id, slots.c.id, sessions.c.date,
                    slots.c.starts_at, sa.literal(time(14, 15), sa.Time),
                    sa.literal(Mode.FACE_TO_FACE.value),
                    sa.literal(Focus.ENGLISH.value), sa.literal("Home"), sa.literal(300),
                    3 + sessions.c.number % 3,
                    sa.literal("Worked through a reading comprehension."),
                    sa.literal("Settled and talkative."),
                    sa.literal("Practice paper next session."),
                    submitted, self._new_uuid(), sa.literal(1), submitted, submitted,
                )
                .select_from(taught.join(sessions, sa.true()))
                .join(
                    slots,
                    sa.and_(slots.c.pupil_id == taught.c.pupil_id,
                            slots.c.weekday == sessions.c.weekday),
                )
                .where(sessions.c.weekday.in_(NOTE_WEEKDAYS), sessions.c.session == "am"),
            )
        )  # fmt: skip
        counts["session_notes"] = db.session.scalar(sa.select(sa.func.count()).select_from(notes))
        plans, targets = LearningPlan.__table__, PlanTarget.__table__
        db.session.execute(
            note_targets.insert().from_select(
                ["note_id", "target_id"],
                sa.select(notes.c.id, targets.c.id)
                .join(plans, plans.c.pupil_id == notes.c.pupil_id)
                .join(targets, sa.and_(targets.c.plan_id == plans.c.id, targets.c.position == 1)),
            )
        )
        db.session.execute(
            AuditEvent.__table__.insert().from_select(
                ["occurred_at", "actor_id", "event", "pupil_id", "details"],
                sa.select(
                    notes.c.submitted_at, notes.c.teacher_id, sa.literal("note.written"),
                    notes.c.pupil_id,
                    self._json_object(held_on=notes.c.held_on, minutes=sa.literal_column("285")),
                ),
            )
        )  # fmt: skip
        self._confirmations(counts)

    def _confirmations(self, counts: dict) -> None:
        """Parents answer four sessions in five; one answer in fifty disputes the session."""
        notes, links = SessionNote.__table__, ParentLink.__table__
        draw = (notes.c.id * 37) % 100
        disputed = draw < 2
        confirmations = SessionConfirmation.__table__
        db.session.execute(
            confirmations.insert().from_select(
                ["note_id", "pupil_id", "parent_id", "answer", "comment", "client_uuid",
                 "version", "created_at", "updated_at"],
                sa.select(
                    notes.c.id, notes.c.pupil_id, links.c.parent_id,
                    sa.case((disputed, ParentAnswer.DISPUTED.value),
                            else_=ParentAnswer.CONFIRMED.value),
                    sa.case((disputed, "The session was only an hour."), else_=""),
                    self._new_uuid(), sa.literal(1), notes.c.submitted_at, notes.c.submitted_at,
                )
                .join(links, links.c.pupil_id == notes.c.pupil_id)
                .where(draw < 80),
            )
        )  # fmt: skip
        counts["session_confirmations"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(confirmations)
        )

    def _reviews(self, counts: dict) -> None:
        """A review every fortnight; the last one sets the pupil's next review date, which
        for one pupil in ten has passed."""
        review_days = [self.first_day + timedelta(days=14 * n) for n in range(1, 27)]
        review_days = [day for day in review_days if day < self.today]
        next_review = {}

        def rows() -> Iterator[dict]:
            for n, pupil_id in enumerate(self.taught):
                period_start = self.first_day
                for held_on in review_days:
                    following = held_on + timedelta(days=14)
                    next_review[pupil_id] = following - timedelta(days=20 if n % 10 == 0 else 0)
                    at = _utc(held_on, time(16))
                    self.audit.append(
                        self._event(
                            "review.held",
                            pupil_id,
                            self.teacher_of[pupil_id],
                            at,
                            {"after": {"held_on": held_on.isoformat()}},
                        )
                    )
                    yield {
                        "pupil_id": pupil_id,
                        "plan_id": self.plan_of[pupil_id],
                        "held_on": held_on,
                        "period_start": period_start,
                        "sessions_timetabled": 10,
                        "sessions_delivered": 6,
                        "minutes_planned": 3000,
                        "minutes_delivered": 1710,
                        "participants": ["pupil", "parent"],
                        "timetable_changes": "No changes",
                        "next_review_on": following,
                        "held_by_id": self.teacher_of[pupil_id],
                        **_synced(at),
                    }
                    period_start = held_on + timedelta(days=1)

        counts["reviews"] = _rows_in_chunks(Review.__table__, rows())
        reviews, targets = Review.__table__, PlanTarget.__table__
        db.session.execute(
            TargetProgress.__table__.insert().from_select(
                ["review_id", "target_id", "progress", "comment"],
                sa.select(
                    reviews.c.id,
                    targets.c.id,
                    sa.literal(Progress.SOME.value),
                    sa.literal("Steady progress"),
                ).join(targets, targets.c.plan_id == reviews.c.plan_id),
            )
        )
        pupils = Pupil.__table__
        db.session.execute(
            pupils.update()
            .where(pupils.c.id == sa.bindparam("pupil"))
            .values(review_date=sa.bindparam("next_review")),
            [{"pupil": pupil, "next_review": day} for pupil, day in next_review.items()],
        )

    def _visits(self, counts: dict) -> None:
        """A first visit, then a welfare visit every four weeks, each recorded."""

        def rows() -> Iterator[dict]:
            for pupil_id in self.taught:
                for number, day in enumerate(self.days[::20]):
                    arrived = _utc(day, time(10, 0))
                    self.audit.append(
                        self._event(
                            "visit.recorded",
                            pupil_id,
                            self.teacher_of[pupil_id],
                            arrived + timedelta(hours=2),
                            {"visit_id": None, "after": {}},
                        )
                    )
                    yield {
                        "pupil_id": pupil_id,
                        "teacher_id": self.teacher_of[pupil_id],
                        "starts_at": arrived,
                        "status": VisitStatus.COMPLETED,
                        "place": VisitPlace.HOME,
                        "address": f"{self.serial[pupil_id]} Alder Road, Northside",
                        "purpose": VisitPurpose.WELFARE if number else VisitPurpose.FIRST_VISIT,
                        "purpose_other": None,
                        "present": [Present.PUPIL.value, Present.PARENTS_CARERS.value],
                        "concerns": "None raised",
                        "child_voice": "Likes the sessions at the library",
                        "parent_voice": "Routine is better",
                        "next_visit_on": day + timedelta(weeks=4),
                        "arrived_at": arrived,
                        "expected_finish_at": arrived + timedelta(hours=1),
                        "left_at": arrived + timedelta(minutes=50),
                        **_synced(arrived),
                    }  # fmt: skip

        counts["home_visits"] = _rows_in_chunks(HomeVisit.__table__, rows())
        _rows_in_chunks(AuditEvent.__table__, self.audit)
        counts["audit_events"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(AuditEvent.__table__)
        )

    # Premises

    def _site_checks(self, counts: dict) -> None:
        """A signed-off check of every provider's site, one in six overdue, each with a photo
        of the fire precautions."""
        standard_templates()
        template = db.session.scalar(
            sa.select(CheckTemplate).where(CheckTemplate.name == HEALTH_AND_SAFETY).limit(1)
        )
        items = [
            item
            for section in template.sections
            if not section.higher_risk_only
            for item in section.items
        ]
        sites = _ids(ProviderSite.id, ProviderSite.provider_id)
        checks = []
        for n, site_id in enumerate(sites.values()):
            signed_on = self.today - timedelta(days=400 if n % 6 == 0 else 30 + n % 300)
            signed_at = _utc(signed_on, time(15, 30))
            checks.append(
                {
                    "site_id": site_id,
                    "template_id": template.id,
                    "assessor_id": self.assessor,
                    "higher_risk": None,
                    "status": CheckStatus.SIGNED_OFF,
                    "outcome": CheckOutcome.SATISFACTORY,
                    "summary": "Premises suitable for the placements commissioned.",
                    "competence_statement": "NEBOSH National General Certificate.",
                    "signed_off_at": signed_at,
                    "next_due_on": add_months(signed_on, 12),
                    **_synced(signed_at),
                }
            )
        counts["site_checks"] = _rows_in_chunks(SiteCheck.__table__, checks)
        check_ids = list(db.session.scalars(sa.select(SiteCheck.id)))
        counts["check_answers"] = _rows_in_chunks(
            CheckAnswer.__table__,
            (
                {
                    "check_id": check,
                    "item_id": item.id,
                    "answer": Answer.YES,
                    **_synced(self.now),
                }
                for check in check_ids
                for item in items
            ),
        )
        fire = next(item for item in items if item.text == "Fire precautions")
        self._photos(counts, check_ids, fire.id)

    def _photos(self, counts: dict, check_ids: list[int], item_id: int) -> None:
        clean = clean_photo(fire_exit_photo())
        store = photo_store()
        rows = []
        for _ in check_ids:
            stem = secrets.token_hex(16)
            rows.append(
                {
                    "stored_name": f"{stem}.jpg",
                    "thumbnail_name": f"{stem}.thumb.jpg",
                    "sha256": clean.sha256,
                    "upload_sha256": clean.upload_sha256,
                    "width": clean.width,
                    "height": clean.height,
                    "byte_size": len(clean.image),
                    "caption": "Fire exit, main corridor",
                    "uploaded_by_id": self.assessor,
                    **_synced(self.now),
                }
            )
            store.put(f"{stem}.jpg", clean.image)
            store.put(f"{stem}.thumb.jpg", clean.thumbnail)
        counts["photos"] = _rows_in_chunks(Photo.__table__, rows)
        photo_ids = _ids(Photo.id, Photo.stored_name)
        answer_ids = dict(
            db.session.execute(
                sa.select(CheckAnswer.check_id, CheckAnswer.id).where(
                    CheckAnswer.item_id == item_id
                )
            ).all()
        )
        _rows_in_chunks(
            check_answer_photos,
            (
                {"answer_id": answer_ids[check_id], "photo_id": photo_ids[row["stored_name"]]}
                for check_id, row in zip(check_ids, rows, strict=True)
            ),
        )


@contextmanager
def _foreign_keys_checked_at_the_end(report: Callable[[str], None]) -> Iterator[None]:
    """On PostgreSQL, every foreign key checked once over its whole table when the rows are
    in, rather than row by row as they go in (a trigger per row and key, most of the build's
    time): the keys are dropped, then made again as they were, which checks every row. In
    the build's one transaction, so a failure leaves the schema as it was."""
    if db.engine.dialect.name != "postgresql":
        yield
        return
    tables = [table.name for table in db.metadata.sorted_tables]
    keys = db.session.execute(
        sa.text(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(:tables)"
        ),
        {"tables": tables},
    ).all()
    for table, name, _ in keys:
        db.session.execute(sa.text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    yield
    started = time_counter()
    for table, name, definition in keys:
        db.session.execute(sa.text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))
    report(f"foreign keys checked: {time_counter() - started:.1f} s")


def _gather_statistics() -> None:
    """The planner's statistics for the app's tables (and on PostgreSQL the visibility map that
    index-only scans need), as a database in use has them; without them the first plans are
    guesses. Only the app's own tables: the database may hold other schemas."""
    if db.engine.dialect.name == "postgresql":
        tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        statement = f"VACUUM ANALYZE {tables}"
    else:
        statement = "ANALYZE"
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text(statement))


def build_scale(pupils: int, password: str, report: Callable[[str], None]) -> dict[str, int]:
    """Build the programme into an empty database; returns the rows made, table by table."""
    return ScaleBuilder(pupils, password).build(report)
