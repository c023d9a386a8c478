"""`flask demo seed`: a small, realistic programme to try ap-field with."""

from datetime import date, timedelta

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from stdnum.gb import upn

from ap_field.auth.models import Role, User
from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.parents.models import ParentLink
from ap_field.premises.models import Provider, ProviderType
from ap_field.pupils.models import CaseloadAssignment, Pupil, PupilStatus

DEMO_PASSWORD = "field-demo-2026"  # noqa: S105 (published in the README for the demo)
DEMO_LA_NUMBER = 886  # a real LA number, so demo UPNs pass validation

STAFF = [
    ("admin@example.org", "Amira Khan", Role.ADMIN),
    ("lead@example.org", "Lena Brooks", Role.LEAD),
    ("teacher1@example.org", "Tom Okafor", Role.TEACHER),
    ("teacher2@example.org", "Grace Whitfield", Role.TEACHER),
    ("assessor@example.org", "Sam Patel", Role.ASSESSOR),
]

# (case number, legal name, preferred name, date of birth, teacher, parent's name, relationship)
PUPILS = [
    ("AP-0001", "Jayden Clarke", None, date(2011, 3, 14), "teacher1", "Donna Clarke", "Mother"),
    ("AP-0002", "Amelia Rose Hart", "Millie", date(2012, 9, 2), "teacher1", "Paul Hart", "Father"),
    ("AP-0003", "Kacper Nowak", None, date(2010, 11, 23), "teacher1", "Ewa Nowak", "Mother"),
    ("AP-0004", "Tiana Mensah", None, date(2011, 6, 30), "teacher1", "Abena Mensah", "Aunt"),
    ("AP-0005", "Oliver Reid", "Ollie", date(2013, 1, 8), "teacher1", "Karen Reid", "Foster carer"),
    ("AP-0006", "Leah Thompson", None, date(2010, 4, 17), "teacher2", "Mark Thompson", "Father"),
    (
        "AP-0007",
        "Mohammed Hussain",
        "Mo",
        date(2012, 2, 25),
        "teacher2",
        "Nasreen Hussain",
        "Mother",
    ),
    ("AP-0008", "Ruby O'Connor", None, date(2011, 10, 5), "teacher2", "Siobhan O'Connor", "Mother"),
    ("AP-0009", "Ethan Walsh", None, date(2010, 8, 19), "teacher2", "Gary Walsh", "Grandfather"),
    ("AP-0010", "Zara Ahmed", None, date(2012, 12, 1), "teacher2", "Farah Ahmed", "Mother"),
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


def demo_upn(serial: int) -> str:
    """A valid UPN: check letter, LA number, establishment, year, serial."""
    body = f"{DEMO_LA_NUMBER:03d}4001{24:02d}{serial:03d}"
    return upn.validate(upn.calc_check_digit(body) + body)


def _user(email: str, name: str, role: Role) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, role=role)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
    return user


def _pupil(serial: int, case_number: str, legal_name: str, preferred: str | None, born: date):
    pupil = db.session.scalar(sa.select(Pupil).where(Pupil.case_number == case_number))
    if pupil is None:
        pupil = Pupil(
            case_number=case_number,
            legal_name=legal_name,
            preferred_name=preferred,
            date_of_birth=born,
            upn=demo_upn(serial),
            status=PupilStatus.ACTIVE,
        )
        db.session.add(pupil)
    return pupil


def seed_demo() -> None:
    """Create whatever part of the demo programme is missing; running it again changes nothing."""
    staff = {email.split("@")[0]: _user(email, name, role) for email, name, role in STAFF}
    db.session.flush()
    term_start = london_today() - timedelta(weeks=6)
    for serial, (case, legal, preferred, born, teacher, parent_name, relation) in enumerate(
        PUPILS, start=1
    ):
        pupil = _pupil(serial, case, legal, preferred, born)
        parent = _user(f"parent{serial}@example.org", parent_name, Role.PARENT)
        db.session.flush()
        if not db.session.scalar(sa.select(CaseloadAssignment.id).filter_by(pupil_id=pupil.id)):
            db.session.add(
                CaseloadAssignment(
                    pupil=pupil,
                    teacher=staff[teacher],
                    assigned_by_id=staff["lead"].id,
                    started_on=term_start,
                )
            )
        if not db.session.scalar(
            sa.select(ParentLink.id).filter_by(pupil_id=pupil.id, parent_id=parent.id)
        ):
            db.session.add(ParentLink(parent=parent, pupil=pupil, relationship=relation))
    for name, provider_type, urn, address in PROVIDERS:
        if not db.session.scalar(sa.select(Provider.id).where(Provider.name == name)):
            db.session.add(
                Provider(name=name, provider_type=provider_type, urn=urn, address=address)
            )
    db.session.commit()


demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Only seed a database that has no users yet.")
def seed_command(if_empty: bool) -> None:
    """Create the demo programme (idempotent)."""
    if if_empty and db.session.scalar(sa.select(User.id).limit(1)) is not None:
        click.echo("The database already has users: demo data not added.")
        return
    seed_demo()
    click.echo(f"Demo programme ready. Every demo account's password is {DEMO_PASSWORD}")
