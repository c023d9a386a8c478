from ap_field.extensions import db
from ap_field.visits.models import HomeVisit


def path_of(visit: HomeVisit) -> str:
    return f"/pupils/{visit.pupil_id}/visits/{visit.id}"


def reloaded(visit: HomeVisit) -> HomeVisit:
    db.session.expire_all()
    return db.session.get(HomeVisit, visit.id)
