"""PDFs, made by WeasyPrint from a page's HTML. The page names no outside address, and the
fetcher refuses any, so making a PDF reaches nothing on the network."""

from flask import Response
from PIL import ImageFile
from weasyprint import HTML

# Importing WeasyPrint tells Pillow, for the whole process, to accept truncated images. The
# photos area refuses a damaged photo (ap_field/photos/images.py), so that is put back.
ImageFile.LOAD_TRUNCATED_IMAGES = False


def _fetch_nothing(url: str, *_args, **_kwargs):
    raise ValueError(f"a PDF fetches nothing: {url}")


def pdf_of(page: str) -> bytes:
    return HTML(string=page, url_fetcher=_fetch_nothing).write_pdf()


def pdf_response(page: str, filename: str) -> Response:
    """The page as a PDF to download, never kept by a cache."""
    response = Response(pdf_of(page), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
