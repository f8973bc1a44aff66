"""Unit tests of the ledger: seq allocation, closed sessions, dedupe races, locked database."""

import sqlite3

import pytest

from counsel.extensions import db
from counsel.models import CounselingSession, LedgerEntry, Status
from counsel.records import ledger


@pytest.fixture
def session_id(app, member, expert, create_session):
    session = create_session(member, expert)
    with app.app_context():
        yield session.id


def test_seq_counts_up_per_session_and_entries_after_replays_in_order(
    session_id, app, member, expert, create_session
):
    other = create_session(member, expert).id
    written = [
        ledger.append(sid, "server", "SYS", {"event": "joined", "role": "member"})
        for sid in (session_id, other, session_id, session_id)
    ]
    assert [w["seq"] for w in written] == [1, 1, 2, 3]
    assert ledger.entries_after(session_id, 1) == [written[2], written[3]]
    assert ledger.last_seq(session_id) == 3
    assert written[0]["ts"].endswith("Z") and written[0]["from"] == "server"


@pytest.mark.parametrize("status", [Status.REQUESTED, Status.ENDED, Status.CANCELLED])
def test_closed_sessions_take_no_entries(session_id, status):
    db.session.get(CounselingSession, session_id).status = status
    db.session.commit()
    with pytest.raises(ledger.SessionClosed):
        ledger.append(session_id, "member", "CAM", {"video": True, "audio": True})
    assert db.session.scalar(db.select(db.func.count(LedgerEntry.id))) == 0
    assert db.session.get(CounselingSession, session_id).last_seq == 0


def test_dedupe_race_answers_with_the_first_entry(session_id, member, monkeypatch):
    first, created = ledger.append_txt(session_id, "member", member.id, "hi", "race")
    assert created
    real_find = ledger.find_txt
    calls = iter([None])  # the first lookup misses, as if the other writer had not committed
    monkeypatch.setattr(ledger, "find_txt", lambda *args: next(calls, None) or real_find(*args))
    again, created = ledger.append_txt(session_id, "member", member.id, "hi", "race")
    assert (again, created) == (first, False)
    assert db.session.get(CounselingSession, session_id).last_seq == 1  # no seq used up


def test_locked_database_raises_not_saved_and_stores_nothing(session_id, app, member, monkeypatch):
    monkeypatch.setenv("COUNSEL_SQLITE_BUSY_TIMEOUT_MS", "100")
    db.session.remove()
    db.engine.dispose()  # new connections pick up the short busy timeout
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    with pytest.raises(ledger.NotSaved):
        ledger.append_txt(session_id, "member", member.id, "hi", "c1")
    blocker.execute("ROLLBACK")
    blocker.close()
    assert ledger.append_txt(session_id, "member", member.id, "hi", "c1")[0]["seq"] == 1
