import uuid

import wtforms
from flask import request
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from ap_field.common.time import london_today
from ap_field.common.writes import by_client_uuid


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """Every form strips surrounding whitespace, except from passwords, where it may be meant."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            kind = unbound_field.field_class
            if issubclass(kind, wtforms.StringField) and not issubclass(kind, PasswordField):
                options["filters"] = [*unbound_field.kwargs.get("filters", ()), _strip]
            return unbound_field.bind(form=form, **options)


class _SaysWhatToDo:
    """A field whose unreadable value gets an error message that says what to do: `advice`,
    with the field's label as `{label}` and in lower case as `{lower}`."""

    advice: str

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            label = self.label.text
            raise ValueError(self.advice.format(label=label, lower=label.lower())) from error


class DateField(_SaysWhatToDo, wtforms.DateField):
    """A phone's native date picker."""

    advice = "Enter the {lower} as a real date, like 27/03/2012"


class TimeField(_SaysWhatToDo, wtforms.TimeField):
    """A phone's native time picker."""

    advice = "Enter the {lower} as hours and minutes, like 14:30"


class DecimalField(_SaysWhatToDo, wtforms.DecimalField):
    advice = "{label} must be a number, like 25 or 22.5"


class NotInTheFuture:
    """A date's validator: today or earlier, the programme's today in Europe/London."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data and field.data > london_today():
            raise ValidationError(self.message)


class CheckboxesField(wtforms.SelectMultipleField):
    """Several choices, shown as GOV.UK checkboxes."""

    widget = wtforms.widgets.ListWidget(prefix_label=False)
    option_widget = wtforms.widgets.CheckboxInput()


class SyncedForm(BaseForm):
    """A form for a record phones may save offline (docs/architecture.md, "The offline protocol").

    A create form carries the `client_uuid` made when it opened, so a replayed create
    finds the record it made; an edit form carries the `version` it started from.
    """

    client_uuid = wtforms.HiddenField()
    version = wtforms.IntegerField(
        widget=wtforms.widgets.HiddenInput(), validators=[wtforms.validators.Optional()]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_submitted() and "version" not in request.form:
            # An edit that does not say which version it started from cannot be
            # checked against the record; treat it as stale rather than overwrite.
            self.version.data = None

    def open_new(self) -> None:
        """Give a create form opened on a GET its client_uuid."""
        self.client_uuid.data = str(uuid.uuid4())

    def record_uuid(self) -> uuid.UUID:
        """The form's client_uuid, or a new one when it is missing or malformed."""
        try:
            return uuid.UUID(str(self.client_uuid.data or ""))
        except ValueError:
            return uuid.uuid4()

    def made_before(self, model: type, **same):
        """A create view's first step: on a GET, open the form (`open_new`); otherwise the
        `model` record an earlier send of the same form made, if one did (`by_client_uuid`,
        with `same`), for the view to redirect to instead of making it again."""
        if request.method == "GET":
            self.open_new()
            return None
        return by_client_uuid(model, self.record_uuid(), **same)


def choices(enum_class, blank: str | None = None) -> list[SelectChoice]:
    """A select's or radios' options from an enum with labels, after `blank` if given."""
    options = [SelectChoice(value, label) for value, label in enum_class.choices()]
    return [SelectChoice("", blank), *options] if blank else options


def first_input_id(field) -> str:
    """Where an error summary's link for the field goes: its first input. A group of radios
    or checkboxes is a fieldset with that id; its first option's input is `<id>-0`."""
    if isinstance(field, wtforms.RadioField | CheckboxesField) and field.choices:
        return f"{field.id}-0"
    return field.id


def field_errors(form) -> list[tuple[str, str]]:
    """Every error of a form as (field id, message), in page order, rows of lists included;
    each id that of the field's first input (`first_input_id`)."""
    found = []
    for field in form:
        if isinstance(field, wtforms.FieldList | wtforms.FormField):
            found += [(field.id, error) for error in field.errors if isinstance(error, str)]
            for entry in field:
                found += field_errors(
                    entry.form if isinstance(entry, wtforms.FormField) else [entry]
                )
        else:
            found += [(first_input_id(field), error) for error in field.errors]
    return found
