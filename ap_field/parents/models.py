import sqlalchemy as sa
import sqlalchemy.orm as so

from ap_field.auth.models import User
from ap_field.common.models import SyncedRecord
from ap_field.extensions import db
from ap_field.pupils.models import Pupil


class ParentLink(SyncedRecord, db.Model):
    """A parent or carer's account linked to a child, and whether they may confirm attendance."""

    __tablename__ = "parent_links"
    __table_args__ = (sa.UniqueConstraint("parent_id", "pupil_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    parent_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    pupil_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("pupils.id"), index=True)
    relationship: so.Mapped[str] = so.mapped_column(sa.String(40))
    may_confirm_attendance: so.Mapped[bool] = so.mapped_column(default=True)

    parent: so.Mapped[User] = so.relationship()
    pupil: so.Mapped[Pupil] = so.relationship()
