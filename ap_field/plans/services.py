"""Plans, timetables and reviews: each change written with its audit event."""

from datetime import date, time

from ap_field.audit.models import plain, record
from ap_field.auth.models import User
from ap_field.common.writes import StaleEdit, commit_or_stale
from ap_field.extensions import db
from ap_field.plans.models import (
    LearningPlan,
    Party,
    PlanAgreement,
    PlanTarget,
    Review,
    TargetProgress,
    TimetableSlot,
)
from ap_field.plans.queries import (
    current_plan,
    last_review,
    review_due_after,
    review_period_start,
    timetable,
)
from ap_field.pupils.models import Pupil

SLOT_FIELDS = ("weekday", "starts_at", "ends_at", "mode", "focus", "place", "provider_id")


class SlotOverlaps(Exception):
    def __init__(self, slot: TimetableSlot):
        super().__init__(
            f"This overlaps the {slot.day_name} session from {slot.starts_at:%H:%M} "
            f"to {slot.ends_at:%H:%M} ({slot.focus.label.lower()}). Change the times or the day."
        )


def write_plan(pupil: Pupil, values: dict, targets: list[dict], author: User) -> LearningPlan:
    """A new version of the plan; the agreements of the earlier version do not carry over."""
    previous = current_plan(pupil)
    plan = LearningPlan(
        pupil_id=pupil.id,
        version_number=previous.version_number + 1 if previous else 1,
        written_by_id=author.id,
        targets=[PlanTarget(position=n, **target) for n, target in enumerate(targets, 1)],
        **values,
    )
    db.session.add(plan)
    db.session.flush()
    record(
        "plan.created",
        pupil_id=pupil.id,
        version=plan.version_number,
        after={**{k: plain(v) for k, v in values.items()}, "targets": plain_targets(plan)},
    )
    if previous is None and last_review(pupil) is None:
        pupil.review_date = review_due_after(pupil, plan.starts_on)
    db.session.commit()
    return plan


def plain_targets(plan: LearningPlan) -> list[str]:
    return [f"{target.description} (goal: {target.goal})" for target in plan.targets]


def record_agreement(
    plan: LearningPlan, party: Party, agreed_by: str, agreed_on: date, recorder: User
) -> None:
    recorder_id = recorder.id
    agreement = plan.agreement(party)
    if agreement is None:
        agreement = PlanAgreement(plan=plan, party=party, agreed_by=agreed_by, agreed_on=agreed_on)
        db.session.add(agreement)
    agreement.agreed_by, agreement.agreed_on = agreed_by, agreed_on
    agreement.recorded_by_id = recorder_id
    record(
        "plan.agreed",
        pupil_id=plan.pupil_id,
        version=plan.version_number,
        party=party.label,
        agreed_by=agreed_by,
    )
    db.session.commit()


def weekly_minutes(slots: list[TimetableSlot]) -> int:
    return sum(slot.minutes for slot in slots)


def check_overlap(
    slots: list[TimetableSlot], weekday: int, starts_at: time, ends_at: time, ignore=None
) -> None:
    for slot in slots:
        if slot is not ignore and slot.overlaps(weekday, starts_at, ends_at):
            raise SlotOverlaps(slot)


def _slot_values(slot: TimetableSlot) -> dict:
    return {name: plain(getattr(slot, name)) for name in SLOT_FIELDS}


def add_slot(pupil: Pupil, values: dict, client_uuid) -> TimetableSlot:
    check_overlap(timetable(pupil), values["weekday"], values["starts_at"], values["ends_at"])
    slot = TimetableSlot(pupil_id=pupil.id, client_uuid=client_uuid, **values)
    db.session.add(slot)
    record("timetable.slot_added", pupil_id=pupil.id, after=_slot_values(slot))
    db.session.commit()
    return slot


def change_slot(slot: TimetableSlot, values: dict, seen_version: int | None) -> None:
    """Apply a change made on version `seen_version`; refuse it if the slot moved on since."""
    if slot.version != seen_version:
        raise StaleEdit()
    check_overlap(
        timetable(slot.pupil), values["weekday"], values["starts_at"], values["ends_at"], slot
    )
    before = _slot_values(slot)
    for name, value in values.items():
        setattr(slot, name, value)
    record(
        "timetable.slot_changed", pupil_id=slot.pupil_id, before=before, after=_slot_values(slot)
    )
    commit_or_stale()


def remove_slot(slot: TimetableSlot) -> None:
    record("timetable.slot_removed", pupil_id=slot.pupil_id, before=_slot_values(slot))
    db.session.delete(slot)
    db.session.commit()


def hold_review(
    pupil: Pupil,
    plan: LearningPlan,
    values: dict,
    progress: list[dict],
    delivery,
    holder: User,
    client_uuid,
) -> Review:
    """Record a review with what the session notes delivered since the last one (`delivery`:
    the timetabled sessions that have a note, and the hours). Attendance is the register's,
    read whenever the review is shown, so it is not kept here."""
    review = Review(
        pupil_id=pupil.id,
        plan_id=plan.id,
        period_start=review_period_start(pupil, plan),
        held_by_id=holder.id,
        client_uuid=client_uuid,
        progress=[TargetProgress(**entry) for entry in progress],
        **vars(delivery),
        **values,
    )
    db.session.add(review)
    before = plain(pupil.review_date)
    pupil.review_date = values["next_review_on"]
    record(
        "review.held",
        pupil_id=pupil.id,
        after={
            "held_on": plain(values["held_on"]),
            "next_review_on": plain(values["next_review_on"]),
            "review_date_before": before,
            **vars(delivery),
        },
    )
    db.session.commit()
    return review
