"""Turning an uploaded file into a photo that is safe to keep and show.

Only JPEG, PNG and WebP are opened; the pixel count is checked from the header, before
anything is decoded, so a small file that would unpack into gigabytes is refused; the
orientation the camera recorded is applied; and the picture is re-encoded as a new JPEG,
which leaves every EXIF field (GPS included), XMP and comment behind.
"""

import base64
import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
# A 48-megapixel phone camera sent without the in-browser downscale still fits.
MAX_PIXELS = 50_000_000
LONGEST_SIDE = 1600  # docs/architecture.md, "Photos": kept at most 1600 px on the longest side
THUMBNAIL_SIDE = 320
JPEG_QUALITY = 85
# ISO base media "ftyp" brands of HEIF/HEIC files, as iPhones save them.
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif")


class PhotoRefused(ValueError):
    """The file cannot be kept as a photo; the message says why and what to do."""


@dataclass(frozen=True)
class CleanPhoto:
    image: bytes
    thumbnail: bytes
    width: int
    height: int
    sha256: str
    upload_sha256: str


def _is_heif(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS


def _open(data: bytes) -> Image.Image:
    if _is_heif(data[:16]):
        raise PhotoRefused(
            "HEIC photos cannot be used. Take the photo from this page, which sends a JPEG, "
            "or on an iPhone choose Settings, Camera, Formats, Most Compatible"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise PhotoRefused(_too_many_pixels()) from error
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise PhotoRefused("The file is not a photo: choose a JPEG, PNG or WebP image") from error
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise PhotoRefused(_too_many_pixels())
    return image


def _too_many_pixels() -> str:
    return (
        f"The photo has too many pixels: choose one of at most {MAX_PIXELS // 1_000_000} "
        "megapixels, or take it from this page, which makes it smaller"
    )


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white, as JPEG keeps it; transparent parts of a PNG or WebP become white."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def clean_photo(data: bytes) -> CleanPhoto:
    """The photo re-encoded without metadata, and its thumbnail; PhotoRefused if it cannot be."""
    image = _open(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as error:
        raise PhotoRefused(
            "The photo is damaged or incomplete: take it again or choose another file"
        ) from error
    picture = _flatten(upright)
    picture.info.clear()
    picture.thumbnail((LONGEST_SIDE, LONGEST_SIDE), Image.Resampling.LANCZOS)
    thumbnail = picture.copy()
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    stored = _jpeg(picture)
    return CleanPhoto(
        image=stored,
        thumbnail=_jpeg(thumbnail),
        width=picture.width,
        height=picture.height,
        sha256=hashlib.sha256(stored).hexdigest(),
        upload_sha256=hashlib.sha256(data).hexdigest(),
    )


class SignatureRefused(ValueError):
    """What was sent is not a signature drawn on the page."""


SIGNATURE_PREFIX = "data:image/png;base64,"
SIGNATURE_MAX_BYTES = 200_000
SIGNATURE_MAX_SIDE = 2000


def clean_signature(data_url: str) -> bytes:
    """A signature pad's PNG (a data: URL), re-encoded as a plain PNG on white; refused if it
    is not a small PNG."""
    if not data_url.startswith(SIGNATURE_PREFIX):
        raise SignatureRefused("Sign in the box")
    try:
        data = base64.b64decode(data_url[len(SIGNATURE_PREFIX) :], validate=True)
    except ValueError as error:
        raise SignatureRefused("Sign in the box again") from error
    if len(data) > SIGNATURE_MAX_BYTES:
        raise SignatureRefused("The signature is too large: clear it and sign again")
    try:
        image = Image.open(io.BytesIO(data))
        if image.format != "PNG" or max(image.size) > SIGNATURE_MAX_SIDE:
            raise SignatureRefused("Sign in the box again")
        image.load()
    except (OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise SignatureRefused("Sign in the box again") from error
    out = io.BytesIO()
    _flatten(image).save(out, "PNG", optimize=True)
    return out.getvalue()


def typed_signature(name: str) -> bytes:
    """A name typed instead of drawn, set as a signature pad's PNG would be: for someone who
    cannot draw one (a keyboard, a screen reader)."""
    font = ImageFont.load_default(size=44)
    image = Image.new("RGB", (600, 200), "white")
    ImageDraw.Draw(image).text((30, 70), name[:40], fill="black", font=font)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
