"""Gzip for pages, fragments, JSON, CSV and static text files, when the browser accepts it.

A phone on a weak signal pays for every byte: a page's HTML compresses to a fifth of its
size, the stylesheet to a seventh. Streamed responses (exports) are left as they are, and so
are small bodies, which gzip would not shrink by a packet. A static file's compressed body
is kept, keyed by its ETag, so that each file is compressed once per worker.
"""

import gzip
from collections import OrderedDict

from flask import Flask, Response, request

MIN_SIZE = 500  # bytes: below this gzip saves less than its own header and a round of CPU
LEVEL = 6
STATIC_LEVEL = 9  # each static file is compressed once per worker, so the smallest body wins
COMPRESSIBLE = frozenset(
    {
        "text/html",
        "text/css",
        "text/csv",
        "text/plain",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/manifest+json",
        "image/svg+xml",
    }
)
STATIC_CACHE_SIZE = 64


class _StaticCache:
    """The most recently used static files' compressed bodies, by ETag."""

    def __init__(self, size: int):
        self.size = size
        self.bodies: OrderedDict[str, bytes] = OrderedDict()

    def get(self, etag: str, data: bytes) -> bytes:
        if etag in self.bodies:
            self.bodies.move_to_end(etag)
            return self.bodies[etag]
        body = gzip.compress(data, STATIC_LEVEL)
        self.bodies[etag] = body
        if len(self.bodies) > self.size:
            self.bodies.popitem(last=False)
        return body


_static_bodies = _StaticCache(STATIC_CACHE_SIZE)


def _wants_gzip() -> bool:
    return request.accept_encodings.quality("gzip") > 0


def _compressible(response: Response) -> bool:
    return (
        response.status_code == 200
        and response.mimetype in COMPRESSIBLE
        and "Content-Encoding" not in response.headers
        and "Content-Range" not in response.headers
        and not (response.is_streamed and not response.direct_passthrough)
    )


def compress_response(response: Response) -> Response:
    response.vary.add("Accept-Encoding")
    if request.method == "HEAD" or not _compressible(response) or not _wants_gzip():
        return response
    etag, weak = response.get_etag()
    if etag and request.if_none_match.contains_weak(f"{etag}-gzip"):
        return _not_modified(response, f"{etag}-gzip", weak)
    response.direct_passthrough = False
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    body = _static_bodies.get(etag, data) if etag else gzip.compress(data, LEVEL)
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    if etag:
        # Another representation of the same file: another validator.
        response.set_etag(f"{etag}-gzip", weak=weak)
    return response


def _not_modified(response: Response, etag: str, weak: bool) -> Response:
    """The browser holds this file's compressed body already."""
    response.close()
    answer = Response(status=304, headers={"Vary": "Accept-Encoding"})
    answer.set_etag(etag, weak=weak)
    for name in ("Cache-Control", "Expires", "Last-Modified"):
        if name in response.headers:
            answer.headers[name] = response.headers[name]
    return answer


def register_compression(app: Flask) -> None:
    app.after_request(compress_response)
