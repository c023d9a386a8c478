"""Changes to home visits, each written with its audit event in one transaction."""

import uuid
from collections.abc import Callable
from datetime import datetime

import sqlalchemy.orm as so

from ap_field.audit.models import plain, record
from ap_field.auth.models import User
from ap_field.common.time import format_london_time
from ap_field.common.writes import add_recorded, apply_edit, commit_or_stale
from ap_field.extensions import db
from ap_field.pupils.models import Pupil
from ap_field.visits.models import (
    HomeVisit,
    VisitAction,
    VisitStatus,
)

AUDITED_FIELDS = (
    "starts_at",
    "status",
    "place",
    "address",
    "purpose",
    "purpose_other",
    "present",
    "others_present",
    "concerns",
    "child_voice",
    "parent_voice",
    "next_visit_on",
)


class VisitNotDue(Exception):
    """Lone working asked for something the visit is past, such as arriving twice."""


def snapshot(visit: HomeVisit) -> dict:
    """The audited fields of a visit, as the audit trail keeps them."""
    return snapshot_of({name: getattr(visit, name) for name in AUDITED_FIELDS})


def snapshot_of(values: dict) -> dict:
    return {name: plain(values[name]) for name in AUDITED_FIELDS if name in values}


def create_visit(pupil: Pupil, visitor: User, values: dict) -> HomeVisit:
    return add_recorded(
        HomeVisit(pupil_id=pupil.id, teacher_id=visitor.id, **values),
        "visit.recorded" if values.get("status") == VisitStatus.COMPLETED else "visit.planned",
        lambda visit: {"pupil_id": pupil.id, "visit_id": visit.id, "after": snapshot(visit)},
    )


def update_visit(visit: HomeVisit, values: dict, seen_version: int | None) -> HomeVisit:
    """Apply an edit made on version `seen_version`; refuse it if the visit moved on since."""
    if (changed := apply_edit(visit, values, seen_version, snapshot)) is None:
        return visit
    before, after = changed
    now_recorded = "status" in after and visit.status == VisitStatus.COMPLETED
    record(
        "visit.recorded" if now_recorded else "visit.updated",
        pupil_id=visit.pupil_id,
        visit_id=visit.id,
        before=before,
        after=after,
    )
    commit_or_stale()
    return visit


def _lone_working(visit: HomeVisit, change: Callable[[HomeVisit], None]) -> None:
    """Arriving and leaving are events, not edits: they carry no version and are never refused
    as stale, because a lone worker must always be able to check in and out. If someone saved
    the visit at the same moment, the change is made again on their version."""
    for attempt in range(2):
        change(visit)
        try:
            db.session.commit()
            return
        except so.exc.StaleDataError:
            db.session.rollback()
            if attempt:
                raise
            db.session.refresh(visit)


def arrive(visit: HomeVisit, visitor: User, arrived_at: datetime, expected_finish_at: datetime):
    """ "I've arrived": whoever says it is the lone worker the lead looks out for."""

    def change(visit: HomeVisit) -> None:
        if visit.arrived_at is not None:
            raise VisitNotDue(
                f"You already said you arrived, at {format_london_time(visit.arrived_at)}."
            )
        if visit.status == VisitStatus.COMPLETED:
            raise VisitNotDue("This visit is already recorded as having happened.")
        visit.teacher_id = visitor.id
        visit.arrived_at, visit.expected_finish_at = arrived_at, expected_finish_at
        visit.status = VisitStatus.IN_PROGRESS
        record(
            "visit.arrived",
            pupil_id=visit.pupil_id,
            visit_id=visit.id,
            expected_finish=expected_finish_at,
        )

    _lone_working(visit, change)


def leave(visit: HomeVisit, left_at: datetime) -> None:
    """ "I've left safely" (or the lead confirming it); saying it twice changes nothing."""

    def change(visit: HomeVisit) -> None:
        if not visit.is_in_progress:
            raise VisitNotDue("This visit is not in progress, so there is nothing to check out of.")
        visit.left_at = max(left_at, visit.arrived_at)
        visit.status = VisitStatus.COMPLETED
        record(
            "visit.left",
            pupil_id=visit.pupil_id,
            visit_id=visit.id,
            after_expected_finish=visit.left_at > visit.expected_finish_at,
        )

    _lone_working(visit, change)


def add_action(visit: HomeVisit, client_uuid: uuid.UUID, values: dict) -> VisitAction:
    action = VisitAction(visit=visit, client_uuid=client_uuid, **values)
    db.session.add(action)
    record(
        "visit.action_agreed",
        pupil_id=visit.pupil_id,
        visit_id=visit.id,
        action=action.description,
        owner=action.owner,
        due_on=action.due_on,
    )
    db.session.commit()
    return action
