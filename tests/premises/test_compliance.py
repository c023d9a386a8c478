"""The compliance rules of the commissioning guidance, case by case (DOMAIN.md, "Provider
premises and compliance")."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from ap_field.premises.compliance import (
    INSURANCE,
    MIN_EMPLOYERS_LIABILITY,
    MIN_PROFESSIONAL_INDEMNITY,
    MIN_PUBLIC_LIABILITY,
    REGISTRATION,
    SAFEGUARDING,
    SITE_CHECK,
    Placement,
    Policy,
    ProviderFacts,
    compliance_flags,
    insurance_flags,
    registration_flags,
    safeguarding_flags,
    site_check_flags,
)
from ap_field.premises.models import PolicyKind

TODAY = date(2026, 11, 22)
NEXT_YEAR = TODAY + timedelta(days=365)


def full_time(count: int, hours: str = "25", **kinds) -> list[Placement]:
    return [Placement(Decimal(hours), **kinds) for _ in range(count)]


def unregistered(placements: list[Placement]) -> ProviderFacts:
    return ProviderFacts(needs_no_registration=False, placements=placements)


def test_four_full_time_pupils_need_no_registration():
    assert registration_flags(unregistered(full_time(4))) == []


def test_five_full_time_pupils_need_registration_and_stop_a_commission():
    [flag] = registration_flags(unregistered(full_time(5)))
    assert flag.rule == REGISTRATION
    assert flag.do_not_commission
    assert "do not commission" in flag.message
    assert flag.figure.startswith("5 pupils of compulsory school age in full-time education")


def test_a_registered_school_or_a_pupil_referral_unit_is_never_flagged():
    registered = ProviderFacts(needs_no_registration=True, placements=full_time(12))
    assert registration_flags(registered) == []


@pytest.mark.parametrize(("hours", "flagged"), [("18", False), ("18.5", True), ("19", True)])
def test_more_than_18_hours_a_week_is_full_time(hours, flagged):
    flags = registration_flags(unregistered(full_time(5, hours)))
    assert bool(flags) is flagged


def test_one_looked_after_pupil_full_time_needs_registration():
    [flag] = registration_flags(unregistered(full_time(1, looked_after=True)))
    assert flag.do_not_commission
    assert flag.figure == "1 looked-after pupil full-time"


def test_one_pupil_with_an_ehc_plan_full_time_needs_registration():
    [flag] = registration_flags(unregistered(full_time(1, ehc_plan=True)))
    assert flag.figure == "1 pupil with an EHC plan full-time"


def test_a_looked_after_pupil_part_time_needs_no_registration():
    assert registration_flags(unregistered(full_time(1, "18", looked_after=True))) == []


def test_pupils_not_of_compulsory_school_age_are_not_counted():
    older = full_time(5, compulsory_school_age=False)
    assert registration_flags(unregistered(older)) == []


def test_pupils_with_unknown_hours_are_not_counted_as_full_time():
    assert registration_flags(unregistered([Placement(None)] * 5)) == []


def insured(*policies: Policy, professional: bool = False) -> ProviderFacts:
    return ProviderFacts(
        needs_no_registration=True,
        policies=list(policies),
        provides_professional_services=professional,
    )


FULL_COVER = [
    Policy(PolicyKind.PUBLIC_LIABILITY, MIN_PUBLIC_LIABILITY, NEXT_YEAR),
    Policy(PolicyKind.EMPLOYERS_LIABILITY, MIN_EMPLOYERS_LIABILITY, NEXT_YEAR),
    Policy(PolicyKind.PROFESSIONAL_INDEMNITY, MIN_PROFESSIONAL_INDEMNITY, NEXT_YEAR),
]


def test_insurance_at_each_minimum_is_enough():
    assert insurance_flags(insured(*FULL_COVER, professional=True), TODAY) == []


@pytest.mark.parametrize(
    ("kind", "minimum", "label"),
    [
        (PolicyKind.PUBLIC_LIABILITY, 5_000_000, "Public liability"),
        (PolicyKind.EMPLOYERS_LIABILITY, 10_000_000, "Employer's liability"),
        (PolicyKind.PROFESSIONAL_INDEMNITY, 2_500_000, "Professional indemnity"),
    ],
)
def test_insurance_a_pound_under_a_minimum_is_flagged(kind, minimum, label):
    policies = [
        Policy(policy.kind, minimum - 1, NEXT_YEAR) if policy.kind == kind else policy
        for policy in FULL_COVER
    ]
    [flag] = insurance_flags(insured(*policies, professional=True), TODAY)
    assert flag.rule == INSURANCE
    assert flag.message == f"{label} cover is below the recommended minimum"
    assert flag.figure == f"£{minimum - 1:,}, below £{minimum:,}"
    assert not flag.do_not_commission


def test_professional_indemnity_is_needed_only_for_professional_services():
    without = FULL_COVER[:2]
    assert insurance_flags(insured(*without, professional=False), TODAY) == []
    [flag] = insurance_flags(insured(*without, professional=True), TODAY)
    assert flag.message == "No professional indemnity insurance recorded"


def test_an_expired_policy_is_flagged_and_one_expiring_today_is_not():
    yesterday, today = TODAY - timedelta(days=1), TODAY
    expired = [
        Policy(PolicyKind.PUBLIC_LIABILITY, MIN_PUBLIC_LIABILITY, yesterday),
        *FULL_COVER[1:2],
    ]
    [flag] = insurance_flags(insured(*expired), TODAY)
    assert flag.message == "Public liability insurance has expired"
    assert flag.figure == f"expired {yesterday:%d/%m/%Y}"
    current = [Policy(PolicyKind.PUBLIC_LIABILITY, MIN_PUBLIC_LIABILITY, today), *FULL_COVER[1:2]]
    assert insurance_flags(insured(*current), TODAY) == []


def test_an_expired_motor_policy_is_flagged_though_it_has_no_minimum():
    motor = Policy(PolicyKind.MOTOR, 1_000_000, TODAY - timedelta(days=30))
    [flag] = insurance_flags(insured(*FULL_COVER[:2], motor), TODAY)
    assert flag.message == "Motor vehicle insurance has expired"


def test_a_renewed_policy_replaces_an_expired_one():
    old = Policy(PolicyKind.PUBLIC_LIABILITY, MIN_PUBLIC_LIABILITY, TODAY - timedelta(days=400))
    assert insurance_flags(insured(old, *FULL_COVER[:2]), TODAY) == []


def test_missing_insurance_is_flagged():
    messages = [flag.message for flag in insurance_flags(insured(), TODAY)]
    assert messages == [
        "No public liability insurance recorded",
        "No employer's liability insurance recorded",
    ]


def safeguarded(**facts) -> ProviderFacts:
    return ProviderFacts(
        needs_no_registration=True,
        **{
            "dsl_name": "Ann Lee",
            "dsl_trained_on": TODAY - timedelta(days=100),
            "deputy_dsl_name": "Raj Shah",
            "deputy_dsl_trained_on": TODAY - timedelta(days=100),
            "single_central_record_checked_on": TODAY - timedelta(days=30),
        }
        | facts,
    )


def test_a_lead_and_deputy_with_recent_training_and_a_checked_record_raise_nothing():
    assert safeguarding_flags(safeguarded(), TODAY) == []


def test_no_safeguarding_lead_or_deputy_is_flagged():
    flags = safeguarding_flags(safeguarded(dsl_name=None, deputy_dsl_name=""), TODAY)
    assert [(flag.rule, flag.message) for flag in flags] == [
        (SAFEGUARDING, "No designated safeguarding lead"),
        (SAFEGUARDING, "No deputy safeguarding lead"),
    ]


def test_training_older_than_two_years_or_unrecorded_is_flagged():
    stale = safeguarded(dsl_trained_on=date(2024, 11, 21), deputy_dsl_trained_on=None)
    assert [flag.message for flag in safeguarding_flags(stale, TODAY)] == [
        "The designated safeguarding lead's training is more than 2 years old",
        "No training date for the deputy safeguarding lead",
    ]
    assert safeguarding_flags(safeguarded(dsl_trained_on=date(2024, 11, 22)), TODAY) == []


def test_an_unchecked_single_central_record_is_flagged():
    [flag] = safeguarding_flags(safeguarded(single_central_record_checked_on=None), TODAY)
    assert "single central record" in flag.message


@pytest.mark.parametrize(
    ("last", "figure"),
    [(None, "never checked"), (date(2025, 11, 21), "last signed off 21/11/2025")],
)
def test_no_site_check_in_the_last_12_months_is_flagged(last, figure):
    facts = ProviderFacts(needs_no_registration=True, last_site_check_on=last)
    [flag] = site_check_flags(facts, TODAY)
    assert (flag.rule, flag.message, flag.figure) == (
        SITE_CHECK,
        "No site check in the last 12 months",
        figure,
    )


def test_a_site_check_exactly_12_months_ago_is_still_in_date():
    facts = ProviderFacts(needs_no_registration=True, last_site_check_on=date(2025, 11, 22))
    assert site_check_flags(facts, TODAY) == []


def test_all_flags_come_together_with_the_stopping_one_first():
    facts = ProviderFacts(needs_no_registration=False, placements=full_time(5))
    flags = compliance_flags(facts, TODAY)
    assert flags[0].do_not_commission
    assert {flag.rule for flag in flags} == {REGISTRATION, INSURANCE, SAFEGUARDING, SITE_CHECK}
