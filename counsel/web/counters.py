"""Rate limits shared by every worker: fixed-window counters in Redis, or in memory without it.

Without a Redis (COUNSEL_REDIS_URL) Counsel runs one worker (README), so a counter in this
process sees every request. With Redis every worker and server counts in the same keys. A
Redis that does not answer lets the request through (and logs it): a limit must not take
logins down with it.
"""

import threading
import time
from collections.abc import Callable

import redis
from flask import Flask, current_app

EXTENSION = "counsel.counters"


class MemoryCounter:
    """Counters in this process: (name, window) -> hits, pruned as windows pass."""

    def __init__(self) -> None:
        self._hits: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, name: str, window: int, seconds: int) -> int:
        """Count one hit in this window and return the window's total."""
        with self._lock:
            if len(self._hits) > 50_000:
                self._hits = {key: n for key, n in self._hits.items() if key[1] >= window}
            total = self._hits.get((name, window), 0) + 1
            self._hits[(name, window)] = total
            return total


class RedisCounter:
    """Counters in Redis: INCR on a key that expires with its window."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._client = client
        self._prefix = prefix

    def hit(self, name: str, window: int, seconds: int) -> int:
        """Count one hit in this window and return the window's total."""
        key = f"{self._prefix}rate:{name}:{window}"
        pipe = self._client.pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, seconds + 1)
        return int(pipe.execute()[0])


def _counter(app: Flask) -> MemoryCounter | RedisCounter:
    url = app.config["REDIS_URL"]
    if not url:
        return MemoryCounter()
    client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    return RedisCounter(client, app.config["REDIS_PREFIX"])


def allow(rule: str, key: str, limit: int, seconds: int) -> bool:
    """Count one attempt of `key` under `rule`; False once `limit` per `seconds` is passed.

    A limit of 0 or less turns the rule off.
    """
    if limit <= 0:
        return True
    window = int(time.time()) // seconds
    try:
        total = current_app.extensions[EXTENSION].hit(f"{rule}:{key}", window, seconds)
    except redis.RedisError as error:
        current_app.logger.warning("counters: %s not counted: %s", rule, type(error).__name__)
        return True
    return total <= limit


def limited(rule: str, key: str, setting: str, seconds: int) -> bool:
    """True when `key` has passed the configured limit `setting` for `rule`."""
    return not allow(rule, key, int(current_app.config[setting]), seconds)


def init_app(app: Flask, make: Callable[[Flask], object] = _counter) -> None:
    """Choose the counter once, from config."""
    app.extensions[EXTENSION] = make(app)
