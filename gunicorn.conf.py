"""gunicorn settings for Counsel. Every WebSocket is a greenlet, not a thread."""

import os
import resource
import sys

bind = os.environ.get("COUNSEL_BIND", "127.0.0.1:8000")
worker_class = "gevent"
# Without Redis the relay is in-process: one worker must hold both people of a session.
_default_workers = "2" if os.environ.get("COUNSEL_REDIS_URL") else "1"
workers = int(os.environ.get("COUNSEL_WORKERS", _default_workers))
# Two sockets per room; gunicorn's default of 1000 caps a worker at 500 rooms.
worker_connections = int(os.environ.get("COUNSEL_WORKER_CONNECTIONS", "10000"))
graceful_timeout = 10
timeout = 30
keepalive = 5
accesslog = None
# Never preload_app: psycopg picks its wait function when first imported, and imported before
# the gevent worker patches `select`, every PostgreSQL query blocks the whole worker (two
# greenlets running pg_sleep(0.5) took 1.06 s instead of 0.53 s). docs/performance.md.
preload_app = False


def _raise_open_file_limit() -> None:
    """Every socket is a file: lift the soft limit (often 1024) to the hard one for the workers."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if 0 <= soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if 0 <= hard < worker_connections + 100:
        sys.stderr.write(
            f"gunicorn.conf.py: the open-file limit {hard} is below worker_connections "
            f"{worker_connections}; sockets past it fail (raise `ulimit -n`)\n"
        )


_raise_open_file_limit()


def _relay(worker):
    extensions = getattr(worker.wsgi, "extensions", {})
    return extensions.get("counsel.relay")


def post_worker_init(worker):
    """On SIGTERM, close this worker's WebSockets with 1012 so clients reconnect at once.

    gunicorn's own SIGTERM handler only stops accepting and waits; it calls no hook.
    """
    import signal

    import gevent

    relay = _relay(worker)
    previous = signal.getsignal(signal.SIGTERM)

    def on_sigterm(signum, frame):
        if relay is not None:
            gevent.spawn(relay.shutdown, 1012)  # a signal handler must not block
        if callable(previous):
            previous(signum, frame)

    signal.signal(signal.SIGTERM, on_sigterm)


def worker_int(worker):
    """SIGINT/SIGQUIT: the same, just before the worker exits."""
    relay = _relay(worker)
    if relay is not None:
        relay.shutdown(1012)
