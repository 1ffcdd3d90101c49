"""Issue 13.6: the rate limiter's memory is bounded, whatever keys it is fed."""

from kiko_livechat.api import rate_limit
from kiko_livechat.api.rate_limit import TokenBuckets


class Clock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_100k_distinct_bogus_tokens_keep_the_table_bounded():
    buckets = TokenBuckets(rate=lambda: 50.0, burst=lambda: 200.0, max_keys=1000)
    for i in range(100_000):
        buckets.take(f"bogus-{i}")
    assert len(buckets) <= 1000


def test_the_workers_own_tables_are_bounded():
    rate_limit.reset()
    for i in range(rate_limit.MAX_KEYS + 5000):
        rate_limit.per_address.take(f"2001:db8::{i:x}")
    assert len(rate_limit.per_address) <= rate_limit.MAX_KEYS
    rate_limit.reset()


def test_idle_full_buckets_are_dropped():
    clock = Clock()
    buckets = TokenBuckets(rate=lambda: 1.0, burst=lambda: 5.0, max_keys=1000, clock=clock)
    for i in range(100):
        buckets.take(f"k{i}")
    clock.now += 10  # long enough for every bucket to refill
    buckets.take("fresh")
    assert len(buckets) == 1


def test_a_bucket_refuses_beyond_its_burst_and_refills():
    clock = Clock()
    buckets = TokenBuckets(rate=lambda: 1.0, burst=lambda: 3.0, max_keys=10, clock=clock)
    assert [buckets.take("a") for _ in range(4)] == [True, True, True, False]
    assert buckets.has_room("b") and not buckets.has_room("a")
    clock.now += 1
    assert buckets.take("a") and not buckets.take("a")


def test_eviction_drops_the_least_recently_used():
    clock = Clock()
    buckets = TokenBuckets(rate=lambda: 0.001, burst=lambda: 2.0, max_keys=2, clock=clock)
    buckets.take("old")
    buckets.take("kept")
    buckets.take("kept")
    buckets.take("new")
    assert "old" not in buckets and not buckets.has_room("kept")
