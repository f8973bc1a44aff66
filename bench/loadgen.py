"""The load generator: several processes, each a uvloop loop of picows sockets, N rooms of two.

    python -m bench.loadgen --target counsel --url http://127.0.0.1:8000 --rooms-file rooms.json \
        --rooms 1000 --mode paced --duration 10 --server-pid 1234

Prints one JSON object: connect rate, memory per socket (server RSS delta / sockets), messages
per second, one-way latency percentiles, server and generator CPU use. Modes: `closed` (one frame
in flight per room, as fast as possible), `paced` (one round trip per room per second), `txt`
(Counsel's persisted chat, each send waiting for its acknowledgement).
"""

import argparse
import json
import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path

from bench import procstat
from bench.stats import merge
from bench.worker import main as worker_main

SETTLE_SECONDS = 1.0  # after the connect burst, before memory is read and the window opens
LEAD_SECONDS = 0.3  # time for every process to receive the window before it opens


def raise_fd_limit() -> None:
    """Allow as many sockets as the hard limit permits."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def load_rooms(path: str | None, count: int) -> list[list]:
    """Room specs [key, [cookie_a, cookie_b]]: from the seeded file, or keys 1..count."""
    if not path:
        return [[key, [None, None]] for key in range(1, count + 1)]
    rooms = json.loads(Path(path).read_text())["rooms"]
    if len(rooms) < count:
        raise SystemExit(f"{path} holds {len(rooms)} rooms, {count} asked for")
    return rooms[:count]


def _spawn(job: dict, rooms: list, procs: int) -> list:
    context = multiprocessing.get_context("fork")
    workers = []
    for index in range(procs):
        parent, child = context.Pipe()
        share = {**job, "rooms": [tuple(spec) for spec in rooms[index::procs]]}
        process = context.Process(target=worker_main, args=(child, share), daemon=True)
        process.start()
        workers.append((process, parent))
    return workers


def _connect_summary(reports: list[dict]) -> dict:
    first = min(report["first_ns"] for report in reports)
    last = max(report["last_ns"] for report in reports)
    ready = sum(report["ready_sockets"] for report in reports)
    seconds = max((last - first) / 1e9, 1e-9)
    return {
        "sockets": sum(report["sockets"] for report in reports),
        "ready_sockets": ready,
        "ready_rooms": sum(report["ready_rooms"] for report in reports),
        "connect_seconds": round(seconds, 3),
        "connect_per_s": round(ready / seconds, 1),
    }


def _server_sample(server_pid: int | None) -> tuple:
    """(RSS KiB, CPU seconds, seconds waiting for a CPU) of the server's tree, or Nones."""
    if server_pid is None:
        return None, None, None
    return (
        procstat.rss_kib(server_pid),
        procstat.cpu_seconds(server_pid),
        procstat.run_delay_seconds(server_pid),
    )


def run(job: dict, rooms: list, procs: int, duration: float, server_pid: int | None) -> dict:
    """Connect, measure memory, run the window, and merge what every process saw."""
    rss_before = _server_sample(server_pid)[0]
    workers = _spawn(job, rooms, procs)
    connected = _connect_summary([pipe.recv() for _, pipe in workers])
    time.sleep(SETTLE_SECONDS)
    rss_after = _server_sample(server_pid)[0]
    start_ns = time.monotonic_ns() + int(LEAD_SECONDS * 1e9)
    end_ns = start_ns + int(duration * 1e9)
    for _, pipe in workers:
        pipe.send((start_ns, end_ns))
    time.sleep(max(0.0, (start_ns - time.monotonic_ns()) / 1e9))
    at_start = _server_sample(server_pid)[1:]
    time.sleep(max(0.0, (end_ns - time.monotonic_ns()) / 1e9))
    at_end = _server_sample(server_pid)[1:]
    reports = [pipe.recv() for _, pipe in workers]
    for process, _ in workers:
        process.join(10)
    return _result(job, connected, reports, duration, (rss_before, rss_after), (at_start, at_end))


def _result(job, connected, reports, duration, rss, cpu) -> dict:
    merged = merge(reports)
    generator_cores = len(os.sched_getaffinity(0))
    generator_cpu = sum(report["cpu_s"] for report in reports) / duration
    result = {
        "target": job["dialect_label"],
        "mode": job["mode"],
        "rooms": job["rooms_total"],
        **connected,
        "duration_s": duration,
        **merged,
        "msgs_per_s": round(merged["received"] / duration, 1),
        "acks_per_s": round(merged["acked"] / duration, 1),
        "lost": max(0, merged["sent"] - merged["received"]) if job["mode"] == "paced" else None,
        "generator_cores": generator_cores,
        "generator_cpu": round(generator_cpu, 3),
        "generator_cpu_wait": round(sum(r["cpu_wait_s"] for r in reports) / duration, 3),
        "generator_bound": generator_cpu > 0.9 * generator_cores,
    }
    if None not in rss:
        result["rss_delta_kib"] = rss[1] - rss[0]
        result["kib_per_socket"] = round((rss[1] - rss[0]) / max(1, connected["ready_sockets"]), 1)
    if None not in cpu[0]:
        (cpu_start, wait_start), (cpu_end, wait_end) = cpu
        result["server_cpu"] = round((cpu_end - cpu_start) / duration, 3)
        result["server_cpu_wait"] = round((wait_end - wait_start) / duration, 3)
    return result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", default="counsel", help="counsel, bare or peerjs")
    parser.add_argument("--label", help="name in the output (default: the target)")
    parser.add_argument("--url", required=True, help="the server's http:// origin")
    parser.add_argument("--rooms-file", help="seeded rooms with cookies (bench/seed.py)")
    parser.add_argument("--rooms", type=int, default=10)
    parser.add_argument("--mode", choices=("closed", "paced", "txt"), default="paced")
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--procs", type=int, default=max(1, len(os.sched_getaffinity(0))))
    parser.add_argument("--concurrency", type=int, default=50, help="rooms connecting at once")
    parser.add_argument("--drain", type=float, default=2.0, help="seconds for late frames")
    parser.add_argument("--server-pid", type=int, help="server process (tree) to measure")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    raise_fd_limit()
    rooms = load_rooms(args.rooms_file, args.rooms)
    job = {
        "dialect": args.target,
        "dialect_label": args.label or args.target,
        "url": args.url,
        "mode": args.mode,
        "concurrency": max(1, args.concurrency // args.procs),
        "drain": args.drain,
        "rooms_total": len(rooms),
    }
    procs = max(1, min(args.procs, len(rooms)))
    result = run(job, rooms, procs, args.duration, args.server_pid)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
