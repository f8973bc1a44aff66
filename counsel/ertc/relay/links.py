"""The two Redis links of a worker: one publisher fed by a queue, one listening subscriber.

One publisher per worker, publishing in pipelines: with every greenlet publishing on its own,
redis-py's pool ran out of connections under load (docs/scaling.md). The listener
catches, logs and reconnects with backoff, and pings on its own: a pub/sub connection that
only waits for messages would never notice a half-dead link. Under gunicorn's gevent worker
the threads below are greenlets (threading is patched).
"""

import logging
import queue
import threading
import time
from collections.abc import Callable

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger(__name__)

BACKOFF_SECONDS = (0.1, 0.25, 0.5, 1.0, 2.0)  # capped well below the seat TTL
_STOP = object()


class Publisher:
    """Publishes (channel, payload) pairs from a queue, many per round trip."""

    def __init__(
        self,
        client: redis.Redis,
        on_failure: Callable[[], None],
        max_queue: int = 20_000,
        max_batch: int = 500,
    ):
        self.client = client
        self.on_failure = on_failure
        self.max_batch = max_batch
        self.batches = 0  # round trips so far (tests and diagnostics)
        self.published = 0
        self._queue: queue.Queue = queue.Queue(max_queue)
        self._thread = threading.Thread(target=self._run, daemon=True, name="redis-publisher")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._queue.put(_STOP)
        self._thread.join(timeout=5)

    def put(self, channel: str, payload: str | bytes) -> bool:
        """Queue one message; False when the queue is full (Redis is not keeping up)."""
        try:
            self._queue.put_nowait((channel, payload))
            return True
        except queue.Full:
            log.warning("relay: publish queue full, live delivery degraded")
            self.on_failure()
            return False

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < self.max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            stop = _STOP in batch
            self._flush([item for item in batch if item is not _STOP])
            if stop:
                return

    def _flush(self, batch: list[tuple[str, str | bytes]]) -> None:
        if not batch:
            return
        try:
            pipe = self.client.pipeline(transaction=False)
            for channel, payload in batch:
                pipe.publish(channel, payload)
            pipe.execute()
            self.batches += 1
            self.published += len(batch)
        except Exception as error:  # noqa: BLE001 - the publisher must outlive any failure
            log.warning("relay: publish of %d failed: %s", len(batch), type(error).__name__)
            self.on_failure()


class Listener:
    """Subscribes to channels and hands each message on; reconnects until stopped."""

    def __init__(
        self,
        client: redis.Redis,
        channels: list[str],
        on_message: Callable[[bytes], None],
        on_up: Callable[[], None],
        on_down: Callable[[], None],
        ping_every: float = 1.0,
        dead_after: float = 3.0,
    ):
        self.client = client
        self.channels = channels
        self.on_message = on_message
        self.on_up = on_up
        self.on_down = on_down
        self.ping_every = ping_every
        self.dead_after = dead_after
        self.connects = 0  # successful subscriptions so far (tests and diagnostics)
        self._stopped = threading.Event()
        self._cycle = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="redis-listener")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)

    def reconnect(self) -> None:
        """Drop the subscription and subscribe again (the publisher saw the link fail)."""
        self._cycle.set()

    def _run(self) -> None:
        failures = 0
        while not self._stopped.is_set():
            try:
                self._listen()
                failures = 0
            except Exception as error:  # noqa: BLE001 - log, back off, try again: never die
                log.warning("relay: subscriber link lost: %s", type(error).__name__)
                self.on_down()
                self._stopped.wait(BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS) - 1)])
                failures += 1
        log.info("relay: subscriber stopped")

    def _listen(self) -> None:
        pubsub = self.client.pubsub()
        try:
            pubsub.subscribe(*self.channels)
            self._await_subscribed(pubsub)
            self._cycle.clear()
            self.connects += 1
            self.on_up()
            self._pump(pubsub)
        finally:
            pubsub.reset()  # closes its connection, whatever state it is in

    def _await_subscribed(self, pubsub) -> None:
        deadline = time.monotonic() + self.dead_after
        confirmed = 0
        while confirmed < len(self.channels):
            if time.monotonic() > deadline:
                raise TimeoutError("no subscription confirmation")
            message = pubsub.get_message(timeout=0.5)
            if message and message["type"] == "subscribe":
                confirmed += 1

    def _pump(self, pubsub) -> None:
        last_heard = last_ping = time.monotonic()
        while not self._stopped.is_set():
            if self._cycle.is_set():
                raise ConnectionError("resubscribing after a failed publish")
            message = pubsub.get_message(timeout=min(0.5, self.ping_every))
            now = time.monotonic()
            if message is not None:
                last_heard = now
                if message["type"] == "message":
                    self._handle(message["data"])
            if now - last_ping >= self.ping_every:
                pubsub.ping()
                last_ping = now
            if now - last_heard > self.dead_after:
                raise TimeoutError(f"no answer from Redis for {self.dead_after} s")

    def _handle(self, data: bytes) -> None:
        try:
            self.on_message(data)
        except Exception:  # a bad message must not cost the subscription
            log.exception("relay: could not handle a published message")


def connect(url: str, max_connections: int = 32) -> redis.Redis:
    """A client that fails fast and lets the caller decide (no hidden retries with sleeps).

    A blocking pool makes a greenlet wait for a free connection instead of failing with
    "Too many connections"; timeouts bound every call, so a half-dead link surfaces as an error.
    """
    pool = redis.BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=2,
        socket_timeout=2,
        socket_connect_timeout=2,
        socket_keepalive=True,
        health_check_interval=5,
        retry=Retry(NoBackoff(), 0),
    )
    return redis.Redis(connection_pool=pool)
