"""A provider has one site check in progress at a time: starting another is refused next to
the provider field, with a link to the one in progress, even when two start at once."""

import threading
import uuid

import pytest
import sqlalchemy as sa

from ap_field.auth.models import Role, User
from ap_field.extensions import db
from ap_field.premises.models import CheckOutcome, CheckTemplate, ProviderSite, SiteCheck
from ap_field.premises.services import CheckInProgress, sign_off, start_check
from tests.helpers import text_of
from tests.premises.helpers import answer_everything, make_check, make_provider, template_named


@pytest.fixture
def assessor(make_user, auth):
    user = make_user(Role.ASSESSOR, name="Sam Patel")
    auth.login(user)
    return user


def start_form(site: ProviderSite) -> dict:
    return {
        "client_uuid": str(uuid.uuid4()),
        "site_id": site.id,
        "template_id": template_named().id,
        "higher_risk": "none",
    }


def checks() -> int:
    return db.session.scalar(sa.select(sa.func.count(SiteCheck.id)))


def test_a_second_check_of_a_provider_is_refused_with_a_link_to_the_first(
    client_request, assessor, make_user
):
    provider = make_provider()
    workshop = ProviderSite(name="Workshop", address="Unit 4, Riverside, NS4 2QT")
    provider.sites.append(workshop)
    db.session.commit()
    first = make_check(make_user(Role.ASSESSOR, name="Ada Obi"), provider)

    page = client_request.post("/site-checks/new", start_form(workshop), expected_status=200)

    error = (
        "Riverside Motor Skills already has a site check in progress, started by Ada Obi on "
        f"{first.created_at:%A} {first.created_at.day} {first.created_at:%B %Y}. Finish that "
        "check before starting another"
    )
    assert text_of(page, ".govuk-error-summary a[href='#site_id']") == error
    assert text_of(page, "#site_id-error") == f"Error: {error}"
    link = page.select_one("#site_id-error ~ p a")
    assert link["href"] == f"/site-checks/{first.id}"
    assert link.get_text() == "See the check in progress: Riverside Motor Skills: Main site"
    assert page.select_one("#site_id option[selected]")["value"] == str(workshop.id)
    assert checks() == 1


def test_an_assessor_is_sent_on_to_continue_their_own(client_request, assessor):
    provider = make_provider()
    first = make_check(assessor, provider)
    page = client_request.post(
        "/site-checks/new", start_form(provider.sites[0]), expected_status=200
    )
    link = page.select_one("#site_id-error ~ p a")
    assert link["href"] == f"/site-checks/{first.id}"
    assert link.get_text().startswith("Continue the check in progress")


def test_a_provider_whose_check_is_signed_off_may_be_checked_again(client_request, assessor):
    provider = make_provider()
    done = make_check(assessor, provider)
    answer_everything(done)
    values = {"outcome": CheckOutcome.SATISFACTORY, "competence_statement": "IOSH"}
    sign_off(done, values, done.version)
    other = make_check(assessor, make_provider("Hillcrest Farm"))
    response = client_request.post("/site-checks/new", start_form(provider.sites[0]))
    assert response.location.startswith("/site-checks/")
    assert response.location != f"/site-checks/{other.id}"
    assert checks() == 3


@pytest.mark.real_commits
def test_two_assessors_starting_at_once_make_one_check(app, make_user):
    provider = make_provider()
    template_named()
    assessors = [make_user(Role.ASSESSOR).id for _ in range(2)]
    site_id = provider.sites[0].id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    failures: list[BaseException] = []

    def assessor_starts(user_id: int) -> None:
        with app.app_context():
            try:
                user, site = db.session.get(User, user_id), db.session.get(ProviderSite, site_id)
                template = db.session.scalar(sa.select(CheckTemplate).limit(1))
                site.provider_id  # noqa: B018 (loaded before the race, as a view has it)
                db.session.commit()
                barrier.wait(timeout=10)
                try:
                    start_check(site, template, user, None, uuid.uuid4())
                    outcomes.append("started")
                except CheckInProgress:
                    outcomes.append("refused")
            except BaseException as error:
                failures.append(error)
                barrier.abort()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=assessor_starts, args=(user,)) for user in assessors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    assert sorted(outcomes) == ["refused", "started"]
    assert checks() == 1
