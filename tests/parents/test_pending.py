"""`ParentInvitation.pending_at`, the condition queries and the claiming UPDATE use, picks
the invitations whose `state` is pending: not accepted, not withdrawn, not expired."""

from datetime import timedelta

import sqlalchemy as sa

from ap_field.auth.models import Role
from ap_field.common.time import utcnow
from ap_field.extensions import db
from ap_field.parents.models import INVITATION_LIFETIME, InvitationState, ParentInvitation
from ap_field.parents.services import invite, withdraw


def test_pending_at_picks_the_invitations_whose_state_is_pending(make_pupil, make_user):
    pupil, lead = make_pupil(), make_user(Role.LEAD)
    now = utcnow()
    long_ago = now - INVITATION_LIFETIME - timedelta(minutes=1)
    made = [invite(pupil, lead, {"relationship": "Aunt"}, now=now)[0] for _ in range(3)]
    made.append(invite(pupil, lead, {"relationship": "Aunt"}, now=long_ago)[0])
    withdraw(made[1], now)
    made[2].accepted_at = now
    db.session.commit()

    for moment in (now, now + INVITATION_LIFETIME):
        pending = set(
            db.session.scalars(
                sa.select(ParentInvitation).where(ParentInvitation.pending_at(moment))
            )
        )
        assert pending == {i for i in made if i.state(moment) == InvitationState.PENDING}
    assert [i.state(now) for i in made] == [
        InvitationState.PENDING,
        InvitationState.WITHDRAWN,
        InvitationState.ACCEPTED,
        InvitationState.EXPIRED,
    ]
