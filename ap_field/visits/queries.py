"""Home visits as other screens ask for them. A visit is reached through its pupil, so
the pupil's scope is its scope; the lead's lists are for leads, who see every pupil."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.auth.models import User
from ap_field.common.time import utcnow
from ap_field.extensions import db
from ap_field.pupils.models import Pupil
from ap_field.visits.models import HomeVisit


def own_visit_under_way(user: User, pupil_id: int, visit_id: int) -> HomeVisit | None:
    """The user's own visit, arrived and not yet left, whoever holds the pupil now."""
    return db.session.scalar(
        sa.select(HomeVisit).where(
            HomeVisit.id == visit_id,
            HomeVisit.pupil_id == pupil_id,
            HomeVisit.teacher_id == user.id,
            HomeVisit.arrived_at.is_not(None),
            HomeVisit.left_at.is_(None),
        )
    )


def visit_or_404(pupil: Pupil, visit_id: int) -> HomeVisit:
    """The pupil's visit, with what its page shows; a visit of another pupil is 404."""
    return db.first_or_404(
        sa.select(HomeVisit)
        .where(HomeVisit.id == visit_id, HomeVisit.pupil_id == pupil.id)
        .options(
            so.joinedload(HomeVisit.teacher),
            so.selectinload(HomeVisit.actions),
        )
    )


def pupil_visits(pupil: Pupil) -> list[HomeVisit]:
    """Newest first, with their visitors, in one query."""
    return list(
        db.session.scalars(
            sa.select(HomeVisit)
            .where(HomeVisit.pupil_id == pupil.id)
            .options(so.joinedload(HomeVisit.teacher))
            .order_by(HomeVisit.starts_at.desc(), HomeVisit.id.desc())
        )
    )


def _with_pupil_and_visitor(query: sa.Select) -> sa.Select:
    return query.options(so.joinedload(HomeVisit.pupil), so.joinedload(HomeVisit.teacher))


def _in_progress() -> sa.ColumnElement[bool]:
    return sa.and_(HomeVisit.arrived_at.is_not(None), HomeVisit.left_at.is_(None))


def visits_in_progress(teacher: User) -> list[HomeVisit]:
    """The visits `teacher` has arrived at and not yet left, for their Today page."""
    return list(
        db.session.scalars(
            _with_pupil_and_visitor(sa.select(HomeVisit))
            .where(HomeVisit.teacher_id == teacher.id, _in_progress())
            .order_by(HomeVisit.arrived_at)
        )
    )


def overdue_check_outs() -> list[HomeVisit]:
    """Visits past their expected finish with no "I've left safely", longest overdue first."""
    return list(
        db.session.scalars(
            _with_pupil_and_visitor(sa.select(HomeVisit))
            .where(_in_progress(), HomeVisit.expected_finish_at < utcnow())
            .order_by(HomeVisit.expected_finish_at)
        )
    )
