from ap_field.common.forms import BaseForm, CheckboxesField


class KindsForm(BaseForm):
    kinds = CheckboxesField(
        "Send me a reminder when",
        description="Untick the reminders you do not want on any of your devices.",
        choices=[],
        validate_choice=True,
    )

    def offer(self, kinds) -> None:
        self.kinds.choices = [(kind.name, kind.label) for kind in kinds]


class DeviceForm(BaseForm):
    """A button-only form (turn a device off, send a test): CSRF and nothing else."""
