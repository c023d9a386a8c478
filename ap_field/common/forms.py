import wtforms
from flask_wtf import FlaskForm
from wtforms import PasswordField


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """Every form strips surrounding whitespace, except from passwords, where it may be meant."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if unbound_field.field_class is not PasswordField:
                options["filters"] = [*unbound_field.kwargs.get("filters", ()), _strip]
            return unbound_field.bind(form=form, **options)


class DateField(wtforms.DateField):
    """A phone's native date picker, with an error message that says what to do."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(
                f"Enter the {self.label.text.lower()} as a real date, like 27/03/2012"
            ) from error


class DecimalField(wtforms.DecimalField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(f"{self.label.text} must be a number, like 25 or 22.5") from error


class CheckboxesField(wtforms.SelectMultipleField):
    """Several choices, shown as GOV.UK checkboxes."""

    widget = wtforms.widgets.ListWidget(prefix_label=False)
    option_widget = wtforms.widgets.CheckboxInput()
