"""Two Counsel servers on one PostgreSQL and one Redis, and a private Redis to stop and start.

The /ertc protocol tests run on this topology too (tests/helpers/stack.py): the member's socket
on one server, the expert's on the other, so everything between them crosses Redis.
"""

import contextlib
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import redis

from tests.helpers.live import LiveServer, free_port


def redis_env(url: str, prefix: str) -> dict[str, str]:
    """What a server needs to use the Redis relay, under a key prefix of its own."""
    return {"COUNSEL_REDIS_URL": url, "COUNSEL_REDIS_PREFIX": prefix}


def new_prefix() -> str:
    """A key and channel prefix no other test run uses."""
    return f"counsel-test-{uuid.uuid4().hex[:10]}:"


def drop_keys(url: str, prefix: str) -> None:
    """Delete every key under the prefix (seats and tombstones a run left behind)."""
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        keys = list(client.scan_iter(match=prefix + "*", count=1000))
        if keys:
            client.delete(*keys)
    except redis.RedisError:
        pass  # a private server that is already gone
    finally:
        client.close()


@contextlib.contextmanager
def servers(make, count: int) -> Iterator[list[LiveServer]]:
    """Start `count` servers made by make(index) and stop them all afterwards."""
    started: list[LiveServer] = []
    try:
        for index in range(count):
            started.append(make(index).start())
        yield started
    finally:
        for server in started:
            server.stop()


class RedisServer:
    """A private redis-server on a free port: safe to stop and start mid-test."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10) -> "RedisServer":
        command = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(self.folder),
        ]  # fmt: skip
        log = open(self.folder / "redis.log", "ab")  # noqa: SIM115 - the child keeps its copy
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout
        while not self._answers():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        return self

    def _answers(self) -> bool:
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def pause(self) -> None:
        """Freeze the server: connections stay open and nothing answers (a half-dead link)."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.resume()  # a frozen server cannot act on SIGTERM
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(10)


def worker_pids(master_pid: int) -> list[int]:
    """The gunicorn workers of a master (its child processes)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == master_pid:
                    found.append(int(entry.name))
    return found


def kill_worker(server: LiveServer) -> int:
    """SIGKILL the server's (single) worker; gunicorn's master starts a new one."""
    [pid] = worker_pids(server.process.pid)
    os.kill(pid, signal.SIGKILL)
    return pid
