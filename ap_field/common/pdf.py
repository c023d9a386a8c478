"""PDFs, made by WeasyPrint from a page's HTML. The page names no outside address and its
pictures travel inside it as data: URLs; the fetcher takes nothing else, so making a PDF
reaches nothing on the network."""

import base64

from flask import Response
from PIL import ImageFile


def data_url(data: bytes, mimetype: str) -> str:
    """A picture carried inside the page itself, for a PDF."""
    return f"data:{mimetype};base64,{base64.b64encode(data).decode()}"


def pdf_of(page: str) -> bytes:
    # WeasyPrint and what it loads are some 27 MB in each app worker, which most never need:
    # loaded with the worker's first PDF.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Importing WeasyPrint tells Pillow, for the whole process, to accept truncated images.
    # The photos area refuses a damaged photo (ap_field/photos/images.py), so that is put back.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    return HTML(string=page, url_fetcher=fetcher).write_pdf()


def pdf_response(page: str, filename: str) -> Response:
    """The page as a PDF to download, never kept by a cache."""
    response = Response(pdf_of(page), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
