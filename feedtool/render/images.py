"""Artwork checks with Pillow: is it an image, and what kind."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from feedtool.problems import ProblemFound, error

MIME = {"JPEG": "image/jpeg", "PNG": "image/png"}


@dataclass(frozen=True)
class ImageInfo:
    format: str  # JPEG, PNG, …
    width: int
    height: int
    mode: str  # RGB, RGBA, L, CMYK, …

    @property
    def mime(self) -> str | None:
        return MIME.get(self.format)


def inspect_image(data: bytes, display: str, field: str | None = None) -> ImageInfo:
    """Raise ProblemFound unless DATA is a readable image."""
    if not data:
        raise ProblemFound(error(display, field, "the image file is empty"))
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
        with Image.open(io.BytesIO(data)) as img:
            return ImageInfo(img.format or "?", img.width, img.height, img.mode)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ProblemFound(error(display, field, f"is not a readable image ({exc.__class__.__name__})")) from exc
