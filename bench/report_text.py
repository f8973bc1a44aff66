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
  the generator runs on the other(s).
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
  8000 therefore means "at least 8000".
- **(d)** sockets per second from the first connect to the last welcome (`OPEN` for PeerJS) of
  the paced run, 50 handshakes in flight; **(e)** the growth of the server's resident memory
  (all processes of its tree, from `/proc/<pid>/status`) over those sockets, on a server
  started fresh for that run.
- **(f)** TXT (Counsel only, PeerJS persists nothing): every socket sends a chat message and
  the next one when its own copy (the acknowledgement, committed before it is sent) comes back.
- Everything runs on one machine: the numbers compare the servers with each other, on the same
  cores and the same work; they are not what a bigger machine would reach."""
