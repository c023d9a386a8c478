"""The photo pipeline: what is kept of an uploaded file, and what is refused."""

import hashlib
import io
import struct
import zlib

import pytest
from PIL import ExifTags, Image

from ap_field.common.pdf import pdf_of
from ap_field.photos.images import LONGEST_SIDE, THUMBNAIL_SIDE, PhotoRefused, clean_photo
from tests.premises.helpers import jpeg_bytes

GPS = ExifTags.GPS


def phone_photo(size=(800, 600), orientation=6) -> bytes:
    """A JPEG as a phone saves it: maker, model, orientation, time and GPS position."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.Base.Model] = "Pocket 12"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.DateTime] = "2026:11:20 10:15:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[GPS.GPSLatitudeRef] = "N"
    gps[GPS.GPSLatitude] = (51.0, 27.0, 12.5)
    gps[GPS.GPSLongitudeRef] = "W"
    gps[GPS.GPSLongitude] = (2.0, 35.0, 1.0)
    out = io.BytesIO()
    Image.new("RGB", size, (40, 120, 200)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def has_no_metadata(data: bytes) -> None:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert "exif" not in image.info
    assert b"Exif" not in data
    assert b"PhoneCo" not in data
    assert b"Pocket 12" not in data


def test_the_test_photo_really_carries_gps():
    exif = Image.open(io.BytesIO(phone_photo())).getexif()
    assert exif.get_ifd(ExifTags.IFD.GPSInfo)[GPS.GPSLatitudeRef] == "N"
    assert exif[ExifTags.Base.Make] == "PhoneCo"


def test_gps_and_every_other_exif_field_are_gone_from_the_photo_and_its_thumbnail():
    clean = clean_photo(phone_photo())
    has_no_metadata(clean.image)
    has_no_metadata(clean.thumbnail)


def test_the_orientation_the_camera_recorded_is_applied():
    clean = clean_photo(phone_photo(size=(800, 600), orientation=6))
    assert (clean.width, clean.height) == (600, 800)
    assert Image.open(io.BytesIO(clean.image)).size == (600, 800)


def test_a_large_photo_is_kept_at_1600_px_and_its_thumbnail_smaller():
    clean = clean_photo(jpeg_bytes(size=(4000, 3000)))
    assert (clean.width, clean.height) == (LONGEST_SIDE, 1200)
    assert max(Image.open(io.BytesIO(clean.thumbnail)).size) == THUMBNAIL_SIDE


def test_a_hash_of_the_stored_file_and_of_the_upload_is_recorded():
    data = jpeg_bytes()
    clean = clean_photo(data)
    assert clean.sha256 == hashlib.sha256(clean.image).hexdigest()
    assert clean.upload_sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("format_", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted_and_kept_as_jpeg(format_):
    out = io.BytesIO()
    Image.new("RGBA", (50, 40), (0, 0, 0, 0)).save(out, format_)
    clean = clean_photo(out.getvalue())
    image = Image.open(io.BytesIO(clean.image))
    assert image.format == "JPEG"
    assert image.getpixel((10, 10)) == pytest.approx((255, 255, 255), abs=3)


def refusal(data: bytes) -> str:
    with pytest.raises(PhotoRefused) as refused:
        clean_photo(data)
    return str(refused.value)


def test_a_pdf_renamed_jpg_is_refused():
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    assert refusal(pdf) == "The file is not a photo: choose a JPEG, PNG or WebP image"


def test_a_gif_is_not_on_the_allowlist():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    assert refusal(out.getvalue()).startswith("The file is not a photo")


def test_a_truncated_jpeg_is_refused():
    data = jpeg_bytes(size=(400, 300), quality=95)
    assert refusal(data[: len(data) // 2]).startswith("The photo is damaged or incomplete")


def test_a_truncated_jpeg_is_still_refused_once_a_pdf_has_been_made():
    pdf_of("<p>A site check report</p>")
    data = jpeg_bytes(size=(400, 300), quality=95)
    assert refusal(data[: len(data) // 2]).startswith("The photo is damaged or incomplete")


def test_heic_is_refused_with_what_to_do():
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    assert "HEIC photos cannot be used" in refusal(heic)


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture: it would unpack into gigabytes."""
    out = io.BytesIO()
    Image.new("1", (1, 1)).save(out, "PNG")
    data = bytearray(out.getvalue())
    header = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return bytes(data)


def jpeg_claiming(width: int, height: int) -> bytes:
    data = bytearray(jpeg_bytes(size=(16, 16)))
    start = data.index(b"\xff\xc0")
    data[start + 5 : start + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    bomb = png_claiming(60_000, 60_000)
    assert len(bomb) < 100
    assert refusal(bomb).startswith("The photo has too many pixels")


def test_a_100_megapixel_image_is_refused():
    assert refusal(jpeg_claiming(10_000, 10_000)).startswith("The photo has too many pixels")


def test_an_image_over_the_pixel_limit_but_under_pillows_is_refused():
    assert refusal(jpeg_claiming(8_000, 7_000)).startswith("The photo has too many pixels")
