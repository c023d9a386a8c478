"""Demo premises for `flask demo seed`: the demo providers' compliance facts and insurance,
a signed-off check with a photo, an overdue provider and a check in progress.

Riverside Motor Skills teaches four pupils from other schools full-time besides Jayden, who
spends four days of his timetable there (20 of his 25 hours), so it should be registered and is
not: the lead sees "do not commission". Leah has two mornings at Northside and Ethan three days
at Hillcrest, each counted there by those hours alone. Hillcrest's employer's liability has
expired and its last check was 14 months ago. Northside is in order.
"""

import io
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa
from PIL import Image, ImageDraw

from ap_field.auth.models import User
from ap_field.common.time import LONDON, london_today
from ap_field.extensions import db
from ap_field.photos.images import clean_photo
from ap_field.photos.services import keep_photo
from ap_field.plans.models import TimetableSlot
from ap_field.plans.services import SLOT_FIELDS, change_slot
from ap_field.premises.compliance import add_months
from ap_field.premises.models import (
    ActionRisk,
    ActionStatus,
    Answer,
    CheckAnswer,
    CheckOutcome,
    CheckSignature,
    CheckStatus,
    CheckTemplate,
    HigherRisk,
    InsurancePolicy,
    PolicyKind,
    Provider,
    Signer,
    SiteCheck,
)
from ap_field.premises.services import (
    actions_from_answers,
    answer_item,
    standard_templates,
    start_check,
)
from ap_field.premises.standard_templates import APPENDIX_1, HEALTH_AND_SAFETY
from ap_field.pupils.models import Pupil

NORTHSIDE = "Northside Pupil Referral Unit"
RIVERSIDE = "Riverside Motor Skills"
HILLCREST = "Hillcrest Independent School"

PL, EL, PI, MOTOR = (
    PolicyKind.PUBLIC_LIABILITY,
    PolicyKind.EMPLOYERS_LIABILITY,
    PolicyKind.PROFESSIONAL_INDEMNITY,
    PolicyKind.MOTOR,
)

# Per provider: its facts, then its policies as (kind, cover, days from today to expiry).
FACTS = {
    NORTHSIDE: (
        dict(on_framework=True, ofsted_report_on=date(2025, 3, 12), dsl_name="Helen Marsh",
             dsl_trained_days=200, deputy_dsl_name="Owen Price", deputy_dsl_trained_days=320,
             single_central_record_checked_days=40, provides_professional_services=True),
        [(PL, 10_000_000, 200), (EL, 10_000_000, 200), (PI, 2_500_000, 200)],
    ),
    RIVERSIDE: (
        dict(dsl_name="Dean Carter", dsl_trained_days=500, single_central_record_checked_days=90,
             other_pupils=4, other_looked_after=0, other_ehc_plans=0,
             other_hours_per_week=Decimal("22.5")),
        [(PL, 2_000_000, 120), (EL, 10_000_000, 120), (MOTOR, 1_000_000, 60)],
    ),
    HILLCREST: (
        dict(on_framework=True, ofsted_report_on=date(2024, 6, 4), dsl_name="Priya Nair",
             dsl_trained_days=150, deputy_dsl_name="Tom Hughes", deputy_dsl_trained_days=150,
             single_central_record_checked_days=400),
        [(PL, 5_000_000, 90), (EL, 10_000_000, -20)],
    ),
}  # fmt: skip

# The demo pupils' timetabled days (Monday is 0) that a provider teaches, by case number.
TAUGHT_THERE = {
    "AP-0001": (RIVERSIDE, (0, 1, 2, 3)),
    "AP-0006": (NORTHSIDE, (1, 3)),
    "AP-0009": (HILLCREST, (0, 2, 4)),
}


def fire_exit_photo() -> bytes:
    """A drawn picture of a fire exit sign, so the demo report has a thumbnail."""
    image = Image.new("RGB", (800, 600), (34, 139, 34))
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 180, 680, 420), fill=(255, 255, 255))
    draw.text((300, 280), "FIRE EXIT", fill=(34, 139, 34))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def signature_png(points: list[tuple[int, int]]) -> bytes:
    """A drawn signature for the demo's signed-off checks, as a signature pad keeps it."""
    image = Image.new("RGB", (600, 200), "white")
    ImageDraw.Draw(image).line(points, fill="black", width=3, joint="curve")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _fill_provider(provider: Provider, facts: dict, policies: list, today: date) -> None:
    for name, value in facts.items():
        if name.endswith("_days"):
            setattr(provider, name.replace("_days", "_on"), today - timedelta(days=value))
        else:
            setattr(provider, name, value)
    for kind, cover, days in policies:
        provider.policies.append(
            InsurancePolicy(
                kind=kind,
                insurer="Shire Mutual",
                cover_amount=cover,
                expires_on=today + timedelta(days=days),
            )
        )


def _sessions_at_providers(providers: dict[str, Provider]) -> None:
    """The timetabled sessions each provider teaches (TAUGHT_THERE), moved to it from the
    community teacher through the timetable's own change, once."""
    for case_number, (name, weekdays) in TAUGHT_THERE.items():
        provider = providers[name]
        slots = db.session.scalars(
            sa.select(TimetableSlot)
            .join(Pupil, Pupil.id == TimetableSlot.pupil_id)
            .where(
                Pupil.case_number == case_number,
                TimetableSlot.weekday.in_(weekdays),
                TimetableSlot.provider_id.is_(None),
            )
        ).all()
        for slot in slots:
            values = {field: getattr(slot, field) for field in SLOT_FIELDS}
            place = f"{provider.name}, {provider.sites[0].name}"
            change_slot(slot, values | {"provider_id": provider.id, "place": place}, slot.version)


def _latest(name: str) -> CheckTemplate:
    return db.session.scalar(
        sa.select(CheckTemplate)
        .where(CheckTemplate.name == name)
        .order_by(CheckTemplate.version_number.desc())
        .limit(1)
    )


def _signed_off_check(provider, template, assessor, signed_on: date, outcome, answers) -> None:
    """A check finished in the past, made whole in one insert (sign-off is final). Its
    actions were done since and wait for the competent person to verify them."""
    signed_at = datetime.combine(signed_on, time(15, 30), tzinfo=LONDON)
    check = SiteCheck(
        site=provider.sites[0],
        template=template,
        assessor_id=assessor.id,
        status=CheckStatus.SIGNED_OFF,
        outcome=outcome,
        summary="Premises suitable for the placements commissioned.",
        competence_statement="NEBOSH National General Certificate; 8 years inspecting "
        "education and workshop premises for the council.",
        signed_off_at=signed_at,
        next_due_on=add_months(signed_on, 12),
        created_at=signed_at - timedelta(hours=2),
        answers=answers,
    )
    check.signatures = [
        CheckSignature(
            signer=signer,
            name=name,
            signed_at=signed_at,
            png=signature_png([(40, 150), (140 + shift, 50), (260, 160), (400, 60), (560, 120)]),
        )
        for signer, name, shift in (
            (Signer.COMPETENT_PERSON, assessor.name, 0),
            (Signer.PROVIDER, "Pat Morgan", 60),
        )
    ]
    check.actions = actions_from_answers(
        answers,
        status=ActionStatus.DONE,
        done_note="Renewed certificate sent by email and filed with the provider's papers.",
        done_at=signed_at + timedelta(days=20),
    )
    db.session.add(check)


def _answers(template: CheckTemplate, no_at: int | None, due: date, photo=None) -> list:
    """Yes to every item but the one at `no_at`; the photo goes with the fire precautions."""
    answers = []
    items = [
        item
        for section in template.sections
        if not section.higher_risk_only
        for item in section.items
    ]
    for number, item in enumerate(items):
        if number == no_at:
            answers.append(
                CheckAnswer(
                    item_id=item.id,
                    answer=Answer.NO,
                    comment="Insurance certificate on file has expired.",
                    action_description="Send the renewed employer's liability certificate",
                    action_owner="School business manager",
                    action_risk=ActionRisk.LOW,
                    action_due_on=due,
                )
            )
        else:
            photos = [photo] if photo and item.text == "Fire precautions" else []
            answers.append(CheckAnswer(item_id=item.id, answer=Answer.YES, photos=photos))
    return answers


def seed_premises(assessor: User) -> None:
    """Fill in the demo providers once, then their checks; running it again changes nothing."""
    today = london_today()
    standard_templates()
    providers = {
        provider.name: provider
        for provider in db.session.scalars(sa.select(Provider).where(Provider.name.in_(FACTS)))
    }
    for name, (facts, policies) in FACTS.items():
        if not providers[name].policies:
            _fill_provider(providers[name], facts, policies, today)
    db.session.commit()
    _sessions_at_providers(providers)
    if db.session.scalar(sa.select(SiteCheck.id).limit(1)) is not None:
        return

    health, appendix = _latest(HEALTH_AND_SAFETY), _latest(APPENDIX_1)
    photo = keep_photo(
        clean_photo(fire_exit_photo()), assessor, uuid.uuid4(), "Fire exit, main corridor"
    )
    _signed_off_check(
        providers[NORTHSIDE],
        health,
        assessor,
        today - timedelta(days=90),
        CheckOutcome.SATISFACTORY,
        _answers(health, None, today, photo),
    )
    overdue = today - timedelta(days=425)
    _signed_off_check(
        providers[HILLCREST],
        appendix,
        assessor,
        overdue,
        CheckOutcome.ACTIONS_REQUIRED,
        # Employer's Liability Insurance, in the Insurance section.
        _answers(appendix, 35, overdue + timedelta(days=30)),
    )
    db.session.commit()

    draft = start_check(
        providers[RIVERSIDE].sites[0],
        health,
        assessor,
        HigherRisk.MOTOR_VEHICLE_REPAIR,
        uuid.uuid4(),
    )
    items = draft.items()
    answer_item(draft, items[0], {"answer": Answer.YES, "comment": "Pupils aged 14 to 16 only."})
    answer_item(
        draft,
        items[5],
        {
            "answer": Answer.NO,
            "comment": "Housekeeping: tools and offcuts left on the workshop floor.",
            "action_description": "Clear the floor at the end of each session; mark walkways",
            "action_owner": "Workshop manager",
            "action_owner_email": "workshop@riverside-motor-skills.example.org",
            "action_risk": ActionRisk.MEDIUM,
            "action_due_on": today + timedelta(days=7),
        },
    )
