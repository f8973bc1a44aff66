"""Lighter building blocks for simple-websocket's per-socket reader under gevent.

simple-websocket starts one reader per socket with `threading.Thread` and waits for input with
`selectors.DefaultSelector`. Under gunicorn's gevent worker both are gevent's emulations: a
patched Thread (about 7 KiB, against 4 KiB for a plain greenlet) and a GeventSelector that
builds its watchers and a timeout on every wait. These factories (SOCK_SERVER_OPTIONS in
counsel/config.py) give it a greenlet and one reused read watcher instead when gevent patched
the process, and the standard classes otherwise (tests, `flask run`).
"""

import functools
import selectors
import sys
import threading
from collections.abc import Callable
from typing import Any


def _patched(module: str) -> bool:
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and monkey.is_module_patched(module)


class _TimedOut(Exception):
    """The wait for input reached simple-websocket's ping time."""


class _ReadWatcher:
    """A selector for the one socket simple-websocket registers: one gevent read watcher."""

    def register(self, sock: Any, events: int, data: Any = None) -> None:
        from gevent import get_hub

        self._watcher = get_hub().loop.io(sock.fileno(), 1)  # 1: readable

    def select(self, timeout: float | None = None) -> list:
        """A non-empty list when the socket is readable, [] when the timeout came first."""
        from gevent.socket import wait

        try:
            wait(self._watcher, timeout, _TimedOut())
        except _TimedOut:
            return []
        return [True]

    def close(self) -> None:
        self._watcher.close()


def read_selector() -> Any:
    """simple-websocket's `selector_class`."""
    return _ReadWatcher() if _patched("select") else selectors.DefaultSelector()


def reader_thread(target: Callable[[], None]) -> Any:
    """simple-websocket's `thread_class`: a greenlet with Thread's start/join/is_alive/name."""
    if not _patched("threading"):
        return threading.Thread(target=target, daemon=True)
    return _reader_greenlet_class()(target)


@functools.cache
def _reader_greenlet_class() -> type:
    """Built on first use: gevent is only imported when it patched the process."""
    from gevent import Greenlet

    class ReaderGreenlet(Greenlet):
        name = "ertc-reader"

        def is_alive(self) -> bool:
            return not self.dead

    return ReaderGreenlet
