"""Thumbnails: upright, small, stripped of metadata, first frame only, and nothing for what is not a safe image."""

import io
import struct
import zlib

import pytest
from PIL import Image, ImageFile

from kiko_livechat.services import thumbnails
from kiko_livechat.services.thumbnails import THUMB_MAX_SIDE, make_thumbnail

RED, BLUE = (255, 0, 0), (0, 0, 255)
GPS_IFD = 0x8825


def _encode(image: Image.Image, fmt: str, **save) -> io.BytesIO:
    out = io.BytesIO()
    image.save(out, fmt, **save)
    out.seek(0)
    return out


def _halves(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue: shows which way the thumbnail was turned."""
    image = Image.new(mode, size, RED)
    image.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    return image


def _exif(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Camera maker"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (48.0, 51.0, 30.0)
    return exif


def _close(pixel, colour) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(pixel[:3], colour, strict=True))


def test_exif_orientation_is_applied_and_the_sizes_are_the_upright_ones():
    photo = _encode(_halves((1000, 600)), "JPEG", exif=_exif(6))  # 6: turn 90 degrees clockwise to show
    thumb = make_thumbnail(photo)
    assert (thumb.source_width, thumb.source_height) == (600, 1000)
    assert (thumb.width, thumb.height) == (288, 480)
    shown = Image.open(io.BytesIO(thumb.data))
    assert shown.size == (288, 480)
    # The stored left (red) half is on top once turned.
    assert _close(shown.getpixel((144, 10)), RED) and _close(shown.getpixel((144, 470)), BLUE)


def test_the_output_has_no_exif_gps_icc_or_comment():
    icc = b"\x00" * 128 + b"acsp" + b"\x00" * 100  # not a valid profile: Pillow stores it as given
    photo = _encode(_halves((800, 600)), "JPEG", exif=_exif(1), icc_profile=icc, comment=b"secret place")
    assert Image.open(photo).getexif().get_ifd(GPS_IFD), "the test photo must carry GPS"
    thumb = make_thumbnail(photo)
    shown = Image.open(io.BytesIO(thumb.data))
    assert thumb.mime == "image/jpeg" and shown.format == "JPEG"
    assert not shown.getexif() and not shown.getexif().get_ifd(GPS_IFD)
    assert "icc_profile" not in shown.info and "comment" not in shown.info and "exif" not in shown.info
    assert b"Exif" not in thumb.data and b"secret" not in thumb.data


def test_a_png_with_text_chunks_and_a_profile_comes_out_without_them():
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "home address")
    source = _encode(Image.new("RGBA", (50, 50), (0, 0, 0, 0)), "PNG", pnginfo=text, icc_profile=b"x" * 64)
    thumb = make_thumbnail(source)
    assert b"home address" not in thumb.data and b"iCCP" not in thumb.data and b"tEXt" not in thumb.data


def test_large_images_are_bounded_by_the_longest_side_and_decoded_from_the_full_size():
    thumb = make_thumbnail(_encode(_halves((2000, 1500)), "JPEG"))
    assert (thumb.width, thumb.height) == (480, 360)
    assert (thumb.source_width, thumb.source_height) == (2000, 1500)
    tall = make_thumbnail(_encode(_halves((300, 1200)), "PNG"))
    assert (tall.width, tall.height) == (120, 480)
    assert max(tall.width, tall.height) <= THUMB_MAX_SIDE


def test_a_small_image_is_never_enlarged():
    thumb = make_thumbnail(_encode(_halves((100, 50)), "JPEG"))
    assert (thumb.width, thumb.height, thumb.source_width, thumb.source_height) == (100, 50, 100, 50)
    assert Image.open(io.BytesIO(thumb.data)).size == (100, 50)


def test_transparency_is_kept_in_a_png():
    image = Image.new("RGBA", (600, 600), (0, 255, 0, 255))
    image.paste((0, 0, 0, 0), (0, 0, 300, 600))
    thumb = make_thumbnail(_encode(image, "PNG"))
    shown = Image.open(io.BytesIO(thumb.data))
    assert thumb.mime == "image/png" and shown.format == "PNG" and shown.mode == "RGBA"
    assert shown.getpixel((10, 10))[3] == 0 and shown.getpixel((470, 10))[3] == 255


def test_a_palette_gif_with_a_transparent_colour_keeps_it():
    image = Image.new("P", (40, 40), 1)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.paste(0, (0, 0, 20, 40))
    thumb = make_thumbnail(_encode(image, "GIF", transparency=0))
    shown = Image.open(io.BytesIO(thumb.data)).convert("RGBA")
    assert thumb.mime == "image/png"
    assert shown.getpixel((5, 5))[3] == 0 and _close(shown.getpixel((35, 5)), RED)


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_an_animation_gives_its_first_frame(fmt):
    frames = [Image.new("RGB", (64, 64), colour) for colour in (RED, BLUE, (0, 255, 0))]
    source = _encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert getattr(Image.open(source), "n_frames", 1) == 3
    source.seek(0)
    thumb = make_thumbnail(source)
    shown = Image.open(io.BytesIO(thumb.data))
    assert getattr(shown, "n_frames", 1) == 1
    assert _close(shown.convert("RGB").getpixel((32, 32)), RED)


def test_greyscale_and_cmyk_photos_become_jpegs():
    for mode in ("L", "CMYK"):
        thumb = make_thumbnail(_encode(Image.new(mode, (30, 20)), "JPEG"))
        assert thumb.mime == "image/jpeg" and Image.open(io.BytesIO(thumb.data)).mode in ("L", "RGB")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not an image at all",
        bytes(range(256)) * 10,
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
        _encode(_halves((200, 200)), "JPEG").getvalue()[:300],  # truncated
        _encode(_halves((20, 20)), "BMP").getvalue(),  # decodable, but not one of the formats taken
        _encode(_halves((20, 20)), "TIFF").getvalue(),
    ],
    ids=["empty", "text", "noise", "broken png", "truncated jpeg", "bmp", "tiff"],
)
def test_what_cannot_be_decoded_as_a_web_image_gives_none(data):
    assert make_thumbnail(io.BytesIO(data)) is None


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims `width` x `height` pixels but carries only a few bytes of image data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + data + chunk(b"IEND", b"")


@pytest.mark.parametrize("size", [(8000, 7000), (20000, 20000)], ids=["over MAX_PIXELS", "over Pillow's own limit"])
def test_an_image_claiming_too_many_pixels_is_refused_before_decoding(size, monkeypatch):
    def no_decoding(self):
        raise AssertionError("the pixels were decoded")

    # Its few bytes of data would fail to decode anyway: what counts is that no decoding starts.
    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    assert make_thumbnail(io.BytesIO(_png_header(*size))) is None


def test_the_pixel_limit_is_ours(monkeypatch):
    source = _encode(_halves((100, 100)), "PNG").getvalue()
    monkeypatch.setattr(thumbnails, "MAX_PIXELS", 100 * 100 - 1)
    assert make_thumbnail(io.BytesIO(source)) is None
    monkeypatch.setattr(thumbnails, "MAX_PIXELS", 100 * 100)
    assert make_thumbnail(io.BytesIO(source)) is not None
