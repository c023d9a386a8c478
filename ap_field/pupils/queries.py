"""The one way to ask for pupils: every pupil query starts from the caller's scope."""

import sqlalchemy as sa

from ap_field.auth.models import Role, User
from ap_field.parents.models import ParentLink
from ap_field.pupils.models import CaseloadAssignment, Pupil


def pupils_in_scope(user: User) -> sa.Select[tuple[Pupil]]:
    """Teachers see their current caseload, parents their linked children, leads and admins
    everyone, assessors no pupil at all."""
    query = sa.select(Pupil)
    match user.role:
        case Role.LEAD | Role.ADMIN:
            return query
        case Role.TEACHER:
            return query.join(
                CaseloadAssignment,
                sa.and_(
                    CaseloadAssignment.pupil_id == Pupil.id,
                    CaseloadAssignment.teacher_id == user.id,
                    CaseloadAssignment.ended_on.is_(None),
                ),
            )
        case Role.PARENT:
            return query.join(
                ParentLink,
                sa.and_(ParentLink.pupil_id == Pupil.id, ParentLink.parent_id == user.id),
            )
    return query.where(sa.false())
