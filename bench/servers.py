"""Start and stop the servers under test, each pinned to its own CPU core(s) with taskset."""

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PEERJS = BENCH / "node_modules" / "peer" / "dist" / "bin" / "peerjs.js"
PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a child before exec: get SIGTERM when the runner dies, so no server is left behind."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pinned(command: list[str], cores: str | None) -> list[str]:
    """Prefix taskset when a core list is given (taskset execs: the pid stays the server's)."""
    return ["taskset", "-c", cores, *command] if cores and shutil.which("taskset") else command


def install_peerjs() -> Path:
    """`npm install` the `peer` package into bench/ once."""
    if not PEERJS.exists():
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund"],
            cwd=BENCH,
            check=True,
            capture_output=True,
        )
    return PEERJS


class Server:
    """One server process on a free loopback port, its output in a log file."""

    def __init__(
        self,
        name: str,
        command: list[str],
        env: dict[str, str],
        health: str,
        log_dir: Path,
        port: int,
        cwd: Path = ROOT,
    ):
        self.name, self.command, self.env, self.health = name, command, env, health
        self.log_path = log_dir / f"{name}.log"
        self.port = port
        self.cwd = cwd
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def start(self, timeout: float = 30) -> "Server":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode}; see {self.log_path}"
                )
            try:
                with urllib.request.urlopen(self.url + self.health, timeout=2):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer {self.health} in {timeout} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)

    def restart(self) -> "Server":
        self.stop()
        return self.start()


def gunicorn_command(
    port: int, app: str, workers: int, connections: int, config: Path = ROOT / "gunicorn.conf.py"
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(config),
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        str(workers),
        "--worker-connections",
        str(connections),
        app,
    ]


def counsel(
    name: str,
    log_dir: Path,
    env: dict[str, str],
    cores: str | None,
    workers: int = 1,
    max_sockets: int = 20000,
    config: Path = ROOT / "gunicorn.conf.py",
) -> Server:
    """Counsel under the project's gunicorn.conf.py (gevent), or a config wrapping it."""
    port = free_port()
    env = {
        **os.environ,
        **env,
        "COUNSEL_MAX_SOCKETS_PER_WORKER": str(max_sockets),
        "COUNSEL_WORKERS": str(workers),
    }
    command = gunicorn_command(port, "app:app", workers, max_sockets + 100, config)
    return Server(name, pinned(command, cores), env, "/healthz", log_dir, port)


def bare(log_dir: Path, cores: str | None) -> Server:
    """bench/bare_relay.py under the same gunicorn settings."""
    port = free_port()
    command = pinned(gunicorn_command(port, "bench.bare_relay:app", 1, 30000), cores)
    return Server("bare", command, dict(os.environ), "/healthz", log_dir, port)


def peerjs(log_dir: Path, cores: str | None) -> Server:
    """The PeerJS server from npm, as its README starts it, with the socket cap lifted."""
    port = free_port()
    command = [
        "node",
        str(install_peerjs()),
        "--port",
        str(port),
        "--host",
        "127.0.0.1",
        "--concurrent_limit",
        "100000",
    ]
    return Server("peerjs", pinned(command, cores), dict(os.environ), "/", log_dir, port)
