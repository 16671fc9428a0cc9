"""A fixed-window request budget kept in the cache (shared by every worker when the
cache is Redis; per process with the default local-memory cache)."""

import time

from django.core.cache import cache


def within_budget(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one more use of `key` in the current window; return False once the
    window has had `limit` uses already."""
    window = int(time.time() // window_seconds)
    slot = f"throttle:{key}:{window}"
    cache.add(slot, 0, timeout=window_seconds * 2)
    try:
        used = cache.incr(slot)
    except ValueError:  # evicted between add and incr: start the window again
        cache.set(slot, 1, timeout=window_seconds * 2)
        used = 1
    return used <= limit
