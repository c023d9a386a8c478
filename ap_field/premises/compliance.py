"""Whether a provider may be commissioned, computed from plain facts and explained.

Pure: no database and no clock; the caller gathers the facts. Each flag names the rule it
comes from and the figure that triggered it, so a lead can check it against the provider's
own papers.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from ap_field.premises.models import ActionRisk, PolicyKind

# Commissioning guidance, section 1: the DfE treats more than 18 hours a week as full-time.
FULL_TIME_MORE_THAN_HOURS = Decimal(18)
# Commissioning guidance, section 1: five or more full-time pupils of compulsory school age.
REGISTRATION_PUPILS = 5
# Commissioning guidance, Appendix 1: recommended levels of insurance cover.
MIN_PUBLIC_LIABILITY = 5_000_000
MIN_EMPLOYERS_LIABILITY = 10_000_000
MIN_PROFESSIONAL_INDEMNITY = 2_500_000  # where professional services are provided
# Keeping children safe in education 2024, Annex C: DSL training at least every two years.
DSL_TRAINING_YEARS = 2
# Commissioning guidance: the LA aims to visit every provider each year.
SITE_CHECK_MONTHS = 12
# How far ahead a check falling due is shown and reminded of.
SITE_CHECK_DUE_AHEAD = timedelta(days=30)

REGISTRATION = "DfE registration"
INSURANCE = "Insurance"
SAFEGUARDING = "Safeguarding"
SITE_CHECK = "Site check"
SITE_ACTIONS = "Site check actions"


@dataclass(frozen=True)
class Flag:
    rule: str
    message: str
    figure: str
    do_not_commission: bool = False
    details: tuple[str, ...] = ()  # the figure pupil by pupil, no names


@dataclass(frozen=True)
class Placement:
    """One pupil taught at the provider, as the registration rule sees them (no name).

    `hours_per_week` are the pupil's hours at this provider, from the timetable slots it
    teaches; `timetabled_hours` their whole week's, at every provider and with the community
    teacher. A pupil placed by another school has only the hours the lead entered (None)."""

    hours_per_week: Decimal | None
    compulsory_school_age: bool = True
    looked_after: bool = False
    ehc_plan: bool = False
    timetabled_hours: Decimal | None = None

    @property
    def full_time(self) -> bool:
        return (
            self.compulsory_school_age
            and self.hours_per_week is not None
            and self.hours_per_week > FULL_TIME_MORE_THAN_HOURS
        )

    @property
    def hours_here(self) -> str:
        """For example: 12 hours a week here (of 25 in their timetable)."""
        here = f"{hours_text(self.hours_per_week)} hours a week here"
        if self.timetabled_hours is None:
            return here
        return f"{here} (of {hours_text(self.timetabled_hours)} in their timetable)"

    @property
    def kinds(self) -> str:
        """What besides the hours the rule counts: ", looked-after, EHC plan" or nothing."""
        kinds = [("looked-after", self.looked_after), ("EHC plan", self.ehc_plan)]
        return "".join(f", {kind}" for kind, held in kinds if held)


@dataclass(frozen=True)
class Policy:
    kind: PolicyKind
    cover_amount: int
    expires_on: date


@dataclass(frozen=True)
class OverdueAction:
    """A site check's action not done by its due date."""

    risk: ActionRisk
    due_on: date
    description: str


@dataclass(frozen=True)
class ProviderFacts:
    needs_no_registration: bool
    placements: list[Placement] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)
    provides_professional_services: bool = False
    dsl_name: str | None = None
    dsl_trained_on: date | None = None
    deputy_dsl_name: str | None = None
    deputy_dsl_trained_on: date | None = None
    single_central_record_checked_on: date | None = None
    last_site_check_on: date | None = None
    # When the latest check set the next one for: a year on, or sooner for a re-visit.
    next_site_check_due_on: date | None = None
    overdue_actions: tuple[OverdueAction, ...] = ()


def pounds(amount: int) -> str:
    return f"£{amount:,}"


def hours_text(hours: Decimal | None) -> str:
    """Hours to two places at most, without trailing zeros: 20, 22.5, 18.08."""
    if hours is None:
        return "unknown"
    return f"{hours.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")


def pupil_letter(number: int) -> str:
    """A, B, ... Z, AA, AB: how the registration flag tells pupils apart without names."""
    letters = ""
    number += 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 29th of February becomes the 28th."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    try:
        return day.replace(year=year, month=month)
    except ValueError:
        return day.replace(year=year, month=month, day=28)


def registration_flags(facts: ProviderFacts) -> list[Flag]:
    if facts.needs_no_registration:
        return []
    full_time = [placement for placement in facts.placements if placement.full_time]
    looked_after = sum(placement.looked_after for placement in full_time)
    ehc_plans = sum(placement.ehc_plan for placement in full_time)
    reasons = []
    if len(full_time) >= REGISTRATION_PUPILS:
        reasons.append(
            f"{len(full_time)} pupils of compulsory school age in full-time education "
            f"(more than {FULL_TIME_MORE_THAN_HOURS} hours a week); "
            f"{REGISTRATION_PUPILS} or more must be taught by a registered school"
        )
    if looked_after:
        reasons.append(
            f"{looked_after} looked-after pupil{'s' if looked_after > 1 else ''} full-time"
        )
    if ehc_plans:
        reasons.append(
            f"{ehc_plans} pupil{'s' if ehc_plans > 1 else ''} with an EHC plan full-time"
        )
    if not reasons:
        return []
    return [
        Flag(
            REGISTRATION,
            "Must be registered as an independent school and is not: do not commission",
            "; ".join(reasons),
            do_not_commission=True,
            details=tuple(
                f"Pupil {pupil_letter(number)}: {placement.hours_here}{placement.kinds}"
                for number, placement in enumerate(full_time)
            ),
        )
    ]


def _insurance_minimums(facts: ProviderFacts) -> dict[PolicyKind, int]:
    minimums = {
        PolicyKind.PUBLIC_LIABILITY: MIN_PUBLIC_LIABILITY,
        PolicyKind.EMPLOYERS_LIABILITY: MIN_EMPLOYERS_LIABILITY,
    }
    if facts.provides_professional_services:
        minimums[PolicyKind.PROFESSIONAL_INDEMNITY] = MIN_PROFESSIONAL_INDEMNITY
    return minimums


def insurance_flags(facts: ProviderFacts, today: date) -> list[Flag]:
    flags = []
    minimums = _insurance_minimums(facts)
    for kind in PolicyKind:
        label = kind.label
        held = [policy for policy in facts.policies if policy.kind == kind]
        current = [policy for policy in held if policy.expires_on >= today]
        if held and not current:
            last = max(policy.expires_on for policy in held)
            flags.append(
                Flag(INSURANCE, f"{label} insurance has expired", f"expired {last:%d/%m/%Y}")
            )
        elif kind in minimums and not held:
            flags.append(
                Flag(
                    INSURANCE,
                    f"No {label.lower()} insurance recorded",
                    f"recommended at least {pounds(minimums[kind])}",
                )
            )
        elif kind in minimums:
            cover = max(policy.cover_amount for policy in current)
            if cover < minimums[kind]:
                flags.append(
                    Flag(
                        INSURANCE,
                        f"{label} cover is below the recommended minimum",
                        f"{pounds(cover)}, below {pounds(minimums[kind])}",
                    )
                )
    return flags


def _training_flag(role: str, trained_on: date | None, today: date) -> Flag | None:
    if trained_on is None:
        return Flag(SAFEGUARDING, f"No training date for the {role}", "training not recorded")
    if add_months(trained_on, 12 * DSL_TRAINING_YEARS) < today:
        return Flag(
            SAFEGUARDING,
            f"The {role}'s training is more than {DSL_TRAINING_YEARS} years old",
            f"trained {trained_on:%d/%m/%Y}",
        )
    return None


def safeguarding_flags(facts: ProviderFacts, today: date) -> list[Flag]:
    flags = []
    for role, name, trained_on in (
        ("designated safeguarding lead", facts.dsl_name, facts.dsl_trained_on),
        ("deputy safeguarding lead", facts.deputy_dsl_name, facts.deputy_dsl_trained_on),
    ):
        if not name:
            flags.append(Flag(SAFEGUARDING, f"No {role}", f"{role} not recorded"))
        elif flag := _training_flag(role, trained_on, today):
            flags.append(flag)
    if facts.single_central_record_checked_on is None:
        flags.append(
            Flag(
                SAFEGUARDING,
                "The single central record of staff checks has not been checked",
                "no date recorded",
            )
        )
    return flags


def site_check_flags(facts: ProviderFacts, today: date) -> list[Flag]:
    last = facts.last_site_check_on
    if last is None:
        return [Flag(SITE_CHECK, "No site check in the last 12 months", "never checked")]
    yearly = add_months(last, SITE_CHECK_MONTHS)
    due = facts.next_site_check_due_on or yearly
    if due < yearly and due < today:
        return [
            Flag(
                SITE_CHECK,
                "The re-visit for high-risk actions is overdue",
                f"due {due:%d/%m/%Y}, last signed off {last:%d/%m/%Y}",
            )
        ]
    if yearly < today:
        return [
            Flag(
                SITE_CHECK,
                "No site check in the last 12 months",
                f"last signed off {last:%d/%m/%Y}",
            )
        ]
    return []


def action_flags(facts: ProviderFacts) -> list[Flag]:
    """An overdue high-risk action stops new placements; any other overdue one is a warning."""
    return [
        Flag(
            SITE_ACTIONS,
            f"A {action.risk.label.lower()}-risk action from a site check is overdue",
            f"due {action.due_on:%d/%m/%Y}: {action.description}",
            do_not_commission=action.risk == ActionRisk.HIGH,
        )
        for action in sorted(facts.overdue_actions, key=lambda action: action.due_on)
    ]


def compliance_flags(facts: ProviderFacts, today: date) -> list[Flag]:
    """Every flag for the provider, the ones that stop a commission first."""
    flags = [
        *registration_flags(facts),
        *insurance_flags(facts, today),
        *safeguarding_flags(facts, today),
        *site_check_flags(facts, today),
        *action_flags(facts),
    ]
    return sorted(flags, key=lambda flag: not flag.do_not_commission)
