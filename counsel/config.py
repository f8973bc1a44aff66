"""Configuration from COUNSEL_* environment variables, with safe embedded defaults."""

import os
import secrets
from pathlib import Path

from counsel.ertc import greenio

ENV_PREFIX = "COUNSEL_"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(ENV_PREFIX + name)
    return value if value not in (None, "") else default


def _env_list(name: str) -> list[str]:
    raw = _env(name) or ""
    return [item.strip() for item in raw.split(",") if item.strip()]


def _env_bool(name: str, default: bool = False) -> bool:
    raw = _env(name)
    return default if raw is None else raw.lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{ENV_PREFIX}{name} must be a whole number, not {raw!r}") from None


def _env_float(name: str, default: float) -> float:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{ENV_PREFIX}{name} must be a number, not {raw!r}") from None


def load_secret_key(instance_path: str) -> str:
    """Return COUNSEL_SECRET_KEY, or a key generated once into the instance folder."""
    configured = _env("SECRET_KEY")
    if configured:
        return configured
    key_file = Path(instance_path) / "secret_key"
    if not key_file.exists():
        _create_key_file(key_file)
    return key_file.read_text().strip()


def _create_key_file(key_file: Path) -> None:
    # Written private and complete under a temporary name, then linked into place: workers
    # starting together never read a half-written key, and the first one's key wins.
    key_file.parent.mkdir(parents=True, exist_ok=True)
    draft = key_file.with_name(f".{key_file.name}.{os.getpid()}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    try:
        os.link(draft, key_file)
    except FileExistsError:
        pass
    finally:
        draft.unlink()


def engine_options(database_url: str) -> dict:
    """SQLAlchemy engine options; PostgreSQL gets a pool for many short transactions.

    Under gevent every socket event is a greenlet that holds a connection only for its own
    short transaction, so a small pool per worker serves thousands of sockets; a greenlet
    that finds it exhausted waits at most pool_timeout and then gets `not-saved`, like a
    write that waited more than lock_timeout for a row lock. docs/scaling.md.
    """
    options = dict(DEFAULTS["SQLALCHEMY_ENGINE_OPTIONS"])
    if not database_url.startswith("postgresql"):
        return options
    timeouts = (
        f"-c lock_timeout={_env_int('DB_LOCK_TIMEOUT_MS', 5000)} "
        "-c idle_in_transaction_session_timeout=60000"
    )
    options.update(
        pool_size=_env_int("DB_POOL_SIZE", 10),
        max_overflow=_env_int("DB_MAX_OVERFLOW", 10),
        pool_timeout=_env_int("DB_POOL_TIMEOUT", 5),
        pool_recycle=1800,
        connect_args={"connect_timeout": 5, "options": timeouts},
    )
    return options


def from_environment(instance_path: str) -> dict:
    """Build the Flask config mapping from the environment."""
    https = _env_bool("HTTPS")
    database_url = _env("DATABASE_URL", f"sqlite:///{Path(instance_path) / 'counsel.db'}")
    return {
        "SECRET_KEY": load_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url),
        "COUNSEL_REDIS_URL": _env("REDIS_URL"),
        # Keys and channels of several Counsel installations (or test runs) on one Redis.
        "COUNSEL_REDIS_PREFIX": _env("REDIS_PREFIX", "counsel:"),
        "COUNSEL_UPLOAD_DIR": _env("UPLOAD_DIR", str(Path(instance_path) / "uploads")),
        "MAX_UPLOAD_MB": _env_int("MAX_UPLOAD_MB", 20),
        "STUN_URLS": _env_list("STUN_URLS"),
        "TURN_URLS": _env_list("TURN_URLS"),
        "TURN_SECRET": _env("TURN_SECRET"),
        "TURN_TTL": _env_int("TURN_TTL", 86400),
        "ALLOWED_ORIGINS": _env_list("ALLOWED_ORIGINS"),
        "PRESENCE_GRACE_SECONDS": _env_int("PRESENCE_GRACE_SECONDS", 60),
        # The /ertc socket's tuning (docs/protocol.md): pings, frame size, flood guard, queue.
        "ERTC_PING_INTERVAL": _env_float("ERTC_PING_INTERVAL", 5.0),
        "ERTC_MAX_FRAME_BYTES": _env_int("ERTC_MAX_FRAME_BYTES", 65536),
        "ERTC_BURST": _env_int("ERTC_BURST", 60),
        "ERTC_RATE": _env_float("ERTC_RATE", 20.0),
        "ERTC_QUEUE_SIZE": _env_int("ERTC_QUEUE_SIZE", 256),
        "ERTC_SEND_TIMEOUT": _env_float("ERTC_SEND_TIMEOUT", 8.0),
        "MAX_SOCKETS_PER_WORKER": _env_int("MAX_SOCKETS_PER_WORKER", 4000),
        "PROXY_HOPS": _env_int("PROXY_HOPS", 0),
        # Hardening (docs/deploy.md): SQLite lock waits, throttles, upload quotas, login lifetime.
        "SQLITE_BUSY_TIMEOUT_MS": _env_int("SQLITE_BUSY_TIMEOUT_MS", 5000),
        "REGISTER_PER_HOUR": _env_int("REGISTER_PER_HOUR", 20),
        "LOGINS_PER_MINUTE": _env_int("LOGINS_PER_MINUTE", 60),
        "ERTC_JOINS_PER_MINUTE": _env_int("ERTC_JOINS_PER_MINUTE", 30),
        "ERTC_JOINS_PER_ADDRESS": _env_int("ERTC_JOINS_PER_ADDRESS", 1200),
        "MAX_FILES_PER_SESSION": _env_int("MAX_FILES_PER_SESSION", 100),
        "MAX_SESSION_MB": _env_int("MAX_SESSION_MB", 200),
        "LOGIN_DAYS": _env_float("LOGIN_DAYS", 14.0),
        "IDLE_HOURS": _env_float("IDLE_HOURS", 12.0),
        "HTTPS": https,
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SECURE": https,
        "SESSION_COOKIE_NAME": "__Host-counsel" if https else "counsel",
    }


DEFAULTS = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    # Statement parameters hold chat text: never let them into error messages or logs.
    "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True, "pool_pre_ping": True},
    # The route's greenlet reads the socket itself (counsel/ertc/reader.py, docs/performance.md)
    "SOCK_SERVER_OPTIONS": {
        "ping_interval": 5,
        "max_message_size": 65536,
        "thread_class": greenio.IdleThread,
        "event_class": greenio.NoEvent,
    },
    "ADMIN_PAGE_SIZE": 25,
    "LOGIN_FAILURES_ALLOWED": 10,
    "LOGIN_THROTTLE_SECONDS": 300,
}
