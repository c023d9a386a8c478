import sqlalchemy as sa
from flask import render_template, request
from flask_login import current_user

from ap_field.audit import bp
from ap_field.audit.models import AuditEvent
from ap_field.auth.models import Role
from ap_field.common.access import allow
from ap_field.extensions import db
from ap_field.pupils.queries import pupil_in_scope_or_404

TRAIL_PAGE_SIZE = 50


@bp.route("/pupils/<int:pupil_id>/audit")
@allow(Role.LEAD, Role.ADMIN)
def pupil_trail(pupil_id: int):
    """Every change to a pupil's record, caseload and parent links, newest first. Read only."""
    pupil = pupil_in_scope_or_404(current_user, pupil_id)
    events = db.paginate(
        sa.select(AuditEvent)
        .where(AuditEvent.pupil_id == pupil.id)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()),
        page=request.args.get("page", 1, type=int),
        per_page=TRAIL_PAGE_SIZE,
        error_out=False,
    )
    return render_template("audit/pupil_trail.html", pupil=pupil, events=events)
