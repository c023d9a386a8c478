"""The DfE registration rule counts each pupil at a provider by their hours there, from the
timetable slots that provider teaches, not by their whole week (DOMAIN.md, "DfE
registration"); the timetable slot form offers only the pupil's own providers."""

import uuid
from datetime import time
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.plans.models import Focus, Mode, TimetableSlot
from ap_field.plans.services import add_slot
from ap_field.premises.compliance import REGISTRATION, Placement
from ap_field.premises.models import ProviderType
from ap_field.premises.queries import compliance_of
from ap_field.pupils.services import assign
from tests.helpers import text_of
from tests.plans.test_timetable import slot
from tests.premises.helpers import make_provider


def timetabled(pupil, provider, days: range, hours_a_day: int = 5) -> None:
    """A session each of `days` from 09:00, taught by `provider` (None: the teacher)."""
    for weekday in days:
        values = {
            "weekday": weekday,
            "starts_at": time(9),
            "ends_at": time(9 + hours_a_day),
            "mode": Mode.FACE_TO_FACE,
            "focus": Focus.ENGLISH,
            "place": provider.name if provider else "Home",
            "provider_id": provider.id if provider else None,
        }
        add_slot(pupil, values, uuid.uuid4())


def registration_flag(provider):
    flags = [flag for flag in compliance_of(provider).flags if flag.rule == REGISTRATION]
    return flags[0] if flags else None


@pytest.fixture
def garage():
    return make_provider("Riverside Motor Skills", provider_type=ProviderType.UNREGISTERED)


@pytest.fixture
def farm():
    return make_provider("Hill Farm Skills", provider_type=ProviderType.UNREGISTERED)


def test_a_pupil_split_between_two_providers_counts_at_each_by_their_hours_there(
    make_pupil, garage, farm
):
    """25 hours a week: 20 at the garage, 5 at the farm. Looked-after and full-time at the
    garage, so it must register; part-time at the farm, so it need not."""
    pupil = make_pupil(providers=[garage, farm], looked_after=True)
    timetabled(pupil, garage, range(4))
    timetabled(pupil, farm, range(4, 5))

    flag = registration_flag(garage)
    assert flag is not None and flag.do_not_commission
    assert flag.figure == "1 looked-after pupil full-time"
    assert flag.details == (
        "Pupil A: 20 hours a week here (of 25 in their timetable), looked-after",
    )
    assert registration_flag(farm) is None
    [at_farm] = compliance_of(farm).placements
    assert (at_farm.hours_per_week, at_farm.timetabled_hours) == (5, 25)


def test_five_pupils_are_counted_by_their_hours_at_that_provider(make_pupil, garage, farm):
    """Four pupils placed by others full-time at each; one of ours 20 hours at the garage
    and 5 at the farm: five full-time at the garage, four at the farm."""
    for provider in (garage, farm):
        provider.other_pupils, provider.other_hours_per_week = 4, Decimal("22.5")
    db.session.commit()
    pupil = make_pupil(providers=[garage, farm])
    timetabled(pupil, garage, range(4))
    timetabled(pupil, farm, range(4, 5))

    flag = registration_flag(garage)
    assert flag.figure.startswith("5 pupils of compulsory school age in full-time education")
    assert flag.details[0] == "Pupil A: 20 hours a week here (of 25 in their timetable)"
    assert flag.details[1:] == tuple(f"Pupil {letter}: 22.5 hours a week here" for letter in "BCDE")
    assert registration_flag(farm) is None


def test_the_teachers_own_sessions_count_at_no_provider(make_pupil, garage):
    """Linked to the garage, but every session with the community teacher: 0 hours there."""
    pupil = make_pupil(providers=[garage], looked_after=True)
    timetabled(pupil, None, range(5))
    assert registration_flag(garage) is None
    [placement] = compliance_of(garage).placements
    assert placement.hours_here == "0 hours a week here (of 25 in their timetable)"


def test_hours_here_are_written_plainly():
    assert Placement(Decimal(1085) / 60, timetabled_hours=Decimal(25)).hours_here == (
        "18.08 hours a week here (of 25 in their timetable)"
    )
    assert Placement(Decimal("22.5")).hours_here == "22.5 hours a week here"


def test_the_provider_page_lists_each_pupils_hours_there_and_explains_the_flag(
    client_request, auth, make_user, make_pupil, garage, farm
):
    auth.login(make_user(Role.LEAD))
    pupil = make_pupil(legal_name="Jordan Ellis", providers=[garage, farm], looked_after=True)
    timetabled(pupil, garage, range(4))
    timetabled(pupil, farm, range(4, 5))

    page = client_request.get(f"/providers/{garage.id}")
    assert "Jordan Ellis 20 (of 25 in their timetable)" in text_of(page, "#pupils-placed tbody")
    assert text_of(page, ".app-flag__details") == (
        "Pupil A: 20 hours a week here (of 25 in their timetable), looked-after"
    )
    page = client_request.get(f"/providers/{farm.id}")
    assert "Jordan Ellis 5 (of 25 in their timetable)" in text_of(page, "#pupils-placed tbody")
    assert page.select(".app-flag--stop") == []


@pytest.fixture
def teacher_and_pupil(make_user, make_pupil, auth, garage):
    teacher = make_user(Role.TEACHER)
    auth.login(teacher)
    pupil = make_pupil(providers=[garage])
    assign(pupil, teacher, None)
    return pupil


def slot_form(**overrides) -> dict:
    return slot(place="The garage workshop", provider_id="") | overrides


def test_the_slot_form_offers_the_pupils_providers_and_none(client_request, teacher_and_pupil):
    page = client_request.get(f"/pupils/{teacher_and_pupil.id}/timetable")
    options = [option.get_text() for option in page.select("#provider_id option")]
    assert options == ["None – taught by the community teacher", "Riverside Motor Skills"]


def test_a_slot_is_saved_with_one_of_the_pupils_providers(
    client_request, teacher_and_pupil, garage
):
    client_request.post(
        f"/pupils/{teacher_and_pupil.id}/timetable", slot_form(provider_id=str(garage.id))
    )
    [saved] = db.session.scalars(sa.select(TimetableSlot)).all()
    assert saved.provider_id == garage.id
    page = client_request.get(f"/pupils/{teacher_and_pupil.id}/timetable")
    assert "Riverside Motor Skills" in text_of(page, ".app-card__meta")


@pytest.mark.parametrize("chosen", ["farm", "999999", "garage-ish"])
def test_the_slot_form_refuses_a_provider_the_pupil_does_not_attend(
    client_request, teacher_and_pupil, farm, chosen
):
    value = str(farm.id) if chosen == "farm" else chosen
    page = client_request.post(
        f"/pupils/{teacher_and_pupil.id}/timetable",
        slot_form(provider_id=value),
        expected_status=200,
    )
    assert "Choose one of the pupil's providers" in text_of(page, "#provider_id-error")
    assert "Choose one of the pupil's providers" in text_of(page, ".govuk-error-summary")
    assert page.select_one("#place")["value"] == "The garage workshop"
    assert db.session.scalars(sa.select(TimetableSlot)).all() == []


def test_changing_a_slot_refuses_a_provider_the_pupil_does_not_attend(
    client_request, teacher_and_pupil, garage, farm
):
    client_request.post(
        f"/pupils/{teacher_and_pupil.id}/timetable", slot_form(provider_id=str(garage.id))
    )
    [saved] = db.session.scalars(sa.select(TimetableSlot)).all()
    page = client_request.post(
        f"/pupils/{teacher_and_pupil.id}/timetable/slots/{saved.id}",
        slot_form(provider_id=str(farm.id), ends_at="13:00", version="1"),
        expected_status=200,
    )
    assert "Choose one of the pupil's providers" in text_of(page, "#provider_id-error")
    assert page.select_one("#ends_at")["value"] == "13:00"
    db.session.refresh(saved)
    assert (saved.provider_id, saved.ends_at) == (garage.id, time(12, 30))
    client_request.post(
        f"/pupils/{teacher_and_pupil.id}/timetable/slots/{saved.id}",
        slot_form(provider_id="", version="1"),
    )
    db.session.refresh(saved)
    assert saved.provider_id is None
