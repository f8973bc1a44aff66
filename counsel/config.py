"""Configuration: every tunable in DEFAULTS, settable from COUNSEL_<NAME> (README's table).

Two ways to build an app's config, and only two:
- `from_environment(instance_path)`: DEFAULTS, then every COUNSEL_* variable; the secret key
  is COUNSEL_SECRET_KEY or one generated once into the instance folder. For app.py, gunicorn
  and the flask command.
- `from_mapping(mapping)`: DEFAULTS and the mapping, nothing else. No environment variable is
  read and nothing is written: without SECRET_KEY the app gets an ephemeral key (its cookies
  die with the process), without SQLALCHEMY_DATABASE_URI an in-memory SQLite database, and
  without UPLOAD_DIR uploads fail. For tests and tools.
Either way the derived settings (cookie names and flags, engine options, MAX_CONTENT_LENGTH)
follow from the tunables, unless the mapping sets them itself.
"""

import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, overload

ENV_PREFIX = "COUNSEL_"
MEGABYTE = 1024 * 1024
# Room for the multipart envelope around the largest allowed file.
FORM_ENVELOPE_BYTES = 64 * 1024


@overload
def _env(name: str) -> str | None: ...
@overload
def _env(name: str, default: str) -> str: ...
def _env(name: str, default: str | None = None) -> str | None:
    """COUNSEL_<name> from the environment; unset or empty gives the default."""
    value = os.environ.get(ENV_PREFIX + name)
    return value if value not in (None, "") else default


def _env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = _env(name)
    if raw is None:
        return list(default or [])
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


def engine_options(database_url: str, settings: Mapping[str, Any]) -> dict:
    """SQLAlchemy engine options; PostgreSQL gets a pool for many short transactions.

    Under gevent every socket event is a greenlet that holds a connection only for its own
    short transaction, so a small pool per worker serves thousands of sockets; a greenlet
    that finds it exhausted waits at most pool_timeout and then gets `not-saved`, like a
    write that waited more than lock_timeout for a row lock. docs/scaling.md. The DB_* values
    come from `settings`.
    """
    options = dict(DEFAULTS["SQLALCHEMY_ENGINE_OPTIONS"])
    if not database_url.startswith("postgresql"):
        return options
    timeouts = (
        f"-c lock_timeout={settings['DB_LOCK_TIMEOUT_MS']} "
        "-c idle_in_transaction_session_timeout=60000"
    )
    options.update(
        pool_size=settings["DB_POOL_SIZE"],
        max_overflow=settings["DB_MAX_OVERFLOW"],
        pool_timeout=settings["DB_POOL_TIMEOUT"],
        pool_recycle=1800,
        connect_args={"connect_timeout": 5, "options": timeouts},
    )
    return options


def derived(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The settings that follow from tunables: cookies from HTTPS, engine, request size."""
    https = settings["HTTPS"]
    database_url = settings["SQLALCHEMY_DATABASE_URI"]
    return {
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SECURE": https,
        "SESSION_COOKIE_NAME": "__Host-counsel" if https else "counsel",
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url, settings),
        "MAX_CONTENT_LENGTH": settings["MAX_UPLOAD_MB"] * MEGABYTE + FORM_ENVELOPE_BYTES,
    }


def read_environment() -> dict[str, Any]:
    """Every tunable from its COUNSEL_<NAME> variable, or its default."""
    return {name: read(name, DEFAULTS[name]) for name, read in _READERS.items()}


def _defaults() -> dict[str, Any]:
    """A fresh copy of DEFAULTS: lists are never shared between apps."""
    return {name: list(v) if isinstance(v, list) else v for name, v in DEFAULTS.items()}


def from_environment(instance_path: str) -> dict[str, Any]:
    """The Flask config from the environment, with the instance folder as the local default."""
    instance = Path(instance_path)
    settings = _defaults() | read_environment()
    local_database = f"sqlite:///{instance / 'counsel.db'}"
    settings["SQLALCHEMY_DATABASE_URI"] = _env("DATABASE_URL", local_database)
    settings["UPLOAD_DIR"] = _env("UPLOAD_DIR", str(instance / "uploads"))
    settings["SECRET_KEY"] = load_secret_key(instance_path)
    return settings | derived(settings)


def from_mapping(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """The Flask config from DEFAULTS and this mapping only: no environment, no files."""
    settings = _defaults() | {
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "SECRET_KEY": secrets.token_urlsafe(48),  # ephemeral: cookies die with the process
    }
    settings |= mapping
    return settings | derived(settings) | dict(mapping)


DEFAULTS: dict[str, Any] = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    # Statement parameters hold chat text: never let them into error messages or logs.
    "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True, "pool_pre_ping": True},
}

# The tunables: each is read from COUNSEL_<NAME> and listed in README.md's table.
TUNABLES: dict[str, Any] = {
    "REDIS_URL": None,
    # Keys and channels of several Counsel installations (or test runs) on one Redis.
    "REDIS_PREFIX": "counsel:",
    "UPLOAD_DIR": None,
    "MAX_UPLOAD_MB": 20,
    "STUN_URLS": [],
    "TURN_URLS": [],
    "TURN_SECRET": None,
    "TURN_TTL": 86400,
    "ALLOWED_ORIGINS": [],
    "PRESENCE_GRACE_SECONDS": 60,
    # The /ertc socket's tuning (docs/protocol.md): pings, frame size, flood guard, queue.
    "ERTC_PING_INTERVAL": 5.0,
    "ERTC_MAX_FRAME_BYTES": 65536,
    "ERTC_BURST": 60,
    "ERTC_RATE": 20.0,
    "ERTC_QUEUE_SIZE": 256,
    "ERTC_SEND_TIMEOUT": 8.0,
    "MAX_SOCKETS_PER_WORKER": 4000,
    "PROXY_HOPS": 0,
    # The language of a visitor whose browser asks for neither Korean nor English.
    "DEFAULT_LANGUAGE": "en",
    "HTTPS": False,
    "DB_POOL_SIZE": 10,
    "DB_MAX_OVERFLOW": 10,
    "DB_POOL_TIMEOUT": 5,
    "DB_LOCK_TIMEOUT_MS": 5000,
    # Hardening (docs/deploy.md): SQLite lock waits, throttles, upload quotas, login lifetime.
    # A rate of 0 turns that limit off.
    "SQLITE_BUSY_TIMEOUT_MS": 5000,
    "REGISTER_PER_HOUR": 20,
    "LOGINS_PER_MINUTE": 60,
    "ERTC_JOINS_PER_MINUTE": 30,
    "ERTC_JOINS_PER_ADDRESS": 1200,
    "MAX_FILES_PER_SESSION": 100,
    "MAX_SESSION_MB": 200,
    "LOGIN_DAYS": 14.0,
    "IDLE_HOURS": 12.0,
    "ADMIN_PAGE_SIZE": 25,
    "LOGIN_FAILURES_ALLOWED": 10,
    "LOGIN_THROTTLE_SECONDS": 300,
}
DEFAULTS.update(TUNABLES)

_Reader = Callable[[str, Any], Any]
_BY_TYPE: dict[type, _Reader] = {bool: _env_bool, int: _env_int, float: _env_float, list: _env_list}
# How each tunable is read: by the type of its default (None and strings read as text).
_READERS: dict[str, _Reader] = {name: _BY_TYPE.get(type(v), _env) for name, v in TUNABLES.items()}
