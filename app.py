"""Entry point for `flask` and gunicorn (`gunicorn 'app:app'`)."""

from ap_field import create_app
from ap_field.auth.models import Role, User
from ap_field.extensions import db
from ap_field.parents.models import ParentLink
from ap_field.premises.models import Provider
from ap_field.pupils.models import CaseloadAssignment, Pupil

app = create_app()


@app.shell_context_processor
def shell_context() -> dict:
    return {
        "db": db,
        "User": User,
        "Role": Role,
        "Pupil": Pupil,
        "CaseloadAssignment": CaseloadAssignment,
        "ParentLink": ParentLink,
        "Provider": Provider,
    }
