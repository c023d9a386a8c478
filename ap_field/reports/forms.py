from datetime import date

from wtforms import RadioField, SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from ap_field.attendance.forms import fill_in_this_school_year, period_is_valid
from ap_field.common.forms import BaseForm, DateField

FORMATS = [
    SelectChoice("csv", "CSV (comma-separated values)"),
    SelectChoice("xlsx", "Excel workbook (XLSX)"),
]


class ExportForm(BaseForm):
    """Which return, in which format, and for the register the days it covers: blank ones,
    this school year so far."""

    class Meta:
        csrf = False

    export = RadioField("Export", validators=[InputRequired("Choose what to export")])
    format = RadioField(
        "Format", choices=FORMATS, default="csv", validators=[InputRequired("Choose a format")]
    )
    first = DateField(
        "First day",
        description="For the register. Leave it blank for 1 September, when the school year began",
        validators=[Optional()],
    )
    last = DateField(
        "Last day",
        description="For the register. Leave it blank for today",
        validators=[Optional()],
    )

    def __init__(self, *args, exports, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.exports = {export.slug: export for export in exports}
        self.export.choices = [SelectChoice(export.slug, export.title) for export in exports]

    def validate(self, extra_validators=None) -> bool:
        chosen = self.exports.get(self.export.data)
        if chosen is not None and chosen.needs_range:
            fill_in_this_school_year(self.first, self.last, self.today)
        valid = super().validate(extra_validators)
        return period_is_valid(self.first.data, self.last) and valid


class ImpactForm(BaseForm):
    """The period the programme's impact is measured over."""

    class Meta:
        csrf = False

    first = DateField("First day", validators=[InputRequired("Enter the first day")])
    last = DateField("Last day", validators=[InputRequired("Enter the last day")])

    def validate_last(self, field) -> None:
        first = self.first.data
        if first is not None and field.data is not None and field.data < first:
            raise ValidationError("The last day must be the same as or after the first day")
