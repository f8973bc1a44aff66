"""The fixed prose of docs/performance.md (the numbers come from bench/report.py)."""

INTRO = """# Performance: Counsel against the PeerJS server

This file is written by `bench/run.py`; do not edit it by hand, run the benchmark again.
Both servers get the same work: N rooms of two authenticated sockets exchanging offer, answer and
ICE-candidate frames of about 200 bytes (the same SDP and candidate text, each in its own
protocol's envelope), measured from one load generator on the same machine.
Run it with `make bench` (about 15 minutes; `python -m bench.run --help` for the options) on an
otherwise idle machine; `python -m bench.run --smoke` runs everything tiny, in seconds."""

METHOD = """## How it is measured

- **Servers.** Counsel: `gunicorn app:app` with the project's `gunicorn.conf.py` (gevent
  worker), one worker with the in-process relay, SQLite unless stated. For the benchmark the
  per-worker socket cap (`COUNSEL_MAX_SOCKETS_PER_WORKER`) and gunicorn's `worker_connections` are
  raised to 20,000 so that capacity, not the cap, is measured. PeerJS: the npm package `peer`
  (`peerjs --port P --concurrent_limit 100000`). Every server is pinned with `taskset` to one core;
  the generator runs on the other(s). Counsel with two workers and Redis spreads over both
  cores and so shares the generator's.
- **Sockets.** Counsel's are real logins: the runner seeds N accepted sessions (2N users, one
  precomputed Argon2 hash) straight into the database and signs each person's Flask session
  cookie with the server's secret key, as `login_user` would; every socket passes the same
  admission checks as a browser's (login, Origin, participant, session state), and its arrival
  and departure are committed to the ledger. PeerJS sockets use `/peerjs?key=peerjs&id=..&token=..`
  and send `HEARTBEAT` every 5 s as PeerJS's browser client does.
- **Generator** (`bench/loadgen.py`): one process per generator core, each a uvloop event loop
  with picows sockets (picows used about 9 µs of client CPU per relayed message against about
  15 µs for `websockets` and `aiohttp` on this machine). Signaling frames are answered inside
  the frame callback from pre-encoded bytes. The send time (monotonic clock, shared by all
  processes on Linux) rides in the SDP session id or the candidate foundation, so one-way latency
  needs no clock sync. "generator-bound" marks a run where the generator used over 90 % of its
  cores: its numbers are a floor for the server, not a ceiling.
- **(a) closed loop**: each room keeps one frame in flight: every arrival is answered at once.
  Counsel's flood guard allows 20 frames/s per socket (burst 60), so the closed loop runs with
  1000 and more rooms, where a socket stays below that rate; the best N counts.
- **(b) paced**: each room sends one round trip (offer then answer, or two candidates) per
  second at a random phase, on an absolute schedule (a slow server does not slow the sender, so
  queueing shows up as latency). Percentiles are over every one-way delivery in the window;
  frames not delivered within the drain time after the window count as lost.
- **(c)**: the paced load continues past 4000 rooms (6000, 8000; two sockets per room must fit
  the open-file limit of 20,000) while every room connected, nothing was lost and p99 < 50 ms;
  8000 therefore means "at least 8000". Past the first failure, two bisections narrow (c) down
  to 500 rooms.
- **(d)** sockets per second from the first connect to the last welcome (`OPEN` for PeerJS) of
  the paced run, 50 handshakes in flight, a 503 (server busy or full) retried up to four times
  with backoff as a reconnecting client would; **(e)** the growth of the server's resident memory
  (all processes of its tree, from `/proc/<pid>/status`) over those sockets, on a server
  started fresh for that run.
- **(f)** TXT (Counsel only, PeerJS persists nothing): every socket sends a chat message and
  the next one when its own copy (the acknowledgement, committed before it is sent) comes back.
- **CPU** columns: cores used in the window by the server's processes (`/proc/<pid>/stat`) and
  by the generator. Where frames came late although the server did not use its whole core, a
  note tells whether a process of the run waited for a CPU (`/proc/<pid>/task/*/schedstat`:
  the machine was shared) or the server waited on something else.
- Everything runs on one machine: the numbers compare the servers with each other, on the same
  cores and the same work; they are not what a bigger machine would reach."""

FINDINGS = """## Serving notes behind these numbers (measured on this machine)

- **psycopg 3 cooperates with gevent, if it is imported after the patching.** Two greenlets each
  running `SELECT pg_sleep(0.5)` under `gevent.monkey.patch_all()` finish in 0.53 s (a ticker
  greenlet kept running during the query). psycopg picks its wait function once, at import
  (`psycopg/waiting.py`: `wait_c` unless `gevent.monkey.is_module_patched("select")`); imported
  before the patching, the same two queries take 1.06 s and every query blocks the worker. The
  gevent worker patches before it loads the app, so `gunicorn.conf.py` must never set
  `preload_app` (it says so).
- **The connection pool is where greenlets queue.** SQLAlchemy's `QueuePool` waits on a
  (patched) condition, so a greenlet waiting for a connection yields: ten greenlets on a pool
  of five took 1.0 s for `pg_sleep(0.5)` each, five took 0.57 s. Counsel's PostgreSQL pool
  (`counsel/config.py`: 10 + 10 overflow per worker, 5 s timeout, pre-ping) serves thousands of
  sockets because each event holds a connection only for its own short transaction; a connect
  burst that exhausts it gets 503 before the upgrade (seen in the 2-worker runs, retried by the
  generator). What must hold is workers × app servers × 20 below PostgreSQL's
  `max_connections` (100 by default).
- **SQLite under gevent freezes the whole worker while it waits for a lock.** `sqlite3` waits
  for a busy database inside C (`busy_timeout`), which no greenlet can interrupt: when one
  greenlet holds the write lock (Counsel takes it at a transaction's first write) and
  yields, for any socket or queue wait, before it commits, the next greenlet that begins a
  transaction stops the worker for the full busy timeout (5 s) and then fails with "database is
  locked", while the holder cannot run to release it. Measured: with a 1 s busy timeout the hub
  ran 21 times in 1.5 s instead of 150, and the waiting transaction failed. Transactions must
  therefore never span a wait (Counsel's per-event sessions are built that way); a one-connection
  pool for SQLite (`pool_size=1, max_overflow=0`) would turn such a mistake into a cooperative
  wait on the pool instead of a frozen worker.
- **Sockets and files.** gunicorn's gevent `worker_connections` (10,000 here) must stay above
  Counsel's own cap `COUNSEL_MAX_SOCKETS_PER_WORKER` (4000 by default) with room for page
  requests, or the socket past gunicorn's limit hangs at accept instead of getting the 503; and
  every socket is an open file, so `gunicorn.conf.py` lifts the soft open-file limit (often
  1024) to the hard limit for the workers.
- **Two workers on a two-core machine.** The 1.6x target for two workers with Redis needs
  cores this machine does not have: the generator takes most of one of its two cores, so the
  two workers got 1.45 cores between them in the closed loop (2026-11-22 05:21 run: 24,852
  messages/s against 18,867 for one worker, 1.32x). Per second of server CPU they relayed
  17,151 messages against one worker's 18,981 (0.90: a frame between workers costs a publish
  and a subscriber read more), so two workers with a core each would relay about 1.8x one
  worker; that is an extrapolation, not a measurement: it needs a machine with at least three
  cores, or the generator on another machine.
- **Where a socket's memory goes.** The bare flask-sock relay (`bench/bare_relay.py`) holds 41.5
  KiB per socket under gevent: the route's greenlet, simple-websocket's reader greenlet with its
  Event, wsproto, the socket; one more parked greenlet per socket costs about 13.5 KiB. Counsel
  keeps neither a writer nor a reader greenlet per socket. Whoever queues a frame for an idle
  socket writes it at once with a non-blocking `os.write`; only when the socket's buffer is full
  does a short-lived writer take the rest (under the 8 s send timeout) and exit
  (`counsel/ertc/transport/connection.py`). The route's own greenlet reads its socket
  (`counsel/ertc/transport/reader.py`): simple-websocket's reader thread is never started and
  its Event is a no-op (`counsel/ertc/transport/greenio.py`, in `SOCK_SERVER_OPTIONS`), and the
  wait for input has no timer: one heartbeat per worker (`counsel/ertc/transport/heartbeat.py`,
  a wheel of 500 steps per ping interval) sends the pings and ends the wait of a socket whose
  pong is missing by shutting its reading side. Measured at 1000 rooms (paced, fresh server, one
  worker, SQLite): 67.1 KiB per socket with both greenlets, 49.3 without the writer, 37.5
  without the reader.
- **Where a relayed frame's time goes.** In-process, per signaling frame of about 200 bytes:
  wsproto parses a client frame in 17 µs; `counsel/ertc/transport/splitter.py` unmasks and
  decodes the plain case (one final masked text frame, the nearly universal one) in 2.5 µs and
  gives pings, pongs and, for good, anything unusual to wsproto whole (a Hypothesis test checks
  it against wsproto alone over random streams and chunkings). orjson reads a frame in 0.4 µs
  (the json module 2.2) and writes one in 0.16 µs (3.2); `counsel/ertc/transport/framing.py`
  frames it. Validation and routing take about 6 µs. What is left is the gevent hub and the
  system calls (a `recv` and a `write` per frame). Closed loop, 1000 rooms, one worker on one
  core, on the machine of this run, the same load generator: 8.0k to 9.4k messages/s with the
  reader greenlet, 10.1k to 12.3k reading in the route's greenlet without a timer per wait,
  12.8k to 15.5k with the inbound fast path, 15.2k to 18.3k with orjson (short runs vary by
  about 15 % here). Connecting is database-bound: the admission checks, then one transaction
  that commits `joined` with the participant's joined flag (and the live transition), then the
  replay read; the join used to take two write transactions and an ORM load, and with two
  workers on PostgreSQL the pool then ran dry during a connect burst (583 of 1000 rooms ready;
  now all)."""
