"""Linking parents and carers to pupils, with the audit trail."""

from ap_field.audit.models import record
from ap_field.auth.models import User
from ap_field.extensions import db
from ap_field.parents.models import ParentLink
from ap_field.pupils.models import Pupil


def _values(link: ParentLink) -> dict:
    return {
        "relationship": link.relationship,
        "may_confirm_attendance": link.may_confirm_attendance,
    }


def link_parent(pupil: Pupil, parent: User, relationship: str, may_confirm: bool) -> ParentLink:
    link = ParentLink(
        pupil=pupil,
        parent=parent,
        relationship=relationship,
        may_confirm_attendance=may_confirm,
    )
    db.session.add(link)
    record(
        "parent.linked",
        pupil_id=pupil.id,
        parent=parent.name,
        relationship=relationship,
        after=_values(link),
    )
    db.session.commit()
    return link


def update_link(link: ParentLink, relationship: str, may_confirm: bool) -> None:
    before = _values(link)
    link.relationship, link.may_confirm_attendance = relationship, may_confirm
    if _values(link) != before:
        record(
            "parent.updated",
            pupil_id=link.pupil_id,
            parent=link.parent.name,
            before=before,
            after=_values(link),
        )
    db.session.commit()


def unlink(link: ParentLink) -> None:
    record("parent.unlinked", pupil_id=link.pupil_id, parent=link.parent.name, before=_values(link))
    db.session.delete(link)
    db.session.commit()
