"""Thumbnails: how long make_thumbnail takes for a 12 MP phone photo (issue 16's target: under 300 ms).

A 4000x3000 JPEG (gradients under noise, so it does not compress to nothing, quality 90) with an EXIF
orientation of 6, as a phone held upright writes it. Timed over --rounds, each line in the same run:
1. make_thumbnail: p50/p99 wall time and the process CPU per thumbnail;
2. the floor: Pillow decoding the same file in draft mode to the thumbnail's size, and nothing else;
3. for scale: a full-size decode with no draft, as a naive thumbnail would start.

Usage: python -m bench.thumbnail_bench [--rounds 20]
"""

import argparse
import io
import time
from collections.abc import Callable

from PIL import Image, ImageChops

from bench.timing import percentiles
from kiko_livechat.services.thumbnails import THUMB_MAX_SIDE, make_thumbnail

SIZE = (4000, 3000)


def photo() -> bytes:
    """A 12 MP JPEG that is not trivially compressible, with EXIF orientation 6."""
    across = Image.linear_gradient("L").rotate(90).resize(SIZE)
    down = Image.linear_gradient("L").resize(SIZE)
    channels = [ImageChops.add(band, Image.effect_noise(SIZE, 48), scale=1.5) for band in (across, down, across)]
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    Image.merge("RGB", channels).save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def draft_decode(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        scale = THUMB_MAX_SIDE / max(image.size)
        image.draft("RGB", (round(image.width * scale), round(image.height * scale)))
        image.load()


def full_decode(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        image.load()


def measure(fn: Callable[[], object], rounds: int) -> tuple[list[float], float]:
    """Wall time of each round, and the process CPU seconds per round."""
    fn()  # warm-up: imports, plugin registration, first allocations
    samples = []
    cpu_start = time.process_time()
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples, (time.process_time() - cpu_start) / rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    data = photo()
    thumb = make_thumbnail(io.BytesIO(data))
    print(
        f"source: {SIZE[0]}x{SIZE[1]} JPEG, {len(data) / 1e6:.2f} MB, EXIF orientation 6; "
        f"thumbnail {thumb.width}x{thumb.height} {thumb.mime}, {len(thumb.data) / 1e3:.1f} kB "
        f"(source seen as {thumb.source_width}x{thumb.source_height}); {args.rounds} rounds"
    )
    lines = (
        ("make_thumbnail", lambda: make_thumbnail(io.BytesIO(data))),
        ("floor: draft decode only", lambda: draft_decode(data)),
        ("full decode, no draft", lambda: full_decode(data)),
    )
    for label, fn in lines:
        samples, cpu = measure(fn, args.rounds)
        print(f"{label:<26} {percentiles(samples)}  CPU {cpu * 1000:.1f} ms/round")


if __name__ == "__main__":
    main()
