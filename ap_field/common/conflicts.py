"""The 409 answer to an edit that someone else saved first (docs/architecture.md, "The
offline protocol"): what differs between their saved record and the form that was sent."""

from flask_wtf import FlaskForm
from wtforms import Field

from ap_field.audit.models import plain

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
