"""Rate counters shared through Redis: two workers (or servers) count into the same window."""

import logging
import uuid

import pytest
from flask import Flask

from counsel.web import counters


def worker_app(redis_url: str, prefix: str) -> Flask:
    """A minimal app standing for one worker: only the counters, on this Redis and prefix."""
    app = Flask(__name__)
    app.config.update(REDIS_URL=redis_url, REDIS_PREFIX=prefix)
    counters.init_app(app)
    return app


@pytest.fixture
def prefix(redis_url):
    import redis

    name = f"counsel-test-{uuid.uuid4().hex[:12]}:"
    yield name
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{name}*"):
        client.delete(key)
    client.close()


def test_two_workers_share_one_limit(redis_url, prefix):
    first, second = worker_app(redis_url, prefix), worker_app(redis_url, prefix)
    assert isinstance(first.extensions[counters.EXTENSION], counters.RedisCounter)
    answers = []
    for n in range(6):
        with (first if n % 2 else second).app_context():
            answers.append(counters.allow("join-user", "7", 4, 60))
    assert answers == [True] * 4 + [False] * 2
    with first.app_context():
        assert counters.allow("join-user", "8", 4, 60)  # another key has its own count


def test_a_redis_that_does_not_answer_lets_requests_through(caplog):
    app = worker_app("redis://127.0.0.1:1/0", "counsel-test-down:")
    with app.app_context(), caplog.at_level(logging.WARNING):
        assert all(counters.allow("login", "203.0.113.1", 1, 60) for _ in range(3))
    assert "not counted" in caplog.text
