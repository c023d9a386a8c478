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
