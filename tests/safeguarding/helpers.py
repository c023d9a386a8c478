"""Concerns for tests: a valid form as a browser sends it, and concerns made directly."""

import uuid
from datetime import timedelta

from ap_field.common.time import london_today
from ap_field.safeguarding.models import Concern
from ap_field.safeguarding.services import record_concern


def concern_fields(**overrides) -> dict:
    """A concern about something seen yesterday, with every answer and one body mark."""
    yesterday = london_today() - timedelta(days=1)
    return {
        "client_uuid": str(uuid.uuid4()),
        "immediate_danger": "no",
        "categories": ["physical", "neglect"],
        "category_other": "",
        "happened_on": yesterday.isoformat(),
        "happened_time": "10:30",
        "place": "The family home, kitchen",
        "what_happened": "A bruise the size of a coin on the left forearm.",
        "child_words": "Dad grabbed me when I was late",
        "others_present": "Mum, in the next room",
        "action_taken": "Listened, did not ask leading questions, phoned the DSL.",
        "marks-0-side": "front",
        "marks-0-x": "0.31",
        "marks-0-y": "0.42",
        "marks-0-description": "Round bruise, yellow at the edges",
        "recorded_at": "",
        "visit_id": "",
        "note_id": "",
    } | overrides


def make_concern(pupil, recorder, visit=None, note=None, **values) -> Concern:
    """A concern recorded straight through the service, raised from `visit` or `note` if given."""
    fields = {
        "immediate_danger": False,
        "categories": ["neglect"],
        "category_other": None,
        "happened_on": london_today(),
        "happened_time": None,
        "place": "Home",
        "what_happened": "No food in the house for two days",
        "child_words": None,
        "others_present": None,
        "action_taken": "Told the DSL by phone",
        "body_marks": [],
    } | values
    links = {"visit_id": visit and visit.id, "note_id": note and note.id}
    return record_concern(pupil, recorder, uuid.uuid4(), fields, links)
