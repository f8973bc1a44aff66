"""Password rules and hashing off the event loop."""

import gevent.monkey
import pytest

from counsel.accounts import passwords


class FakePool:
    """Stands for gevent's hub thread pool: records what it was asked to run."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def apply(self, function, args):
        self.calls.append(args[0].__name__)  # _lowered(function, *its args)
        return function(*args)


@pytest.fixture
def pool(monkeypatch) -> FakePool:
    """As under gunicorn's gevent worker: threads patched, the hub's pool recorded."""
    fake = FakePool()
    monkeypatch.setattr(gevent.monkey, "is_module_patched", lambda name: name == "threading")
    monkeypatch.setattr(passwords, "_hash_pool", lambda: fake)
    return fake


def test_hashing_and_verifying_run_in_the_thread_pool_under_gevent(pool):
    stored = passwords.hash_password("a long enough password")
    assert passwords.verify_password(stored, "a long enough password")
    assert not passwords.verify_password(stored, "another long password")
    assert not passwords.verify_password(None, "a long enough password")  # the dummy hash
    assert pool.calls == ["hash", "_verify", "_verify", "_verify"]


def test_without_gevent_patching_hashing_runs_inline(monkeypatch):
    monkeypatch.setattr(passwords, "_hash_pool", lambda: pytest.fail("no pool outside gevent"))
    stored = passwords.hash_password("a long enough password")
    assert passwords.verify_password(stored, "a long enough password")


def test_the_hashing_thread_runs_at_a_lower_priority():
    import os
    import threading

    seen = []

    def probe() -> None:
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    worker = threading.Thread(target=passwords._lowered, args=(probe,))
    worker.start()
    worker.join()
    assert seen == [max(os.getpriority(os.PRIO_PROCESS, 0), passwords.HASH_NICE)]


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "The password must have 12 to 256 characters."),
        ("x" * 257, "The password must have 12 to 256 characters."),
        ("Password1234", passwords.TOO_COMMON),
        ("1QAZ2WSX3EDC", passwords.TOO_COMMON),
        ("a long enough password", None),
        ("x" * 12, None),
    ],
)
def test_problem(password, problem):
    assert passwords.problem(password) == problem
