"""One load-generator process: an asyncio (uvloop) loop that connects its rooms and runs the work.

It talks to the coordinating process over a pipe: it sends `connected`, waits for the window
(start and end in monotonic ns, which every process on the machine shares), runs, drains late
frames, and sends its counters.
"""

import asyncio
import os
import random
import time
from multiprocessing.connection import Connection

import picows
import uvloop

from bench import procstat
from bench.peers import MODES, Room
from bench.stats import Stats
from bench.wire import RoomSpec, make_dialect

HANDSHAKE_TIMEOUT = 30.0
CONNECT_ATTEMPTS = 5
READY_TIMEOUT = 30.0


def main(pipe: Connection, job: dict) -> None:
    """Process entry point."""
    uvloop.run(_run(pipe, job))


def _failure(exc: BaseException) -> str:
    status = getattr(getattr(exc, "response", None), "status", None)
    return f"connect-failed:{int(status)}" if status else f"connect-failed:{type(exc).__name__}"


async def _connect_peer(room: Room, peer, dialect) -> None:
    """Open one socket; a 503 (server busy or full) is retried with backoff, as a browser does."""
    for attempt in range(1, CONNECT_ATTEMPTS + 1):
        try:
            await picows.ws_connect(
                lambda: peer,
                dialect.url(room.spec, peer.side),
                extra_headers=dialect.headers(room.spec, peer.side),
                websocket_handshake_timeout=HANDSHAKE_TIMEOUT,
            )
            return
        except picows.WSError as exc:
            if _failure(exc) != "connect-failed:503" or attempt == CONNECT_ATTEMPTS:
                raise
            room.stats.events["retried:503"] += 1
            await asyncio.sleep(attempt * (0.5 + random.random()))


async def _connect_room(room: Room, dialect, gate: asyncio.Semaphore) -> bool:
    async with gate:
        for peer in room.peers:
            try:
                await _connect_peer(room, peer, dialect)
            except (TimeoutError, OSError, picows.WSError) as exc:
                room.stats.events[_failure(exc)] += 1
                return False
    return True


async def _wait_ready(rooms: list[Room], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not all(room.ready for room in rooms):
        await asyncio.sleep(0.05)


async def _sleep_until(deadline_ns: int) -> None:
    await asyncio.sleep(max(0.0, (deadline_ns - time.monotonic_ns()) / 1e9))


async def _connect_all(rooms: list[Room], job: dict) -> dict:
    gate = asyncio.Semaphore(job["concurrency"])
    first_ns = time.monotonic_ns()
    dialect = rooms[0].dialect if rooms else None
    results = await asyncio.gather(*(_connect_room(room, dialect, gate) for room in rooms))
    await _wait_ready([room for room, ok in zip(rooms, results, strict=True) if ok], READY_TIMEOUT)
    ready_times = [peer.ready_ns for room in rooms for peer in room.peers if peer.ready_ns]
    return {
        "sockets": sum(1 for room in rooms for peer in room.peers if peer.transport),
        "ready_sockets": len(ready_times),
        "ready_rooms": sum(1 for room in rooms if room.ready),
        "first_ns": first_ns,
        "last_ns": max(ready_times, default=first_ns),
    }


async def _run(pipe: Connection, job: dict) -> None:
    loop = asyncio.get_running_loop()
    stats = Stats()
    dialect = make_dialect(job["dialect"], job["url"])
    rooms = [MODES[job["mode"]](RoomSpec(*spec), dialect, stats) for spec in job["rooms"]]
    pipe.send(await _connect_all(rooms, job))
    stats.start_ns, stats.end_ns = await loop.run_in_executor(None, pipe.recv)
    ready = [room for room in rooms if room.ready]
    await _sleep_until(stats.start_ns)
    cpu_start, arrivals = time.process_time(), stats.arrivals
    wait_start = procstat.run_delay_seconds(os.getpid())
    for room in ready:
        room.start(stats.start_ns, stats.end_ns)
    await _sleep_until(stats.end_ns)
    cpu = time.process_time() - cpu_start
    wait = procstat.run_delay_seconds(os.getpid()) - wait_start
    stats.received += stats.arrivals - arrivals
    for room in ready:
        room.running = False
    await asyncio.sleep(job["drain"])
    pipe.send({**stats.report(), "cpu_s": cpu, "cpu_wait_s": wait})
    for room in rooms:
        for peer in room.peers:
            if peer.transport and not peer.transport.is_disconnected:
                peer.transport.disconnect()
    await asyncio.sleep(0.2)
