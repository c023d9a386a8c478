"""The 409 answer to an edit that someone else saved first (docs/architecture.md, "The
offline protocol"): what differs between their saved record and the form that was sent, on
one page for every area."""

from flask import render_template, request
from flask_wtf import FlaskForm
from wtforms import Field

from ap_field.audit.models import plain
from ap_field.extensions import db

NOT_COMPARED = frozenset({"csrf_token", "version", "client_uuid", "submit"})


def _shown(field: Field, value) -> str:
    """A value as the form shows it: a choice's label rather than its code."""
    value = plain(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    labels = {
        str(choice.value): str(choice.label) for choice in getattr(field, "choices", None) or []
    }
    values = value if isinstance(value, list) else [] if value in (None, "") else [value]
    return ", ".join(labels.get(str(item), str(item)) for item in values)


def form_differences(form: FlaskForm, record) -> list[tuple[str, str, str]]:
    """(question, theirs, mine) for each field of `form` that names an attribute of `record`
    and holds something else."""
    return [
        (field.label.text, theirs, mine)
        for field in form
        if field.name not in NOT_COMPARED and hasattr(record, field.name)
        if (theirs := _shown(field, getattr(record, field.name)))
        != (mine := _shown(field, field.data))
    ]


def conflict_page(
    record,
    form: FlaskForm,
    *,
    what: str,
    keep_url: str | None,
    differences: list[tuple[str, str, str]] | None = None,
    **context,
):
    """409 with both versions, to keep theirs or save mine over it. Whatever the refused edit
    left in the session is dropped and `record` read again as they saved it, so that "Save my
    version" carries the version it would now overwrite and is sent again to this request's
    path. `differences` defaults to the form's fields that differ from the record; `context`
    names the rest of components/conflict.html's choices (`pupil` or `caption`, `both_url`)."""
    db.session.rollback()
    db.session.refresh(record)
    page = render_template(
        "components/conflict.html",
        what=what,
        keep_url=keep_url,
        save_url=request.path,
        current_version=record.version,
        differences=form_differences(form, record) if differences is None else differences,
        **context,
    )
    return page, 409
