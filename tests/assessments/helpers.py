"""Assessments as the tests make them: model values and the form a browser sends."""

from datetime import date

from ap_field.assessments.models import Assessment, WorkingLevel
from ap_field.assessments.services import create_assessment
from ap_field.auth.models import User
from ap_field.common.time import london_today
from ap_field.pupils.models import Pupil


def make_assessment(pupil: Pupil, assessor: User, **values) -> Assessment:
    """An assessment saved straight through the service, with its audit event."""
    record = {
        "assessed_on": london_today(),
        "literacy_level": WorkingLevel.KS2,
        "literacy_score": None,
        "numeracy_level": WorkingLevel.KS1,
        "numeracy_score": None,
        "reading_age_years": None,
        "reading_age_months": None,
        "wellbeing": 3,
        "resilience": 3,
        "confidence": 3,
        "anxiety": 3,
        "barriers": [],
        "barrier_other": None,
        "barrier_notes": None,
        "interests_and_strengths": None,
        "communication_and_send_needs": None,
        "focus_areas": ["english"],
        "focus_other": None,
    }
    return create_assessment(pupil, assessor, record | values)


def assessment_form(on: date | None = None, **overrides) -> dict:
    """Every field of a valid assessment form, as a browser sends it."""
    return {
        "client_uuid": "",
        "assessed_on": (on or london_today()).isoformat(),
        "literacy_level": "ks2",
        "literacy_score": "42",
        "numeracy_level": "entry_3",
        "numeracy_score": "35",
        "reading_age_years": "9",
        "reading_age_months": "6",
        "wellbeing": "2",
        "resilience": "3",
        "confidence": "2",
        "anxiety": "5",
        "barriers": ["ebsa", "other"],
        "barrier_other": "Young carer for a parent",
        "barrier_notes": "Finds mornings hard; mum walks him to the door.",
        "interests_and_strengths": "Films and photography; kind to younger children.",
        "communication_and_send_needs": "Prefers written instructions; dyslexia screening due.",
        "focus_areas": ["wellbeing", "english", "other"],
        "focus_other": "Photography project",
    } | overrides
