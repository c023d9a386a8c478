"""`flask demo seed`: a small, realistic programme to try ap-field with."""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup
from stdnum.gb import upn

from ap_field.absences.forms import next_school_day
from ap_field.absences.models import AbsenceReason
from ap_field.absences.services import report_absence
from ap_field.assessments.models import Assessment, FocusArea, WorkingLevel
from ap_field.assessments.services import create_assessment
from ap_field.attendance.models import AttendanceMark, RegisterSession
from ap_field.attendance.services import MarkValues, record_mark
from ap_field.auth.models import Role, SafeguardingRole, User
from ap_field.calendars.demo import seed_calendars
from ap_field.common.time import LONDON, london_today, utcnow
from ap_field.demo_scale import build_scale
from ap_field.extensions import db
from ap_field.parents.models import Answer, ParentLink
from ap_field.parents.queries import answer_for
from ap_field.parents.services import confirm_session
from ap_field.plans.models import Focus, Mode, Party, Progress, TargetKind
from ap_field.plans.queries import current_plan
from ap_field.plans.services import add_slot, hold_review, record_agreement, write_plan
from ap_field.premises.demo import seed_premises
from ap_field.premises.models import Provider, ProviderSite, ProviderType
from ap_field.pupils.models import (
    Destination,
    Ethnicity,
    ExclusionType,
    Gender,
    ProvisionReason,
    Pupil,
    PupilStatus,
    SendStatus,
)
from ap_field.pupils.queries import current_assignment
from ap_field.pupils.services import assign, create_pupil
from ap_field.safeguarding.models import Category, Concern
from ap_field.safeguarding.services import record_concern
from ap_field.schools.models import Phase, School
from ap_field.sessions.queries import delivery_between, notes_of
from ap_field.sessions.services import write_note
from ap_field.visits.models import (
    HomeVisit,
    Present,
    VisitPlace,
    VisitPurpose,
    VisitStatus,
    at_london,
)
from ap_field.visits.services import create_visit

DEMO_PASSWORD = "field-demo-2026"  # noqa: S105 (published in the README for the demo)
DEMO_LA_NUMBER = 886  # a real LA number, so demo UPNs pass validation

STAFF = [
    ("admin@example.org", "Amira Khan", Role.ADMIN),
    ("lead@example.org", "Lena Brooks", Role.LEAD, SafeguardingRole.DSL),
    ("teacher1@example.org", "Tom Okafor", Role.TEACHER),
    ("teacher2@example.org", "Grace Whitfield", Role.TEACHER),
    ("assessor@example.org", "Sam Patel", Role.ASSESSOR),
]

PROVIDERS = [
    (
        "Northside Pupil Referral Unit",
        ProviderType.PUPIL_REFERRAL_UNIT,
        "131234",
        "14 Mill Lane, Northside, NS1 4AB",
    ),
    (
        "Riverside Motor Skills",
        ProviderType.UNREGISTERED,
        None,
        "Unit 3, Riverside Industrial Estate, NS4 2QT",
    ),
    (
        "Hillcrest Independent School",
        ProviderType.REGISTERED_SCHOOL,
        "148765",
        "Hillcrest House, Church Road, NS2 9HD",
    ),
]

# Each school: name, URN, LAESTAB number, phase and the start of its email domain.
SCHOOLS = [
    ("Northside Academy", "137001", "8814001", Phase.SECONDARY, "northside"),
    ("St Anne's Church of England School", "114002", "8813002", Phase.PRIMARY, "stannes"),
    ("Riverside High School", "115003", "8814003", Phase.SECONDARY, "riverside"),
]
SCHOOL_OFFICER = ("school@example.org", "Priya Shah")

R = ProvisionReason
# Each pupil: record fields, then who teaches them and who their parent or carer is.
PUPILS = [
    dict(case_number="AP-0001", legal_name="Jayden Clarke", date_of_birth=date(2011, 3, 14),
         gender=Gender.MALE, ethnicity=Ethnicity.WBRI, exclusion_type=ExclusionType.PERMANENT,
         reasons=[R.PERMANENT_EXCLUSION], hours="25", teacher="teacher1",
         parent=("Donna Clarke", "Mother"), providers=["Riverside Motor Skills"]),
    dict(case_number="AP-0002", legal_name="Amelia Rose Hart", preferred_name="Millie",
         date_of_birth=date(2012, 9, 2), gender=Gender.FEMALE, ethnicity=Ethnicity.WBRI,
         reasons=[R.EBSA, R.MENTAL_HEALTH], hours="18", send=SendStatus.SEN_SUPPORT,
         teacher="teacher1", parent=("Paul Hart", "Father")),
    dict(case_number="AP-0003", legal_name="Kacper Nowak", date_of_birth=date(2010, 11, 23),
         gender=Gender.MALE, ethnicity=Ethnicity.WOTH, reasons=[R.AWAITING_PLACE], hours="25",
         teacher="teacher1", parent=("Ewa Nowak", "Mother")),
    dict(case_number="AP-0004", legal_name="Tiana Mensah", date_of_birth=date(2011, 6, 30),
         gender=Gender.FEMALE, ethnicity=Ethnicity.BAFR, reasons=[R.CRIMINAL_EXPLOITATION],
         hours="22.5", looked_after=True, send=SendStatus.EHC_PLAN, teacher="teacher1",
         parent=("Abena Mensah", "Aunt"), review_overdue=True),
    dict(case_number="AP-0005", legal_name="Oliver Reid", preferred_name="Ollie",
         date_of_birth=date(2013, 1, 8), gender=Gender.MALE, ethnicity=Ethnicity.MWBC,
         reasons=[R.MEDICAL], hours="15", looked_after=True, teacher="teacher1",
         parent=("Karen Reid", "Foster carer")),
    dict(case_number="AP-0006", legal_name="Leah Thompson", date_of_birth=date(2010, 4, 17),
         gender=Gender.FEMALE, ethnicity=Ethnicity.WBRI, exclusion_type=ExclusionType.SUSPENSION,
         reasons=[R.SUSPENSION, R.MENTAL_HEALTH], hours="25", teacher="teacher2",
         parent=("Mark Thompson", "Father"), providers=["Northside Pupil Referral Unit"]),
    dict(case_number="AP-0007", legal_name="Mohammed Hussain", preferred_name="Mo",
         date_of_birth=date(2012, 2, 25), gender=Gender.MALE, ethnicity=Ethnicity.APKN,
         reasons=[R.EBSA], hours="20", teacher="teacher2", parent=("Nasreen Hussain", "Mother")),
    dict(case_number="AP-0008", legal_name="Ruby O'Connor", date_of_birth=date(2011, 10, 5),
         gender=Gender.FEMALE, ethnicity=Ethnicity.WIRI, reasons=[R.OTHER],
         reason_other="Young carer for a parent", hours="25", teacher="teacher2",
         parent=("Siobhan O'Connor", "Mother")),
    dict(case_number="AP-0009", legal_name="Ethan Walsh", date_of_birth=date(2010, 8, 19),
         gender=Gender.MALE, ethnicity=Ethnicity.WBRI, exclusion_type=ExclusionType.PERMANENT,
         reasons=[R.PERMANENT_EXCLUSION, R.CRIMINAL_EXPLOITATION], hours="25", teacher="teacher2",
         parent=("Gary Walsh", "Grandfather"), providers=["Hillcrest Independent School"]),
    dict(case_number="AP-0010", legal_name="Zara Ahmed", date_of_birth=date(2012, 12, 1),
         gender=Gender.FEMALE, ethnicity=Ethnicity.ABAN, reasons=[R.MENTAL_HEALTH], hours="12",
         teacher="teacher2", parent=("Farah Ahmed", "Mother"), review_overdue=True),
    dict(case_number="AP-0011", legal_name="Callum Price", date_of_birth=date(2011, 5, 9),
         gender=Gender.MALE, ethnicity=Ethnicity.NOBT, reasons=[R.EBSA],
         status=PupilStatus.REFERRED, parent=("Joanne Price", "Mother")),
    dict(case_number="AP-0012", legal_name="Sofia Rossi", date_of_birth=date(2012, 7, 21),
         gender=Gender.FEMALE, ethnicity=Ethnicity.WOTH, reasons=[R.MEDICAL],
         status=PupilStatus.ASSESSING, parent=("Marco Rossi", "Father")),
    dict(case_number="AP-0013", legal_name="Daniel Adeyemi", date_of_birth=date(2010, 2, 3),
         gender=Gender.MALE, ethnicity=Ethnicity.BAFR, reasons=[R.SUSPENSION],
         status=PupilStatus.CLOSED, destination=Destination.MAINSTREAM,
         parent=("Grace Adeyemi", "Mother")),
]  # fmt: skip


def demo_upn(serial: int) -> str:
    """A valid UPN: check letter, LA number, establishment, year, serial."""
    body = f"{DEMO_LA_NUMBER:03d}4001{24:02d}{serial:03d}"
    return upn.validate(upn.calc_check_digit(body) + body)


def _user(email: str, name: str, role: Role, safeguarding_role=SafeguardingRole.NONE) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, role=role, safeguarding_role=safeguarding_role)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
    return user


def _school(name: str) -> School:
    return db.session.scalar(sa.select(School).where(School.name == name))


def _schools() -> None:
    for name, urn, laestab, phase, domain in SCHOOLS:
        if _school(name) is None:
            db.session.add(
                School(
                    name=name,
                    urn=urn,
                    laestab=laestab,
                    local_authority="Northshire Council",
                    phase=phase,
                    attendance_email=f"attendance@{domain}.example.org",
                    dsl_email=f"dsl@{domain}.example.org",
                )
            )
    db.session.flush()
    email, name = SCHOOL_OFFICER
    if not db.session.scalar(sa.select(User.id).where(User.email == email)):
        school = _school(SCHOOLS[0][0])
        _user(email, name, Role.SCHOOL).school = school
    db.session.commit()


def _providers(names: list[str]) -> list[Provider]:
    return list(db.session.scalars(sa.select(Provider).where(Provider.name.in_(names))))


def _pupil(serial: int, spec: dict, today: date) -> Pupil:
    pupil = db.session.scalar(sa.select(Pupil).where(Pupil.case_number == spec["case_number"]))
    if pupil is not None:
        return pupil
    started = today - timedelta(weeks=6 + serial)
    return create_pupil(
        {
            "case_number": spec["case_number"],
            "legal_name": spec["legal_name"],
            "preferred_name": spec.get("preferred_name"),
            "date_of_birth": spec["date_of_birth"],
            "gender": spec["gender"],
            "ethnicity": spec["ethnicity"],
            "upn": demo_upn(serial),
            "send_status": spec.get("send", SendStatus.NONE),
            "looked_after": spec.get("looked_after", False),
            "free_school_meals": serial % 3 == 0,
            "locality_team": "North" if serial % 2 else "South",
            "home_address": f"{serial * 2} Mill Lane, Northside, NS1 4AB",
            "parent_phone": f"01632 960 {serial:03d}",
            "school_id": _school(SCHOOLS[serial % len(SCHOOLS)][0]).id,
            "commissioner": SCHOOLS[serial % len(SCHOOLS)][0]
            if serial % 4
            else "Northshire Council",
            "exclusion_type": spec.get("exclusion_type", ExclusionType.NONE),
            "reasons": [reason.value for reason in spec["reasons"]],
            "reason_other": spec.get("reason_other"),
            "provision_start_date": started,
            "planned_end_date": started + timedelta(weeks=26),
            "planned_hours_per_week": Decimal(spec["hours"]) if "hours" in spec else None,
            # The school's figure before the placement, which the impact page measures from.
            "attendance_before_percent": Decimal(30 + 6 * serial % 50),
            "review_date": today + timedelta(days=-3 if spec.get("review_overdue") else serial),
            "action_to_be_taken": "Fortnightly review with the school's inclusion lead",
            "status": spec.get("status", PupilStatus.ACTIVE),
            "destination": spec.get("destination"),
            "providers": _providers(spec.get("providers", [])),
        }
    )


def seed_demo() -> None:
    """Create whatever part of the demo programme is missing; running it again changes nothing."""
    staff = {email.split("@")[0]: _user(email, name, *duties) for email, name, *duties in STAFF}
    for name, provider_type, urn, address in PROVIDERS:
        if not db.session.scalar(sa.select(Provider.id).where(Provider.name == name)):
            provider = Provider(name=name, provider_type=provider_type, urn=urn)
            provider.sites.append(ProviderSite(name="Main site", address=address))
            db.session.add(provider)
    db.session.commit()
    _schools()
    seed_calendars()
    today = london_today()
    for serial, spec in enumerate(PUPILS, start=1):
        pupil = _pupil(serial, spec, today)
        parent_name, relationship = spec["parent"]
        parent = _user(f"parent{serial}@example.org", parent_name, Role.PARENT)
        db.session.flush()
        if not db.session.scalar(
            sa.select(ParentLink.id).filter_by(pupil_id=pupil.id, parent_id=parent.id)
        ):
            db.session.add(ParentLink(parent=parent, pupil=pupil, relationship=relationship))
        db.session.commit()
        if "teacher" in spec and current_assignment(pupil) is None:
            assign(pupil, staff[spec["teacher"]], staff["lead"], on=pupil.provision_start_date)
        if "teacher" in spec and current_plan(pupil) is None:
            _seed_teaching(
                pupil, staff[spec["teacher"]], serial, today, review=not spec.get("review_overdue")
            )

    _baseline_assessments(staff)
    _reassessments(staff)
    _first_visits()
    _a_concern()
    _parent_answers()
    _an_absence_ahead(today)
    seed_premises(staff["assessor"])
    # Each mark is committed as a teacher's would be; the demo alone writes meanwhile, so
    # what it has loaded stays as it was rather than being read again after every mark.
    session = db.session()
    session.expire_on_commit = False
    try:
        _registers(today)
    finally:
        session.expire_on_commit = True


def _seed_teaching(pupil: Pupil, teacher: User, serial: int, today: date, review: bool) -> None:
    """A plan, a weekly timetable, last week's notes and, unless the review is to be left
    overdue, the first fortnightly review."""
    starts = today - timedelta(days=21)
    plan = write_plan(
        pupil,
        {
            "client_uuid": uuid.uuid4(),
            "aims": "Rebuild routine and confidence, and keep up English and maths.",
            "success_criteria": "Attends every timetabled session for four weeks running.",
            "transition_plan": "Half-day visits to the school on roll from next term.",
            "starts_on": starts,
            "ends_on": starts + timedelta(weeks=26),
        },
        [
            {
                "kind": TargetKind.ACADEMIC,
                "description": "L1 Functional Skills English",
                "baseline": "Entry Level 3",
                "goal": "Pass",
                "measure": "Functional Skills exam",
                "due_on": starts + timedelta(weeks=24),
            },
            {
                "kind": TargetKind.WIDER,
                "description": "Attendance",
                "baseline": "62% at school",
                "goal": "95%",
                "measure": "Sessions attended",
                "due_on": starts + timedelta(weeks=12),
            },
        ],
        teacher,
    )
    for party, who in [(Party.PUPIL, pupil.display_name), (Party.SCHOOL, "Inclusion lead")]:
        record_agreement(plan, party, who, starts, teacher)
    hours_a_day = 5 if serial % 2 else 4
    for weekday in range(5):
        add_slot(
            pupil,
            {
                "weekday": weekday,
                "starts_at": time(9, 30),
                "ends_at": time(9 + hours_a_day, 30),
                "mode": Mode.FACE_TO_FACE if weekday % 2 else Mode.HOME_COMMUNITY,
                "focus": [Focus.ENGLISH, Focus.MATHS, Focus.WELLBEING][weekday % 3],
                "place": "Home" if weekday % 2 else "Central library",
            },
            uuid.uuid4(),
        )
    last_monday = today - timedelta(days=today.weekday() + 7)
    for weekday in (0, 1, 3):
        write_note(
            pupil,
            teacher,
            {
                "held_on": last_monday + timedelta(days=weekday),
                "starts_at": time(9, 30),
                "ends_at": time(9 + hours_a_day, 15),
                "mode": Mode.FACE_TO_FACE,
                "focus": Focus.ENGLISH,
                "place": "Home",
                "planned_minutes": hours_a_day * 60,
                "engagement": 3 + weekday % 2,
                "progress": "Worked through a reading comprehension.",
                "wellbeing": "Settled and talkative.",
                "next_steps": "Practice paper next session.",
            },
            plan.targets[:1],
            uuid.uuid4(),
        )
    if not review:
        return
    held_on = starts + timedelta(days=14)
    hold_review(
        pupil,
        plan,
        {
            "held_on": held_on,
            "participants": ["pupil", "parent"],
            "timetable_changes": "No changes",
            "next_review_on": held_on + timedelta(days=14),
        },
        [{"target_id": target.id, "progress": Progress.SOME} for target in plan.targets],
        delivery_between(pupil, starts, held_on),
        teacher,
        uuid.uuid4(),
    )


INTERESTS = ["Football and drawing", "Animals; patient with younger children", "Music, gaming"]


def _baseline_assessments(staff: dict[str, User]) -> None:
    """Each taught pupil's first assessment, a week into the provision, unless they have one."""
    for serial, spec in enumerate(PUPILS, start=1):
        if "teacher" not in spec:
            continue
        pupil = db.session.scalar(sa.select(Pupil).where(Pupil.case_number == spec["case_number"]))
        assessed = sa.select(Assessment.id).where(Assessment.pupil_id == pupil.id).limit(1)
        if db.session.scalar(assessed) is None:
            create_assessment(pupil, staff[spec["teacher"]], _demo_assessment(serial, pupil))


def _reassessments(staff: dict[str, User]) -> None:
    """Every other taught pupil assessed again five weeks in, their scores up: the progress
    the impact page counts."""
    for serial, spec in enumerate(PUPILS, start=1):
        if "teacher" not in spec or serial % 2 == 0:
            continue
        pupil = db.session.scalar(sa.select(Pupil).where(Pupil.case_number == spec["case_number"]))
        made = sa.select(sa.func.count(Assessment.id)).where(Assessment.pupil_id == pupil.id)
        if db.session.scalar(made) == 1:
            first = _demo_assessment(serial, pupil)
            later = first | {
                "assessed_on": pupil.provision_start_date + timedelta(weeks=5),
                "literacy_score": first["literacy_score"] + 8,
            }
            create_assessment(pupil, staff[spec["teacher"]], later)


def _demo_assessment(serial: int, pupil: Pupil) -> dict:
    return {
        "assessed_on": pupil.provision_start_date + timedelta(weeks=1),
        "literacy_level": [WorkingLevel.KS1, WorkingLevel.KS2, WorkingLevel.KS3][serial % 3],
        "literacy_score": 30 + 4 * serial,
        "numeracy_level": [WorkingLevel.ENTRY_2, WorkingLevel.ENTRY_3][serial % 2],
        "numeracy_score": 25 + 5 * serial if serial % 2 else None,
        "reading_age_years": 7 + serial % 4,
        "reading_age_months": serial % 12,
        "wellbeing": 1 + serial % 3,
        "resilience": 2 + serial % 2,
        "confidence": 1 + (serial + 1) % 3,
        "anxiety": 3 + serial % 3,
        "barriers": list(pupil.reasons),
        "barrier_other": pupil.reason_other,
        "interests_and_strengths": INTERESTS[serial % len(INTERESTS)],
        "focus_areas": [
            FocusArea.WELLBEING.value,
            FocusArea.ENGLISH.value,
            FocusArea.MATHS.value,
        ],
    }


# A completed first home visit for two pupils: (case number, address, what was said).
FIRST_VISITS = [
    ("AP-0001", "22 Alder Road, Northside, NS1 7JD",
     "Lost his routine since the exclusion; no quiet space to study",
     "I want to do motor mechanics", "Wants him kept busy and away from older lads"),
    ("AP-0006", "5 Quarry Close, Southside, NS3 2LP",
     "Anxious about returning; sleeps late",
     "School was too loud", "Hopes for a part-time timetable first"),
]  # fmt: skip


def _first_visits() -> None:
    for case_number, address, concerns, child_voice, parent_voice in FIRST_VISITS:
        pupil = db.session.scalar(sa.select(Pupil).where(Pupil.case_number == case_number))
        if db.session.scalar(sa.select(HomeVisit.id).where(HomeVisit.pupil_id == pupil.id)):
            continue
        starts_on = pupil.provision_start_date
        create_visit(
            pupil,
            current_assignment(pupil).teacher,
            {
                "starts_at": at_london(starts_on, time(10, 0)),
                "status": VisitStatus.COMPLETED,
                "place": VisitPlace.HOME,
                "address": address,
                "purpose": VisitPurpose.FIRST_VISIT,
                "present": [Present.PUPIL.value, Present.PARENTS_CARERS.value],
                "concerns": concerns,
                "child_voice": child_voice,
                "parent_voice": parent_voice,
                "next_visit_on": starts_on + timedelta(weeks=2),
            },
        )


def _a_concern() -> None:
    """A concern from the first visit to AP-0001, for the DSL's page: not yet seen."""
    pupil = db.session.scalar(sa.select(Pupil).where(Pupil.case_number == "AP-0001"))
    if db.session.scalar(sa.select(Concern.id).where(Concern.pupil_id == pupil.id)):
        return
    visit = db.session.scalar(sa.select(HomeVisit).where(HomeVisit.pupil_id == pupil.id))
    values = {
        "immediate_danger": False,
        "categories": [Category.CCE.value],
        "category_other": None,
        "happened_on": visit.starts_at.astimezone(LONDON).date(),
        "happened_time": time(10, 30),
        "place": "The family home",
        "what_happened": "Two new phones on the table; older boys waiting outside in a car.",
        "child_words": "They just give me lifts, it's nothing",
        "others_present": "His mother",
        "action_taken": "Listened, did not press him, phoned the DSL from the car.",
        "body_marks": [],
    }
    links = {"visit_id": visit.id, "note_id": None}
    record_concern(pupil, visit.teacher, uuid.uuid4(), values, links)


# Parents' answers about last week's sessions (Monday, Tuesday, Thursday), by case number;
# a session left out is still waiting for an answer.
PARENT_ANSWERS = {
    "AP-0001": [(0, Answer.CONFIRMED, ""), (1, Answer.CONFIRMED, "")],
    "AP-0003": [
        (0, Answer.CONFIRMED, ""),
        (3, Answer.DISPUTED, "Kacper had the dentist that morning. The session was only an hour."),
    ],
    "AP-0006": [(0, Answer.CONFIRMED, ""), (1, Answer.CONFIRMED, ""), (3, Answer.CONFIRMED, "")],
}


def _parent_answers() -> None:
    for case_number, answers in PARENT_ANSWERS.items():
        pupil = db.session.scalar(sa.select(Pupil).where(Pupil.case_number == case_number))
        parent = db.session.scalar(
            sa.select(User)
            .join(ParentLink, ParentLink.parent_id == User.id)
            .where(ParentLink.pupil_id == pupil.id)
            .order_by(ParentLink.id)
            .limit(1)
        )
        notes = {note.held_on.weekday(): note for note in reversed(notes_of(pupil))}
        for weekday, answer, comment in answers:
            note = notes.get(weekday)
            if note is not None and answer_for(note) is None:
                confirm_session(note, parent, answer, comment, uuid.uuid4())


def _an_absence_ahead(today: date) -> None:
    """Jayden's parent has told the teacher that Jayden will be away all of the next school
    day."""
    pupil = db.session.scalar(sa.select(Pupil).where(Pupil.case_number == "AP-0001"))
    parent = db.session.scalar(
        sa.select(User)
        .join(ParentLink, ParentLink.parent_id == User.id)
        .where(ParentLink.pupil_id == pupil.id)
    )
    day = next_school_day(today)
    span = (day, RegisterSession.AM, day, RegisterSession.PM)
    report_absence(
        pupil, parent, span, AbsenceReason.ILL, "A temperature since last night", uuid.uuid4()
    )


REGISTER_WEEKS = 6
# Most sessions are present; each taught pupil has a few marks of their own, by case number.
# Zara has missed more than 15 days, and was absent last session (and today, on a school
# day) with the reason not yet known.
OFTEN_ABSENT = "AP-0010"
AWAY_PATTERN = ["I", "N", "O", "I", "M", "C2", "O", "I"]
OCCASIONAL = {3: "L", 7: "M", 11: "B", 16: "I", 23: "O", 29: "L"}


def _registers(today: date) -> None:
    """Six weeks of AM and PM registers for every taught pupil, up to yesterday."""
    for spec in PUPILS:
        if "teacher" not in spec:
            continue
        pupil = db.session.scalar(sa.select(Pupil).where(Pupil.case_number == spec["case_number"]))
        if db.session.scalar(
            sa.select(AttendanceMark.id).where(AttendanceMark.pupil_id == pupil.id)
        ):
            continue
        teacher = current_assignment(pupil).teacher
        first = max(pupil.provision_start_date, today - timedelta(weeks=REGISTER_WEEKS))
        days = [first + timedelta(days=n) for n in range((today - first).days)]
        sessions = [
            (day, session)
            for day in days
            if day.weekday() < 5
            for session in (RegisterSession.AM, RegisterSession.PM)
        ]
        often_absent = spec["case_number"] == OFTEN_ABSENT
        for number, (day, session) in enumerate(sessions):
            last = number == len(sessions) - 1
            code = (
                "N" if often_absent and last else _demo_code(spec["case_number"], number, session)
            )
            late = 10 if code == "L" else None
            values = MarkValues(day, session, code, late, None, _marked_at(day, session))
            record_mark(pupil, values, teacher, None, uuid.uuid4())
        if often_absent and today.weekday() < 5:
            am = RegisterSession.AM
            values = MarkValues(today, am, "N", None, None, _marked_at(today, am))
            record_mark(pupil, values, teacher, None, uuid.uuid4())


def _marked_at(day: date, session: RegisterSession) -> datetime:
    """Ten past the start of the session, as a teacher at the door would mark it, or now."""
    start = time(9, 10) if session == RegisterSession.AM else time(13, 10)
    return min(datetime.combine(day, start, LONDON).astimezone(UTC), utcnow())


def _demo_code(case_number: str, number: int, session: RegisterSession) -> str:
    present = "/" if session == RegisterSession.AM else "\\"
    if case_number == OFTEN_ABSENT:
        return AWAY_PATTERN[number % len(AWAY_PATTERN)] if number % 5 else present
    offset = int(case_number[-2:]) * 2
    return OCCASIONAL.get((number + offset) % 32, present)


demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Only seed a database that has no users yet.")
@click.option("--force", is_flag=True, help="Seed even outside development.")
def seed_command(if_empty: bool, force: bool) -> None:
    """Create the demo programme (idempotent)."""
    if not (current_app.config["DEMO_DATA_ALLOWED"] or force):
        raise click.ClickException(
            "Demo accounts share a published password, so they are only added in development "
            "(AP_FIELD_ENV=development). Add --force to seed this database anyway."
        )
    if if_empty and db.session.scalar(sa.select(User.id).limit(1)) is not None:
        click.echo("The database already has users: demo data not added.")
        return
    seed_demo()
    click.echo(f"Demo programme ready. Every demo account's password is {DEMO_PASSWORD}")


@demo_cli.command("scale")
@click.argument("count", required=False, type=click.IntRange(min=1))
@click.option("--pupils", type=click.IntRange(min=1), help="The number of pupils, as COUNT.")
@click.option("--force", is_flag=True, help="Build even outside development.")
def scale_command(count: int | None, pupils: int | None, force: bool) -> None:
    """Build a large programme of COUNT pupils (1,000 unless told) with a year of records
    into an empty database, to measure: `flask demo scale 10000`."""
    if count and pupils and count != pupils:
        raise click.UsageError(f"COUNT says {count:,} pupils and --pupils {pupils:,}: say one.")
    pupils = count or pupils or 1_000
    if not (current_app.config["DEMO_DATA_ALLOWED"] or force):
        raise click.ClickException(
            "Demo accounts share a published password: add --force outside development."
        )
    if db.session.scalar(sa.select(User.id).limit(1)) is not None:
        raise click.ClickException("The database already has users: build into an empty one.")
    counts = build_scale(pupils, DEMO_PASSWORD, click.echo)
    click.echo(", ".join(f"{rows:,} {table}" for table, rows in counts.items()))
