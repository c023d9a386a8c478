import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from ap_field.auth.models import Role, User
from ap_field.common.access import allow
from ap_field.common.time import london_today
from ap_field.extensions import db
from ap_field.parents.queries import recent_dispute_count
from ap_field.pupils.models import CASELOAD_LIMIT, CaseloadAssignment, PupilStatus
from ap_field.pupils.queries import pupils_in_scope
from ap_field.reports import bp
from ap_field.sessions.services import recent_note_concerns
from ap_field.visits.queries import overdue_check_outs, unseen_safeguarding_flags


@bp.route("/programme")
@allow(Role.LEAD, Role.ADMIN)
def programme():
    """The programme at a glance: pupils by status and each teacher's caseload."""
    in_scope = pupils_in_scope(current_user).subquery()
    by_status = dict(
        db.session.execute(
            sa.select(in_scope.c.status, sa.func.count()).group_by(in_scope.c.status)
        ).all()
    )
    caseloads = db.session.execute(
        sa.select(User, sa.func.count(CaseloadAssignment.id))
        .outerjoin(
            CaseloadAssignment,
            sa.and_(
                CaseloadAssignment.teacher_id == User.id, CaseloadAssignment.ended_on.is_(None)
            ),
        )
        .where(User.role == Role.TEACHER, User.active)
        .group_by(User.id)
        .order_by(User.name)
    ).all()
    reviews_overdue = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(in_scope)
        .where(in_scope.c.review_date < london_today(), in_scope.c.status != PupilStatus.CLOSED)
    )
    return render_template(
        "reports/programme.html",
        reviews_overdue=reviews_overdue,
        by_status=[(status, by_status.get(status, 0)) for status in PupilStatus],
        caseloads=caseloads,
        caseload_limit=CASELOAD_LIMIT,
        overdue_check_outs=overdue_check_outs(),
        unseen_flags=unseen_safeguarding_flags(),
        note_concerns=recent_note_concerns(london_today()),
        disputed_sessions=recent_dispute_count(current_user, london_today()),
    )
