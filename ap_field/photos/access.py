"""Who may see a photo. The area whose record holds the photo decides: each registers a rule
that answers True or False for its own photos and None for photos that are not its own.
A photo no rule claims is seen by nobody."""

from collections.abc import Callable

from ap_field.auth.models import User
from ap_field.photos.models import Photo

PhotoRule = Callable[[User, Photo], bool | None]
RULES: list[PhotoRule] = []


def photo_rule(rule: PhotoRule) -> PhotoRule:
    RULES.append(rule)
    return rule


def may_see(user: User, photo: Photo) -> bool:
    for rule in RULES:
        verdict = rule(user, photo)
        if verdict is not None:
            return verdict
    return False
