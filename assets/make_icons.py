"""Draw the ap-field app icons: white "ap" on GOV.UK brand blue.

Run from the repository root; writes into static/icons/.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BRAND_BLUE = "#1d70b8"  # GOV.UK Frontend brand colour
TEXT = "ap"
OUT = Path("static/icons")

# (file name, side in pixels, share of the side the lettering may span).
# Maskable icons are cropped to a circle of 80% of the side, so their
# lettering stays well inside it.
ICONS = [
    ("icon-192.png", 192, 0.62),
    ("icon-512.png", 512, 0.62),
    ("icon-maskable-512.png", 512, 0.46),
    ("apple-touch-icon.png", 180, 0.62),
    ("favicon.png", 32, 0.80),
]


def lettering(size: int, share: float) -> tuple[ImageFont.FreeTypeFont, int]:
    """The largest default font, and a stroke to embolden it, that fits the share."""
    target = size * share
    font_size = size
    while font_size > 4:
        font = ImageFont.load_default(size=font_size)
        stroke = round(font_size / 36)
        left, top, right, bottom = font.getbbox(TEXT, stroke_width=stroke)
        if max(right - left, bottom - top) <= target:
            return font, stroke
        font_size -= 1
    raise ValueError(f"no font size fits a {size}px icon")


def draw_icon(size: int, share: float) -> Image.Image:
    image = Image.new("RGB", (size, size), BRAND_BLUE)
    draw = ImageDraw.Draw(image)
    font, stroke = lettering(size, share)
    left, top, right, bottom = draw.textbbox((0, 0), TEXT, font=font, stroke_width=stroke)
    origin = ((size - (right - left)) / 2 - left, (size - (bottom - top)) / 2 - top)
    draw.text(origin, TEXT, font=font, fill="white", stroke_width=stroke, stroke_fill="white")
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, share in ICONS:
        draw_icon(size, share).save(OUT / name, optimize=True)


if __name__ == "__main__":
    main()
