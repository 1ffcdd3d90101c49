"""Writes the alert tones in assets/tones/ (committed; run again only to change them).

Synthesised here instead of downloaded, so their licence is this project's: short, quiet,
mono 16-bit WAVs that every browser plays without a decoder.
"""

import math
import struct
import wave
from pathlib import Path

RATE = 22050
OUT = Path(__file__).resolve().parent.parent / "assets" / "tones"


def _note(freq: float, seconds: float, decay: float, partials=((1, 1.0),)) -> list[float]:
    return [
        sum(weight * math.sin(2 * math.pi * freq * ratio * n / RATE) for ratio, weight in partials)
        * math.exp(-decay * n / RATE)
        * min(1.0, n / (0.005 * RATE))  # 5 ms fade-in: no click at the start
        for n in range(int(seconds * RATE))
    ]


def _write(name: str, samples: list[float], volume: float = 0.5) -> None:
    peak = max(abs(s) for s in samples) or 1.0
    frames = b"".join(struct.pack("<h", int(32767 * volume * s / peak)) for s in samples)
    with wave.open(str(OUT / f"{name}.wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(frames)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    # A bell: a fundamental with inharmonic partials, long decay.
    _write("bell", _note(880, 0.9, 5, ((1, 1.0), (2.76, 0.4), (5.4, 0.2))))
    # A chime: two notes going up.
    _write("chime", _note(660, 0.25, 8) + _note(990, 0.5, 6))
    # A pop: a short, falling blip.
    pop = [
        math.sin(2 * math.pi * (600 - 400 * n / (0.12 * RATE)) * n / RATE) * math.exp(-30 * n / RATE)
        for n in range(int(0.12 * RATE))
    ]
    _write("pop", pop)


if __name__ == "__main__":
    main()
