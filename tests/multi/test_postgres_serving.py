"""PostgreSQL under the gevent worker: a query that waits blocks its greenlet, not the worker."""

import threading
import time
import urllib.request
from pathlib import Path

from counsel import config
from counsel.extensions import db
from tests.helpers.forms import login
from tests.helpers.stack import hold_write_lock


def test_a_write_waiting_for_a_lock_does_not_stall_the_worker(stack, connect, new_session, pair):
    member, expert, session_id = pair
    elsewhere = connect("member", new_session())  # another session on the same worker
    held = threading.Event()
    locker = threading.Thread(target=hold_write_lock, args=(stack, session_id, 2.0, held))
    locker.start()
    held.wait(5)
    member.txt("waits for the row lock", client_id="waiting")
    time.sleep(0.2)  # the member's handler is now waiting inside psycopg
    started = time.monotonic()
    with urllib.request.urlopen(stack.server.url + "/healthz", timeout=5) as response:
        assert response.status == 200
    elsewhere.expect(type="TXT", client_id=elsewhere.txt("meanwhile"))
    took = time.monotonic() - started
    # psycopg imported before gevent's patches would block the whole worker for the lock
    # timeout (1 s here): gunicorn.conf.py never preloads the app.
    assert took < 0.5, took
    assert member.expect(event="error", timeout=5)["code"] == "not-saved"
    locker.join()


def test_postgres_gets_a_pool_and_lock_timeouts(monkeypatch):
    monkeypatch.setenv("COUNSEL_DB_POOL_SIZE", "4")
    settings = config.read_environment()
    options = config.engine_options("postgresql+psycopg://counsel@db/counsel", settings)
    assert (options["pool_size"], options["max_overflow"], options["pool_timeout"]) == (4, 10, 5)
    assert "lock_timeout=" in options["connect_args"]["options"]
    assert options["hide_parameters"] and options["pool_pre_ping"]
    assert "pool_size" not in config.engine_options("sqlite:////tmp/counsel.db", settings)


def test_admission_answers_503_when_the_database_cannot_serve_it(app, client, member, tmp_path):
    login(client, member)
    with app.app_context():
        db.engine.dispose()
    Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).unlink()
    upgrade = {"Upgrade": "websocket", "Connection": "Upgrade", "Origin": "http://localhost"}
    response = client.get("/ertc?session=1", headers=upgrade)
    assert response.status_code == 503  # as when the pool is exhausted: not a 500
    assert response.get_json()["error"] == "unavailable"
