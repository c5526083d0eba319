"""Draw the demo show's cover art (podcast-cover.png, 1400x1400 RGB PNG).

Apple wants 1400-3000 px square JPEG/PNG in RGB. Drawn, not downloaded, so
the demo has no third-party artwork; deterministic, so re-running gives the
same bytes. Run: python scripts/make_cover.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SIZE = 1400
ROOT = Path(__file__).resolve().parent.parent


def draw() -> Image.Image:
    img = Image.new("RGB", (SIZE, SIZE))
    px = ImageDraw.Draw(img)
    for y in range(SIZE):  # a vertical dusk gradient
        t = y / SIZE
        px.line([(0, y), (SIZE, y)], fill=(int(32 + 180 * t), int(24 + 40 * t), int(84 - 30 * t)))
    for i, r in enumerate(range(440, 40, -80)):  # sound rings
        px.ellipse([SIZE / 2 - r, 500 - r, SIZE / 2 + r, 500 + r], outline=(255, 214, 153), width=10 - i)
    big = ImageFont.load_default(size=150)
    small = ImageFont.load_default(size=64)
    px.text((SIZE / 2, 1130), "Feedtool", font=big, fill=(255, 255, 255), anchor="mm")
    px.text((SIZE / 2, 1260), "Interviews", font=small, fill=(255, 230, 200), anchor="mm")
    return img


if __name__ == "__main__":
    target = ROOT / "podcast-cover.png"
    draw().save(target, optimize=True)
    print(f"wrote {target.relative_to(ROOT)}")
