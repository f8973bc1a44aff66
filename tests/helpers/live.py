"""A real Counsel server in a subprocess (gunicorn, gevent worker) for live tests."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    """gunicorn serving app:app on 127.0.0.1 with the given COUNSEL_* environment."""

    def __init__(self, env: dict[str, str], port: int | None = None, log_path: Path | None = None):
        self.env = {**os.environ, **env}
        self.port = port or free_port()
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20) -> "LiveServer":
        """Start gunicorn and wait until /healthz answers."""
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "-b",
            f"127.0.0.1:{self.port}",
            "app:app",
        ]
        output = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT
        )
        if output is not subprocess.DEVNULL:
            output.close()  # the child holds its own copy
        if self.log_path:
            output.close()  # the child holds its own copy; ours would leak a ResourceWarning
        self._wait_healthy(timeout)
        return self

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("gunicorn did not become healthy in time")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int | None:
        """Send a signal and wait for gunicorn to exit; returns its exit code."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(5)

    def restart(self) -> "LiveServer":
        """SIGTERM, then start again on the same port."""
        self.stop()
        return self.start()
