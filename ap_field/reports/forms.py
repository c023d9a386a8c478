from datetime import date

from wtforms import RadioField, SelectChoice
from wtforms.validators import InputRequired, ValidationError

from ap_field.attendance.forms import MAX_RANGE_DAYS
from ap_field.common.forms import BaseForm, DateField

FORMATS = [
    SelectChoice("csv", "CSV (comma-separated values)"),
    SelectChoice("xlsx", "Excel workbook (XLSX)"),
]


class ExportForm(BaseForm):
    """Which return, in which format, and for the register the days it covers."""

    class Meta:
        csrf = False

    export = RadioField("Export", validators=[InputRequired("Choose what to export")])
    format = RadioField(
        "Format", choices=FORMATS, default="csv", validators=[InputRequired("Choose a format")]
    )
    first = DateField("First day", description="Needed for the register; for example 1/9/2026")
    last = DateField("Last day")

    def __init__(self, *args, exports, **kwargs):
        super().__init__(*args, **kwargs)
        self.exports = {export.slug: export for export in exports}
        self.export.choices = [SelectChoice(export.slug, export.title) for export in exports]

    def validate_first(self, field) -> None:
        chosen = self.exports.get(self.export.data)
        if field.data is None and chosen is not None and chosen.needs_range:
            raise ValidationError("Enter the first day to export")

    def validate_last(self, field) -> None:
        chosen = self.exports.get(self.export.data)
        if field.data is None:
            if chosen is not None and chosen.needs_range:
                raise ValidationError("Enter the last day to export")
            return
        first: date | None = self.first.data
        if first is None:
            return
        if field.data < first:
            raise ValidationError("The last day must be the same as or after the first day")
        if (field.data - first).days > MAX_RANGE_DAYS:
            raise ValidationError("Export at most a year and a month at a time")


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
