"""The servers the benchmark compares, each able to start, prepare N rooms and stop."""

import importlib.metadata
import os
import secrets
from pathlib import Path

from bench import seed, servers, yield_guard

GUARD_CONFIG = servers.BENCH / "guarded.conf.py"
# A database of this run's own: two runs at once must not drop each other's.
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL",
    f"postgresql+psycopg://postgres@127.0.0.1:5432/counsel_bench_{os.getpid()}",
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


class Target:
    """A server under test and how the generator reaches it."""

    dialect = "counsel"
    label = "?"

    def __init__(self, workdir: Path, cores: str | None):
        self.workdir = workdir
        self.cores = cores
        self.server: servers.Server | None = None

    def make_server(self) -> servers.Server:
        raise NotImplementedError

    def start(self) -> None:
        self.server = self.make_server().start()

    def restart(self) -> None:
        self.server.restart()

    def stop(self) -> None:
        if self.server:
            self.server.stop()
        self.cleanup()

    def cleanup(self) -> None:
        """Remove what the target created outside its work folder."""

    def rooms_file(self, count: int) -> Path | None:
        """Rooms for the next run: None means numbered rooms with no login."""
        return None


class PeerJS(Target):
    dialect = "peerjs"
    label = "PeerJS server"

    def make_server(self) -> servers.Server:
        return servers.peerjs(self.workdir, self.cores)


class Bare(Target):
    label = "bare flask-sock relay"

    def make_server(self) -> servers.Server:
        return servers.bare(self.workdir, self.cores)


def _counsel_label(database: str, workers: int) -> str:
    relay = "1 worker" if workers == 1 else f"{workers} workers + Redis"
    return f"Counsel, {relay}, {'PostgreSQL' if database == 'postgresql' else 'SQLite'}"


class Counsel(Target):
    """Counsel with a fresh database; every run gets fresh sessions and signed cookies."""

    def __init__(
        self,
        workdir: Path,
        cores: str | None,
        database: str = "sqlite",
        workers: int = 1,
        max_sockets: int = 20000,
        guard: bool = False,
    ):
        super().__init__(workdir, cores)
        self.guard = guard
        self.database, self.workers, self.max_sockets = database, workers, max_sockets
        self.secret = secrets.token_urlsafe(32)
        self.url = (
            POSTGRES_URL
            if database == "postgresql"
            else f"sqlite:///{workdir / f'counsel-{database}-w{workers}.db'}"
        )
        self.label = _counsel_label(database, workers)
        self.batches = 0

    def env(self) -> dict[str, str]:
        env = {
            "COUNSEL_DATABASE_URL": self.url,
            "COUNSEL_SECRET_KEY": self.secret,
            "COUNSEL_UPLOAD_DIR": str(self.workdir / "uploads"),
            # Every generated socket comes from 127.0.0.1: no per-address join limit.
            "COUNSEL_ERTC_JOINS_PER_ADDRESS": "0",
        }
        if self.workers > 1:
            env["COUNSEL_REDIS_URL"] = REDIS_URL
        return env

    def make_server(self) -> servers.Server:
        config = GUARD_CONFIG if self.guard else servers.ROOT / "gunicorn.conf.py"
        name = f"counsel-{self.database}-w{self.workers}"
        return servers.counsel(
            name, self.workdir, self.env(), self.cores, self.workers, self.max_sockets, config
        )

    def guard_reports(self) -> int:
        """How many places yielded inside a SQLite transaction (bench/yield_guard.py)."""
        if not self.server or not self.server.log_path.exists():
            return 0
        return self.server.log_path.read_text(errors="replace").count(yield_guard.MARK)

    def start(self) -> None:
        if self.database == "postgresql":
            seed.fresh_postgres(self.url)
        else:
            Path(self.url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        seed.migrate({**os.environ, **self.env()})
        super().start()

    def cleanup(self) -> None:
        if self.database == "postgresql":
            seed.drop_postgres(self.url)

    def rooms_file(self, count: int) -> Path:
        self.batches += 1
        seeded = seed.seed(self.url, self.secret, count, f"b{self.batches}")
        return seed.write_rooms(self.workdir / "rooms.json", seeded)


def redis_relay_available() -> bool:
    """True once Counsel picks something other than the in-process relay when Redis is set."""
    from counsel import create_app
    from counsel.ertc.relay import LocalRelay

    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "REDIS_URL": REDIS_URL})
    except Exception:  # noqa: BLE001 - any failure means: not usable here
        return False
    return not isinstance(app.extensions["counsel.relay"], LocalRelay)


def versions() -> dict[str, str]:
    """Versions of what is measured, for the report."""
    found = {}
    for name in ("gunicorn", "gevent", "flask-sock", "simple-websocket", "picows", "uvloop"):
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "-"
    peer = servers.BENCH / "node_modules" / "peer" / "package.json"
    if peer.exists():
        import json

        found["peer (npm)"] = json.loads(peer.read_text())["version"]
    return found
