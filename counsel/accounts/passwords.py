"""Password rules and hashing with Argon2id (argon2-cffi defaults meet OWASP's minimum).

Hashing costs tens of milliseconds of CPU by design. Under gevent it runs in the hub's thread
pool (argon2-cffi releases the GIL), so live calls on the same worker keep being relayed while
someone registers or logs in (docs/performance.md).
"""

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the email is unknown, so both failures cost the same time.
_DUMMY_HASH = _hasher.hash("counsel-timing-equalizer")

MIN_LENGTH = 12
MAX_LENGTH = 256
# Django's list of 20,000 common passwords (Royce Williams, lowercased), plus Korean keyboard
# patterns such as 1q2w3e4r and qwer1234; one per line.
COMMON_FILE = Path(__file__).with_name("common-passwords.txt")
TOO_COMMON = "This password is too common: choose one that others are unlikely to use."

T = TypeVar("T")


def _off_loop(function: Callable[..., T], *args: object) -> T:
    """Run CPU-heavy work in gevent's thread pool when gevent patched threads, else inline."""
    try:
        from gevent import get_hub, monkey
    except ImportError:  # pragma: no cover - gevent is a dependency
        return function(*args)
    if not monkey.is_module_patched("threading"):
        return function(*args)
    return get_hub().threadpool.apply(function, args)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lowercased."""
    return frozenset(COMMON_FILE.read_text(encoding="utf-8").split("\n")) - {""}


def problem(password: str) -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return f"The password must have {MIN_LENGTH} to {MAX_LENGTH} characters."
    if password.lower() in common_passwords():
        return TOO_COMMON
    return None


def hash_password(password: str) -> str:
    """Hash a password for storage (off the event loop)."""
    return _off_loop(_hasher.hash, password)


def _verify(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True if the password matches; costs the same whether or not a hash exists."""
    matches = _off_loop(_verify, stored_hash or _DUMMY_HASH, password)
    return matches and stored_hash is not None


def needs_rehash(stored_hash: str) -> bool:
    """True when a hash was made with weaker parameters than the current ones."""
    return _hasher.check_needs_rehash(stored_hash)
