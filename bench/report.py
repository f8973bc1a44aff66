"""Render the benchmark results as the markdown of docs/performance.md."""

import os
import platform

from bench.report_tables import details, fmt, per_cpu_second
from bench.report_text import FINDINGS, INTRO, METHOD

REFERENCE_ROOMS = 1000  # (b) and (d) are read at this N
MEMORY_ROOMS = 2000  # (e): enough sockets that the RSS delta dwarfs allocator noise
COLUMNS = ("counsel", "counsel_redis", "peerjs")


def _ratio(mine, theirs) -> str:
    return f"{mine / theirs:.2f}" if mine and theirs else "–"


def _paced_at(result: dict, rooms: int) -> dict:
    runs = [run for run in result.get("paced", []) if "error" not in run]
    exact = [run for run in runs if run["rooms"] == rooms]
    below = [run for run in runs if run["rooms"] <= rooms]
    return (exact or below or runs or [{}])[-1]


def _best_closed(result: dict) -> dict:
    runs = [run for run in result.get("closed", []) if "error" not in run]
    return max(runs, key=lambda run: run["msgs_per_s"], default={})


def _largest_ok(result: dict, limit_ms: float) -> int | None:
    best = None
    for run in result.get("paced", []):
        p99 = run.get("p99_ms")
        ok = run.get("ready_rooms") == run["rooms"] and run.get("lost") == 0
        if not (ok and p99 is not None and p99 < limit_ms):
            break
        best = run["rooms"]
    return best


def _metrics(result: dict, limit_ms: float) -> dict:
    """The six headline numbers of one target (None where not measured)."""
    if not result or "unavailable" in result:
        return {}
    at_ref, at_mem = _paced_at(result, REFERENCE_ROOMS), _paced_at(result, MEMORY_ROOMS)
    return {
        "a": _best_closed(result).get("msgs_per_s"),
        "a_cpu": per_cpu_second(_best_closed(result)),
        "b_p50": at_ref.get("p50_ms"),
        "b_p99": at_ref.get("p99_ms"),
        "b_rooms": at_ref.get("rooms"),
        "c": _largest_ok(result, limit_ms),
        "d": at_ref.get("connect_per_s"),
        "e": at_mem.get("kib_per_socket"),
        "e_rooms": at_mem.get("rooms"),
    }


def _cell(metrics: dict, result: dict, key: str, digits: int = 1) -> str:
    if result and "unavailable" in result:
        return "not yet available"
    return fmt(metrics.get(key), digits)


# (title, metric key, decimals, target); {ref}, {mem} and {limit} are filled in per run.
ROWS = (
    ("(a) closed loop, messages relayed per s (best N)", "a", 0,
     "2 workers ≥ 1.6 × 1 worker"),
    ("(a) the same per second of server CPU", "a_cpu", 0, "≥ 0.5"),
    ("(b) one-way p50 ms at N = {ref}, 1 rt/s", "b_p50", 2, ""),
    ("(b) one-way p99 ms at N = {ref}, 1 rt/s", "b_p99", 2, "≤ 1.5"),
    ("(c) largest N with p99 < {limit:g} ms", "c", 0, "≥ 1, aim 2"),
    ("(d) sockets per s at connect (N = {ref})", "d", 0, ""),
    ("(e) KiB of server memory per socket (N = {mem})", "e", 1, "≤ 40 KiB"),
)  # fmt: skip


def summary(meta: dict, results: dict) -> list[str]:
    limit = meta["latency_limit_ms"]
    m = {name: _metrics(results.get(name, {}), limit) for name in COLUMNS}
    r = {name: results.get(name, {}) for name in COLUMNS}
    mine, peer = m["counsel"], m["peerjs"]
    fill = {"ref": mine.get("b_rooms"), "mem": mine.get("e_rooms"), "limit": limit}
    lines = [
        "| measure | Counsel, 1 worker | Counsel, 2 workers + Redis | PeerJS server "
        "| Counsel 1 worker / PeerJS | target |",
        "|---|---|---|---|---|---|",
    ]
    for title, key, digits, goal in ROWS:
        cells = [_cell(m[name], r[name], key, digits) for name in COLUMNS]
        ratio = _ratio(mine.get(key), peer.get(key))
        lines.append(f"| {title.format(**fill)} | {' | '.join(cells)} | {ratio} | {goal} |")
    lines.append(_txt_row(results))
    return lines


def _txt_row(results: dict) -> str:
    sqlite = (results.get("counsel", {}).get("txt") or {}).get("acks_per_s")
    postgres = (results.get("counsel_pg", {}).get("txt") or {}).get("acks_per_s")
    return (
        f"| (f) TXT acknowledged per s, persisted (SQLite / PostgreSQL) "
        f"| {fmt(sqlite, 0)} / {fmt(postgres, 0)} | – | (no persistence) | – | |"
    )


def _busy_warning(meta: dict) -> list[str]:
    """Say so when something else was using the machine: the numbers are then a floor.

    Only the load before the run counts: at its end the load average is the run's own
    (servers, generator, PostgreSQL and Redis on these cores).
    """
    before, after = meta.get("load_average", (0, 0))
    if before < 1.0:
        return [
            f"The machine was idle before the run (1-minute load average {before:.1f}; "
            f"{after:.1f} at its end is the run's own load on {os.cpu_count()} cores).",
            "",
        ]
    return [
        f"**The machine was busy with other work when this run began (1-minute load average "
        f"{before:.1f} on {os.cpu_count()} cores): every number here is lower and noisier than "
        f"on an idle machine. Run `make bench` again on an idle one.**",
        "",
    ]


def render(meta: dict, results: dict) -> str:
    server_core, all_cores, generator = meta["cores"]
    versions = ", ".join(f"{name} {version}" for name, version in meta["versions"].items())
    head = [
        INTRO,
        "",
        f"Run: `{meta['command']}` on {meta['started']} "
        f"({meta['minutes']} min), {platform.processor() or platform.machine()}, "
        f"server on core {server_core}, generator on core(s) {generator}. {versions}.",
        "",
        *_busy_warning(meta),
    ]
    failures = [f"- {r['label']}: {r['error']}" for r in results.values() if r.get("error")]
    failures += [
        f"- {r['label']}: {r['sqlite_yields']} places yielded inside a SQLite transaction, "
        "which can freeze the worker (the server log has their stacks)"
        for r in results.values()
        if r.get("sqlite_yields")
    ]
    failures += [
        f"- {r['label']}: not yet available ({r['unavailable']})"
        for r in results.values()
        if r.get("unavailable")
    ]
    return "\n".join(
        [
            *head,
            *summary(meta, results),
            "",
            *failures,
            "",
            METHOD,
            "",
            *details(results),
            "",
            FINDINGS,
            "",
        ]
    )
