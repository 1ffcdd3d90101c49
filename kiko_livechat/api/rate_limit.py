"""Token buckets per API token and per client address (per worker process), in tables of bounded
size: whatever keys a client makes up, a table keeps at most MAX_KEYS of them.

A bucket that has refilled to its burst says nothing a missing one would not, so such idle
buckets are dropped as they come to the front of the table (least recently used first); when the
table is full anyway, the least recently used bucket goes."""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from kiko_livechat.settings import get_settings

# Under 0.5 KB a bucket with its key (at most an address or a token of real length; longer ones
# are refused before they get a bucket): a table stays under 5 MB.
MAX_KEYS = 10_000


class TokenBuckets:
    """`rate` tokens a second up to `burst` for each key; `rate`/`burst` are read on each use (the
    settings may change in tests)."""

    def __init__(
        self,
        *,
        rate: Callable[[], float],
        burst: Callable[[], float],
        max_keys: int = MAX_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rate, self._burst, self._max_keys, self._clock = rate, burst, max_keys, clock
        self._levels: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (level, when)
        self._lock = threading.Lock()  # the endpoint runs on the event loop, `take` also in threads

    def __len__(self) -> int:
        return len(self._levels)

    def __contains__(self, key: str) -> bool:
        return key in self._levels

    def _level(self, key: str, now: float) -> float:
        burst = self._burst()
        found = self._levels.get(key)
        if found is None:
            return burst
        level, last = found
        return min(burst, level + (now - last) * self._rate())

    def has_room(self, key: str) -> bool:
        """Whether `take(key)` would succeed now (nothing is taken or stored)."""
        with self._lock:
            return self._level(key, self._clock()) >= 1

    def take(self, key: str) -> bool:
        """Take one token from the key's bucket; False when it is empty."""
        with self._lock:
            now = self._clock()
            level = self._level(key, now)
            allowed = level >= 1
            self._levels[key] = (level - 1 if allowed else level, now)
            self._levels.move_to_end(key)
            self._drop_idle(now)
            return allowed

    def _drop_idle(self, now: float) -> None:
        burst, rate = self._burst(), self._rate()
        while self._levels:
            key, (level, last) = next(iter(self._levels.items()))
            if len(self._levels) <= self._max_keys and level + (now - last) * rate < burst:
                return
            del self._levels[key]

    def clear(self) -> None:
        with self._lock:
            self._levels.clear()


# A token that authenticated lately: KIKO_API_RATE_PER_SECOND, bursts of KIKO_API_RATE_BURST.
per_token = TokenBuckets(rate=lambda: get_settings().api_rate_per_second, burst=lambda: get_settings().api_rate_burst)
# Requests without a token, with a token not yet accepted, and refused tokens, by client address.
per_address = TokenBuckets(
    rate=lambda: get_settings().api_rate_per_address_per_second,
    burst=lambda: get_settings().api_rate_per_address_burst,
)


def reset() -> None:
    """Forget every bucket (tests that change the limits start from full buckets)."""
    per_token.clear()
    per_address.clear()
