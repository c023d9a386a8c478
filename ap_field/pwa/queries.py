"""The one read the app shell makes of the database: whether it answers."""

import sqlalchemy as sa

from ap_field.extensions import db


def database_answers() -> bool:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return False
    return True
