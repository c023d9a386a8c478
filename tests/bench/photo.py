"""A stand-in for a phone camera's photo: 12 megapixels (4000x3000), textured like a real
scene so it compresses like one, saved at camera quality with EXIF and GPS tags."""

import io

from PIL import Image

WIDTH, HEIGHT = 4000, 3000
QUALITY = 92  # phone cameras save JPEGs at about this quality


def camera_jpeg() -> bytes:
    noise = Image.effect_noise((WIDTH, HEIGHT), 24)
    red = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    green = Image.radial_gradient("L").resize((WIDTH, HEIGHT))
    image = Image.merge(
        "RGB",
        (
            Image.blend(red, noise, 0.35),
            Image.blend(green, noise, 0.35),
            Image.blend(red.rotate(90, expand=False), noise, 0.35),
        ),
    )
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"  # Model
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY, exif=exif)
    return out.getvalue()
