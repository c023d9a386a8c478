"""Providers as leads and admins keep them, and the compliance flags on their list."""

import uuid
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from ap_field.auth.models import Role
from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.premises.models import InsurancePolicy, PolicyKind, Provider, ProviderType
from ap_field.pupils.models import SendStatus
from tests.helpers import text_of
from tests.premises.helpers import answer_everything, make_check, make_provider
from tests.premises.test_registration_per_provider import timetabled


def flags_on_list(client_request) -> dict[str, list[str]]:
    page = client_request.get("/providers")
    return {
        text_of(card, ".app-card__title"): [
            " ".join(flag.get_text().split()) for flag in card.select(".app-flag")
        ]
        for card in page.select(".app-card")
    }


def provider_form(**overrides) -> dict:
    return {
        "client_uuid": str(uuid.uuid4()),
        "name": "Green Acres Farm School",
        "provider_type": "unregistered_provider",
        "urn": "",
        "on_framework": "y",
        "ofsted_report_on": "",
        "dsl_name": "Ann Lee",
        "dsl_trained_on": (london_today() - timedelta(days=90)).isoformat(),
        "deputy_dsl_name": "Raj Shah",
        "deputy_dsl_trained_on": (london_today() - timedelta(days=90)).isoformat(),
        "single_central_record_checked_on": london_today().isoformat(),
        "other_pupils": "0",
        "other_looked_after": "0",
        "other_ehc_plans": "0",
        "other_hours_per_week": "",
        "site_name": "Farm",
        "address": "Green Acres, Lower Road, NS5 1AA",
    } | overrides


def test_a_lead_adds_a_provider_with_its_first_site(client_request, make_user, auth):
    auth.login(make_user(Role.LEAD))
    response = client_request.post("/providers/new", provider_form())
    provider = db.session.scalar(sa.select(Provider))
    assert response.location == f"/providers/{provider.id}"
    assert provider.on_framework
    assert [(site.name, site.address) for site in provider.sites] == [
        ("Farm", "Green Acres, Lower Road, NS5 1AA")
    ]


def test_the_provider_form_says_what_is_wrong(client_request, make_user, auth):
    auth.login(make_user(Role.LEAD))
    make_provider("Green Acres Farm School")
    page = client_request.post(
        "/providers/new",
        provider_form(other_pupils="2", other_looked_after="3", urn="12ab", address=""),
        expected_status=200,
    )
    errors = [a.get_text() for a in page.select(".govuk-error-summary a")]
    assert errors == [
        "A provider with this name already exists",
        "A URN is 6 to 8 digits",
        "Looked-after pupils cannot be more than the pupils placed",
        "Enter their hours a week there",
        "Enter the site's address",
    ]


def test_the_lead_list_flags_a_provider_that_should_be_registered_as_do_not_commission(
    client_request, make_user, auth, make_pupil
):
    auth.login(make_user(Role.LEAD))
    garage = make_provider("Riverside Motor Skills", provider_type=ProviderType.UNREGISTERED)
    school = make_provider("Hillcrest", provider_type=ProviderType.REGISTERED_SCHOOL)
    pupil = make_pupil(
        providers=[garage, school], looked_after=True, planned_hours_per_week=Decimal("25")
    )
    timetabled(pupil, garage, range(5))
    flags = flags_on_list(client_request)
    assert flags["Riverside Motor Skills"][0] == (
        "DfE registration Must be registered as an independent school and is not: "
        "do not commission (1 looked-after pupil full-time)"
    )
    assert not any("DfE registration" in flag for flag in flags["Hillcrest"])
    page = client_request.get("/providers")
    stops = [
        text_of(card, ".app-card__title")
        for card in page.select(".app-card")
        if card.select(".app-do-not-commission")
    ]
    assert stops == ["Riverside Motor Skills"]


def test_pupils_ap_field_does_not_hold_count_towards_registration(
    client_request, make_user, auth, make_pupil
):
    auth.login(make_user(Role.LEAD))
    provider = make_provider(other_pupils=3, other_hours_per_week=Decimal("19"))
    first = make_pupil(providers=[provider], planned_hours_per_week=Decimal("25"))
    timetabled(first, provider, range(5))
    assert not any("DfE" in flag for flag in flags_on_list(client_request)[provider.name])
    pupil = make_pupil(
        providers=[provider],
        planned_hours_per_week=Decimal("22"),
        send_status=SendStatus.SEN_SUPPORT,
    )
    timetabled(pupil, provider, range(4))
    [flag] = [flag for flag in flags_on_list(client_request)[provider.name] if "DfE" in flag]
    assert "(5 pupils of compulsory school age in full-time education" in flag


def test_a_lead_adds_insurance_and_the_flags_follow(client_request, make_user, auth):
    auth.login(make_user(Role.LEAD))
    provider = make_provider()
    next_year = (london_today() + timedelta(days=365)).isoformat()
    for kind, cover in (("public_liability", "4999999"), ("employers_liability", "10000000")):
        client_request.post(
            f"/providers/{provider.id}/policies/new",
            {
                "client_uuid": str(uuid.uuid4()),
                "kind": kind,
                "cover_amount": cover,
                "expires_on": next_year,
            },
        )
    insurance = [
        flag
        for flag in flags_on_list(client_request)[provider.name]
        if flag.startswith("Insurance")
    ]
    assert insurance == [
        "Insurance Public liability cover is below the recommended minimum"
        " (£4,999,999, below £5,000,000)"
    ]
    policy = db.session.scalar(
        sa.select(InsurancePolicy).where(InsurancePolicy.kind == PolicyKind.PUBLIC_LIABILITY)
    )
    client_request.post(
        f"/providers/{provider.id}/policies/{policy.id}/edit",
        {
            "version": policy.version,
            "kind": "public_liability",
            "cover_amount": "5000000",
            "expires_on": next_year,
        },
    )
    assert not any(
        flag.startswith("Insurance") for flag in flags_on_list(client_request)[provider.name]
    )


def test_a_stale_edit_of_a_provider_gets_409_with_both_versions(client_request, make_user, auth):
    auth.login(make_user(Role.LEAD))
    provider = make_provider()
    form = provider_form(name="Renamed", version=str(provider.version - 1 or 0))
    page = client_request.post(f"/providers/{provider.id}/edit", form, expected_status=409)
    assert text_of(page, "h1") == "Someone else changed this provider"
    differences = [" ".join(row.get_text().split()) for row in page.select("tbody tr")]
    assert "Name Riverside Motor Skills Renamed" in differences
    assert page.select_one("[data-keep-mine] input[name=version]")["value"] == str(provider.version)
    db.session.expire_all()
    assert db.session.get(Provider, provider.id).name == "Riverside Motor Skills"
    client_request.post(
        f"/providers/{provider.id}/edit",
        provider_form(name="Renamed", version=str(provider.version)),
    )
    db.session.expire_all()
    assert db.session.get(Provider, provider.id).name == "Renamed"


def test_a_signed_off_check_clears_the_site_check_flag(client_request, make_user, auth):
    from ap_field.premises.models import CheckOutcome
    from ap_field.premises.services import sign_off

    provider = make_provider()
    check = make_check(make_user(Role.ASSESSOR), provider)
    auth.login(make_user(Role.LEAD))
    assert (
        "Site check No site check in the last 12 months (never checked)"
        in flags_on_list(client_request)[provider.name]
    )
    answer_everything(check)
    sign_off(
        check, {"outcome": CheckOutcome.SATISFACTORY, "competence_statement": "IOSH"}, check.version
    )
    assert not any(
        flag.startswith("Site check") for flag in flags_on_list(client_request)[provider.name]
    )
    page = client_request.get(f"/providers/{provider.id}")
    assert "Next site check due" in page.text


def test_an_assessor_sees_no_pupil_figures_or_pupils(
    client, client_request, make_user, auth, make_pupil
):
    provider = make_provider()
    make_pupil(legal_name="Jayden Clarke", providers=[provider], looked_after=True)
    auth.login(make_user(Role.ASSESSOR))
    assert client.get("/providers").status_code == 403
    assert client.get(f"/providers/{provider.id}").status_code == 403
    page = client_request.get("/site-checks")
    assert "Jayden" not in page.text
    assert "looked-after" not in page.text.lower()
    check = make_check(make_user(Role.ASSESSOR), provider)
    assert "Jayden" not in client.get(f"/site-checks/{check.id}/report").text


def test_the_provider_list_takes_the_same_number_of_queries_however_many_providers(
    client_request, make_user, auth, make_pupil
):
    auth.login(make_user(Role.LEAD))
    counted = []

    def count(*_args):
        counted[-1] += 1

    for number in range(2):
        for extra in range(3):
            provider = make_provider(f"Provider {number}-{extra}")
            make_pupil(providers=[provider])
        counted.append(0)
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            client_request.get("/providers")
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
    assert counted[0] == counted[1]
