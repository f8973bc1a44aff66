"""The Redis relay against a real Redis: several relays in one process stand for workers."""

import json
import time

import pytest
import redis

from counsel.ertc import callbacks
from counsel.ertc.protocol import REPLACED, TIMEOUT
from counsel.ertc.relay import RelayEvents
from counsel.ertc.relay.links import Publisher, connect
from counsel.ertc.relay.redis_relay import RedisRelay
from counsel.ertc.relay.seats import SUPERSEDED, TAKEN_BACK, TOMBSTONE, Owner, Seats
from counsel.extensions import db
from counsel.models import LedgerEntry
from tests.helpers.fakes import FakeConn
from tests.helpers.topology import RedisServer, drop_keys, new_prefix


@pytest.fixture
def prefix(redis_url):
    prefix = new_prefix()
    yield prefix
    drop_keys(redis_url, prefix)


@pytest.fixture
def relays(redis_url, prefix):
    """relays(url=None, ttl=10, app=None) -> a started RedisRelay; all stopped afterwards."""
    made: list[RedisRelay] = []

    def _make(url: str | None = None, ttl: float = 10.0, app=None) -> RedisRelay:
        relay = RedisRelay(url or redis_url, prefix=prefix, ttl=ttl)
        if app is not None:
            callbacks.register(relay, app)  # what the session layer registers in init_app
        else:
            relay.listen(RelayEvents(link_changed=callbacks.tell_link))
        made.append(relay)
        relay.start()
        return relay

    yield _make
    for relay in made:
        relay.stop()


def test_frames_and_presence_cross_workers(relays):
    a, b = relays(), relays()
    member, expert = FakeConn(1, "member"), FakeConn(1, "expert")
    a.attach(member)
    b.attach(expert)
    assert a.is_present(1, "expert") and b.is_present(1, "member")
    assert not a.is_present(2, "expert")
    assert a.send_to(1, "expert", {"type": "offer", "n": 1})
    assert b.send_to(1, "member", {"type": "answer", "n": 2})
    assert expert.next() == {"type": "offer", "n": 1}
    assert member.next() == {"type": "answer", "n": 2}
    assert not a.send_to(2, "expert", {"type": "offer"})  # nobody holds that seat
    b.close_seat(1, "member", 1000, "ended")
    deadline = time.monotonic() + 3
    while member.closed_with is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert (member.closed_with, member.end_reason) == (1000, "ended")


def test_a_worker_drops_its_own_echoes(relays, redis_url, prefix):
    a = relays()
    member = FakeConn(5, "member")
    a.attach(member)
    client = redis.Redis.from_url(redis_url)
    channel = f"{prefix}host:{a.host_id}"
    for origin in (a.host_id, "another-worker"):
        frame = {"type": "offer", "from": origin}
        message = {"o": origin, "k": "f", "s": 5, "r": "member", "f": frame}
        client.publish(channel, json.dumps(message))
    client.close()
    assert member.next() == {"type": "offer", "from": "another-worker"}
    assert member.nothing() == []


def test_second_socket_on_another_worker_replaces_the_first(relays):
    a, b, c = relays(), relays(), relays()
    first, expert = FakeConn(3, "member"), FakeConn(3, "expert")
    a.attach(first)
    c.attach(expert)
    second = FakeConn(3, "member")
    assert b.is_present(3, "member")  # what the join checks before committing `replaced`
    notice = {"type": "SYS", "event": "replaced", "role": "member", "seq": 9}
    b.attach(second, notice)
    assert first.next() == notice
    assert (first.closed_with, first.end_reason) == (4000, REPLACED)
    assert a.detach(first) is False  # not a leave: the peer is told nothing
    assert c.send_to(3, "member", {"type": "TXT", "seq": 10})
    assert second.next() == {"type": "TXT", "seq": 10}
    assert first.nothing(0.2) == []


def test_detach_frees_the_seat_everywhere(relays):
    a, b = relays(), relays()
    member = FakeConn(4, "member")
    a.attach(member)
    assert b.is_present(4, "member") and b.send_to(4, "member", {"type": "x"})
    assert a.detach(member) is True
    assert not b.is_present(4, "member")
    assert not b.send_to(4, "member", {"type": "x"})
    assert b.seats.client.get(b.seats.key(4, "member")) == TOMBSTONE.encode()


def test_logout_closes_the_users_sockets_on_every_worker(relays):
    a, b = relays(), relays()
    here, there, other = FakeConn(6, "member", 41), FakeConn(7, "member", 41), FakeConn(6, "expert")
    a.attach(here)
    b.attach(there)
    b.attach(other)
    a.disconnect_user(41)
    deadline = time.monotonic() + 3
    while there.closed_with is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert (here.closed_with, there.closed_with, other.closed_with) == (4001, 4001, None)


def test_publisher_sends_in_pipelines_and_keeps_order(redis_url, prefix):
    client = connect(redis_url)
    channel = f"{prefix}batch"
    subscriber = client.pubsub(ignore_subscribe_messages=True)
    subscriber.subscribe(channel)
    subscriber.get_message(timeout=1)
    failures = []
    publisher = Publisher(client, lambda: failures.append(1), max_batch=500)
    for n in range(2000):  # queued before the publisher runs: four round trips
        assert publisher.put(channel, str(n))
    publisher.start()
    received = []
    deadline = time.monotonic() + 5
    while len(received) < 2000 and time.monotonic() < deadline:
        message = subscriber.get_message(timeout=0.5)
        if message:
            received.append(int(message["data"]))
    publisher.stop()
    subscriber.close()
    client.close()
    assert received == list(range(2000)) and failures == []
    assert (publisher.batches, publisher.published) == (4, 2000)


def test_listener_reconnects_and_sockets_hear_degraded_then_restored(relays, tmp_path):
    private = RedisServer(tmp_path).start()
    try:
        a, b = relays(url=private.url), relays(url=private.url)
        member, expert = FakeConn(8, "member"), FakeConn(8, "expert")
        a.attach(member)
        b.attach(expert)
        private.stop()
        for conn in (member, expert):
            assert conn.expect(event="degraded", timeout=5)
        assert not a.healthy()
        started = time.monotonic()
        assert a.send_to(8, "expert", {"type": "offer"}) is False  # known down: no waiting
        assert time.monotonic() - started < 0.1
        private.start()
        for conn in (member, expert):
            assert conn.expect(event="restored", timeout=8)
        assert a.healthy() and a.listener.connects >= 2
        # Redis came back empty: the seats were claimed again, frames cross again.
        assert a.send_to(8, "expert", {"type": "offer", "after": True})
        assert expert.expect(type="offer")["after"] is True
    finally:
        private.stop()


def test_a_silent_redis_is_noticed_within_seconds(relays, tmp_path):
    private = RedisServer(tmp_path).start()
    try:
        relay = relays(url=private.url)
        conn = FakeConn(9, "member")
        relay.attach(conn)
        private.pause()  # the TCP connection stays up; nothing answers
        paused = time.monotonic()
        conn.expect(event="degraded", timeout=6)
        assert time.monotonic() - paused < relay.listener.dead_after + 1.5
        assert not relay.healthy()
        private.resume()
        conn.expect(event="restored", timeout=8)
    finally:
        private.stop()


def test_peer_of_a_dead_worker_is_told_left_when_its_seat_expires(
    relays, app, member, expert, create_session
):
    session = create_session(member, expert)
    a, b = relays(ttl=1.5), relays(ttl=1.5, app=app)
    on_a, on_b = FakeConn(session.id, "member"), FakeConn(session.id, "expert")
    a.attach(on_a)
    b.attach(on_b)
    time.sleep(b.upkeep.settle + 0.5)  # b has seen the member's seat held on a
    for part in (a.upkeep, a.listener, a.publisher):  # a dies: nothing refreshed or released
        part.stop()
    died = time.monotonic()
    left = on_b.expect(event="left", timeout=6)
    assert (left["role"], left["reason"]) == ("member", TIMEOUT)
    assert time.monotonic() - died < 1.5 + 2.0  # the TTL plus a watch round
    with app.app_context():
        stored = db.session.scalars(
            db.select(LedgerEntry).where(LedgerEntry.session_id == session.id)
        ).all()
        assert [row.payload for row in stored] == [
            {"event": "left", "role": "member", "reason": "timeout"}
        ]
        assert left["seq"] == stored[0].seq


def test_after_an_outage_the_newest_claim_keeps_the_seat(redis_url, prefix):
    client = redis.Redis.from_url(redis_url)
    seats = Seats(client, prefix, ttl=5)
    older, newer = Owner("a", "c1", 1000), Owner("b", "c2", 2000)
    seats.claim(1, "member", newer)
    assert seats.refresh_many([(1, "member", older)]) == [SUPERSEDED]
    seats.claim(1, "member", older)
    assert seats.refresh_many([(1, "member", newer)]) == [TAKEN_BACK]
    assert seats.owner(1, "member") == newer
    assert seats.release(1, "member", older) is False  # replaced: not a leave
    assert seats.release(1, "member", newer) is True
    assert seats.owner(1, "member") is None
    assert 0 < client.pttl(seats.key(1, "member")) <= 5000  # the tombstone goes away
    client.close()
