"""Timing helpers shared by the benchmarks."""

import statistics
import time


def quantiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 of `samples` (seconds), as the benches have always taken them."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1]


def percentiles(samples: list[float]) -> str:
    p50, p99 = quantiles(samples)
    return f"p50 {p50 * 1000:.3f} ms  p99 {p99 * 1000:.3f} ms"


def timed(fn, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples
