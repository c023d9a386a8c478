"""At sign-off the competent person and the provider's representative sign on the phone;
the report shows both signatures with the names and the time."""

import base64

import pytest

from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.premises.models import CheckStatus, Signer
from tests.helpers import text_of
from tests.premises.helpers import answer_everything, make_check, signed_form


@pytest.fixture
def check(make_user, auth):
    assessor = make_user(Role.ASSESSOR, name="Sam Patel")
    auth.login(assessor)
    check = make_check(assessor)
    answer_everything(check)
    return check


def outcome(check, **fields) -> dict:
    return {
        "version": check.version,
        "outcome": "satisfactory",
        "competence_statement": "IOSH",
        "confirm": "y",
    } | fields


def test_sign_off_waits_for_both_signatures_and_the_representatives_name(client_request, check):
    page = client_request.post(
        f"/site-checks/{check.id}/sign-off", outcome(check), expected_status=200
    )
    assert [link.get_text() for link in page.select(".govuk-error-summary a")] == [
        "Sign in the box",
        "Enter the name of the provider's representative",
        "Sign in the box",
    ]
    assert page.select_one(".govuk-error-summary a")["href"] == "#assessor_signature"
    assert page.select_one("canvas#assessor_signature") is not None
    assert page.select_one("#competence_statement").get_text().strip() == "IOSH"
    db.session.refresh(check)
    assert check.status == CheckStatus.DRAFT


def test_something_that_is_not_a_drawn_png_is_refused_and_the_other_kept(client_request, check):
    not_png = "data:image/png;base64," + base64.b64encode(b"GIF89a not a png").decode()
    form = signed_form(outcome(check), provider_signature=not_png)
    page = client_request.post(f"/site-checks/{check.id}/sign-off", form, expected_status=200)
    assert text_of(page, "#provider_signature-error") == "Error: Sign in the box again"
    kept = page.select_one("#assessor_signature-value")["value"]
    assert kept == form["assessor_signature"]
    assert page.select_one("#provider_name")["value"] == "Dee Okafor"


def test_the_report_shows_both_signatures_with_names_and_time(client, client_request, check):
    client_request.post(f"/site-checks/{check.id}/sign-off", signed_form(outcome(check)))
    db.session.refresh(check)
    assert {(signed.signer, signed.name) for signed in check.signatures} == {
        (Signer.COMPETENT_PERSON, "Sam Patel"),
        (Signer.PROVIDER, "Dee Okafor"),
    }
    report = client_request.get(f"/site-checks/{check.id}/report")
    captions = [text_of(card, "p") for card in report.select(".app-signatures .app-card")]
    assert [caption.split(",")[:2] for caption in captions] == [
        ["Sam Patel", " competent person"],
        ["Dee Okafor", " provider's representative"],
    ]
    for image in report.select(".app-signatures img"):
        response = client.get(image["src"])
        assert response.mimetype == "image/png"
        assert response.data.startswith(b"\x89PNG")
    pdf = client.get(f"/site-checks/{check.id}/report.pdf").data
    assert pdf.count(b"/Subtype /Image") == 2


def test_a_signature_is_for_those_who_read_site_checks(
    client, client_request, check, make_user, auth
):
    client_request.post(f"/site-checks/{check.id}/sign-off", signed_form(outcome(check)))
    db.session.refresh(check)
    path = f"/site-checks/{check.id}/signatures/{check.signatures[0].id}"
    assert client.get(f"/site-checks/{check.id}/signatures/999999").status_code == 404
    auth.logout()
    auth.login(make_user(Role.TEACHER))
    assert client.get(path).status_code == 403


def test_someone_who_cannot_draw_signs_with_their_name_typed(client, client_request, check):
    form = outcome(check, assessor_typed="y", provider_typed="y", provider_name="Dee Okafor")
    client_request.post(f"/site-checks/{check.id}/sign-off", form)
    db.session.refresh(check)
    assert check.status == CheckStatus.SIGNED_OFF
    signed = {signature.signer: signature for signature in check.signatures}
    assert signed[Signer.PROVIDER].name == "Dee Okafor"
    for signature in signed.values():
        assert signature.png.startswith(b"\x89PNG")
    assert signed[Signer.PROVIDER].png != signed[Signer.COMPETENT_PERSON].png


def test_a_typed_signature_still_needs_the_representatives_name(client_request, check):
    page = client_request.post(
        f"/site-checks/{check.id}/sign-off",
        outcome(check, assessor_typed="y", provider_typed="y"),
        expected_status=200,
    )
    assert [link.get_text() for link in page.select(".govuk-error-summary a")] == [
        "Enter the name of the provider's representative"
    ]
    assert page.select_one("#provider_typed").has_attr("checked")
