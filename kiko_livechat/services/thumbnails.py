"""Thumbnails of image attachments, made on the server so a chat never loads a 12 MP photo to show
a 480-pixel preview, and so what is shown carries none of the sender's metadata (EXIF, GPS, ICC,
comments).

Only JPEG, PNG, GIF and WebP are decoded (the image types a browser shows inline): Pillow's other,
rarer decoders are kept out of reach of uploaded bytes. A photo becomes a JPEG (quality 80); an image
with transparency becomes a PNG, which every client shows (WebP would be smaller, but API consumers
and mail clients do not all read it). Colours are not converted: a wide-gamut (Display P3) photo
loses its profile and looks slightly duller in the thumbnail.
"""

import io
import math
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image, ImageOps

THUMB_MAX_SIDE = 480
MAX_PIXELS = 50_000_000
JPEG_QUALITY = 80
FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
_ORIENTATION = 0x0112
_SWAPS_SIDES = frozenset({5, 6, 7, 8})  # the EXIF orientations that turn the image a quarter
# What hostile or broken input makes Pillow's decoders raise (UnidentifiedImageError is an OSError).
_UNDECODABLE = (OSError, ValueError, EOFError, SyntaxError, IndexError, TypeError, Image.DecompressionBombError)


@dataclass(frozen=True)
class Thumbnail:
    data: bytes
    mime: str
    width: int
    height: int
    source_width: int
    source_height: int


def make_thumbnail(source: BinaryIO) -> Thumbnail | None:
    """A thumbnail of the image in `source`: turned upright as its EXIF orientation says, its longest
    side at most THUMB_MAX_SIDE (never enlarged), the first frame of an animation, and no metadata.

    None when Pillow cannot decode it as JPEG/PNG/GIF/WebP or it has more than MAX_PIXELS pixels.
    """
    try:
        with Image.open(source, formats=FORMATS) as image:
            return _thumbnail(image)
    except _UNDECODABLE:
        return None


def _thumbnail(image: Image.Image) -> Thumbnail | None:
    # Image.open read only the header: refuse a decompression bomb before a single pixel is decoded.
    width, height = image.size
    if width * height > MAX_PIXELS or not width or not height:
        return None
    source_size = (height, width) if image.getexif().get(_ORIENTATION) in _SWAPS_SIDES else (width, height)
    _decode_small(image)
    # A copy (turned or not): thumbnail() below works in place.
    upright = ImageOps.exif_transpose(image)
    picture, mime, fmt = _for_output(upright)
    picture.thumbnail((THUMB_MAX_SIDE, THUMB_MAX_SIDE))
    # The encoders copy comments and the ICC profile from info: an empty one leaves them out.
    picture.info = {}
    out = io.BytesIO()
    if fmt == "JPEG":
        picture.save(out, fmt, quality=JPEG_QUALITY)
    else:
        picture.save(out, fmt)
    return Thumbnail(out.getvalue(), mime, *picture.size, *source_size)


def _decode_small(image: Image.Image) -> None:
    """For a JPEG, let the decoder scale by 1/2, 1/4 or 1/8 while decoding, to the smallest size still
    at least the thumbnail's: a 12 MP photo then decodes as 0.2 MP. No-op for other formats."""
    if image.format != "JPEG":
        return
    scale = THUMB_MAX_SIDE / max(image.size)
    if scale < 1:
        image.draft(None, (math.ceil(image.width * scale), math.ceil(image.height * scale)))


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _for_output(image: Image.Image) -> tuple[Image.Image, str, str]:
    """The image in a mode its output format takes: RGBA for a PNG when there is transparency,
    else RGB (or L for greyscale) for a JPEG."""
    if _has_alpha(image):
        return image.convert("RGBA"), "image/png", "PNG"
    if image.mode in ("RGB", "L"):
        return image, "image/jpeg", "JPEG"
    return image.convert("RGB"), "image/jpeg", "JPEG"
