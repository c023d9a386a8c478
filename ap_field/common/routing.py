"""Addresses: record ids in URLs and query strings, kept within what the database can hold,
and pages' paths where there is no request."""

from flask import current_app, request
from werkzeug.routing import BaseConverter, IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's integer; a larger id cannot name a record


class RecordId(IntegerConverter):
    """`<int:...>` in every route: an id too large for the database is a 404, not an error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def path_for(endpoint: str, **values) -> str:
    """A page's path, also where there is no request (the tick runs from cron)."""
    return current_app.url_map.bind("").build(endpoint, values)


def id_from_query(name: str) -> int | None:
    """An id from the query string, or None when it is missing, malformed or out of range."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None


class LinkToken(BaseConverter):
    """`<token:...>`: the secret of an emailed or scanned link, in URL-safe base64. A link
    with anything else in it is not one of ours."""

    regex = r"[A-Za-z0-9_-]{1,100}"
