"""Password rules and hashing with Argon2id (argon2-cffi defaults meet OWASP's minimum).

Hashing costs tens of milliseconds of CPU by design. Under gevent it runs in a small thread
pool of its own at a lower CPU priority (argon2-cffi releases the GIL), so live calls on the
same worker keep being relayed while someone registers or logs in (docs/performance.md).
"""

import contextlib
import os
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

from counsel.i18n import N_

_hasher = PasswordHasher()
# Verified against when the email is unknown, so both failures cost the same time.
_DUMMY_HASH = _hasher.hash("counsel-timing-equalizer")

MIN_LENGTH = 12
MAX_LENGTH = 256
# Django's list of 20,000 common passwords (Royce Williams, lowercased), plus Korean keyboard
# patterns such as 1q2w3e4r and qwer1234; one per line.
COMMON_FILE = Path(__file__).with_name("common-passwords.txt")
TOO_COMMON = N_("This password is too common: choose one that others are unlikely to use.")

T = TypeVar("T")
# At most this many hashes at once per worker (each takes 64 MiB and a core for tens of ms);
# more wait in line without holding the event loop.
HASH_THREADS = 2
# The hashing threads (and the lanes Argon2 starts from them) yield the CPU to the event loop.
HASH_NICE = 10


def _lowered(function: Callable[..., T], *args: object) -> T:
    """Run `function` in this thread after lowering the thread's CPU priority (Linux)."""
    # Not Linux, or not allowed: run at normal priority.
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASH_NICE)
    return function(*args)


@cache
def _hash_pool() -> Any:
    """This worker's thread pool for hashing (made after gunicorn forked it)."""
    from gevent.threadpool import ThreadPool

    return ThreadPool(HASH_THREADS)


def _off_loop(function: Callable[..., T], *args: object) -> T:
    """Run CPU-heavy work in a gevent thread pool when gevent patched threads, else inline."""
    from gevent import monkey

    if not monkey.is_module_patched("threading"):
        return function(*args)
    return _hash_pool().apply(_lowered, (function, *args))


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lowercased."""
    return frozenset(COMMON_FILE.read_text(encoding="utf-8").split("\n")) - {""}


def problem(password: str) -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return _(
            "The password must have %(min)s to %(max)s characters.", min=MIN_LENGTH, max=MAX_LENGTH
        )
    if password.lower() in common_passwords():
        return _(TOO_COMMON)
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
