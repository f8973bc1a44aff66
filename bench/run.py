"""Run the whole benchmark on one machine and write the report.

    .venv/bin/python -m bench.run        # full run (about 15 minutes) into docs/performance.md
    .venv/bin/python -m bench.run --smoke --targets counsel --output /tmp/perf.md   # seconds

Each server runs pinned to the first CPU core, the load generator to the others. Counsel runs
under the project's gunicorn.conf.py (gevent), the PeerJS server is the npm package `peer`,
installed into bench/ on first use.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench import hashburst, report, targets
from bench.servers import ROOT, die_with_parent, pinned

LATENCY_LIMIT_MS = 50.0


@dataclass(frozen=True)
class Profile:
    closed: tuple[int, ...]  # rooms for the closed loop; the best rate counts
    closed_s: float
    paced: tuple[int, ...]  # rooms for the paced load, each on a freshly started server
    search: tuple[int, ...]  # then on while p99 stays under 50 ms
    paced_s: float
    txt_rooms: int
    txt_s: float
    drain: float
    fresh_server: bool  # restart the server before each paced N (clean memory numbers)
    guard: bool = False  # Counsel on SQLite under bench/guarded.conf.py (a little slower)
    bisect: bool = False  # narrow (c) down to 500 rooms between the last pass and first fail


PROFILES = {
    "full": Profile(
        (1000, 2000),
        10,
        (100, 1000, 2000, 4000),
        (6000, 8000),
        10,
        200,
        10,
        2.0,
        True,
        bisect=True,
    ),
    # A few minutes, for a first look while developing (no search past 2000 rooms).
    "quick": Profile((1000,), 5, (100, 1000, 2000), (), 5, 50, 5, 1.0, True),
    # Seconds, for CI; the long drain keeps a busy machine's late frames from counting as lost.
    "smoke": Profile((20,), 1, (4,), (8,), 1, 4, 1, 2.0, False, guard=True),
}


def split_cores() -> tuple[str | None, str | None, str | None]:
    """(one server core, all cores for a multi-worker server, generator cores)."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return None, None, None
    return str(cores[0]), ",".join(map(str, cores)), ",".join(map(str, cores[1:]))


def load(target: targets.Target, mode: str, rooms: int, duration: float, args) -> dict:
    """One load-generator run against the target's running server."""
    rooms_file = target.rooms_file(rooms)
    command = [
        sys.executable,
        "-m",
        "bench.loadgen",
        "--target",
        target.dialect,
        "--label",
        target.label,
        "--url",
        target.server.url,
        "--rooms",
        str(rooms),
        "--mode",
        mode,
        "--duration",
        str(duration),
        "--drain",
        str(args.profile.drain),
        "--server-pid",
        str(target.server.pid),
    ]
    if rooms_file:
        command += ["--rooms-file", str(rooms_file)]
    print(f"  {target.label}: {mode}, {rooms} rooms", file=sys.stderr, flush=True)
    done = subprocess.run(
        pinned(command, args.generator_cores),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=duration + 300,
        preexec_fn=die_with_parent,
    )
    if done.returncode != 0:
        return {"mode": mode, "rooms": rooms, "error": done.stderr.strip()[-1500:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def passes(result: dict) -> bool:
    """Every room connected, nothing lost, one-way p99 under the limit."""
    p99 = result.get("p99_ms")
    return (
        result.get("ready_rooms") == result["rooms"]
        and result.get("lost") == 0
        and p99 is not None
        and p99 < LATENCY_LIMIT_MS
    )


def paced_sizes(profile: Profile) -> list[int]:
    """The paced room counts that fit under the open-file limit (two sockets per room)."""
    limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return [n for n in (*profile.paced, *profile.search) if 2 * n + 500 <= limit]


def bracket(runs: list[dict]) -> tuple[int, int] | None:
    """(largest passing N, first failing N) in room order, when some N failed after a pass."""
    passed = 0
    for run in sorted(runs, key=lambda run: run["rooms"]):
        if not passes(run):
            return (passed, run["rooms"]) if passed else None
        passed = run["rooms"]
    return None


def paced_runs(target: targets.Target, args) -> list[dict]:
    """The paced sizes, on while p99 holds, then up to two bisections of (c) in 500-room steps."""
    profile, runs = args.profile, []

    def paced(rooms: int) -> dict:
        if profile.fresh_server:
            target.restart()
        runs.append(load(target, "paced", rooms, profile.paced_s, args))
        return runs[-1]

    for rooms in paced_sizes(profile):
        result = paced(rooms)
        if rooms >= profile.paced[-1] and not passes(result):
            break
    for _ in range(2 if profile.bisect else 0):
        if not (edges := bracket(runs)) or (mid := round(sum(edges) / 1000) * 500) in edges:
            break
        paced(mid)
    return sorted(runs, key=lambda run: run["rooms"])


def measure(target: targets.Target, args, *, signaling: bool = True, txt: bool = False) -> dict:
    """Closed loop, paced load (each N on a fresh server, for clean memory), then TXT."""
    out = {"label": target.label, "closed": [], "paced": [], "txt": None}
    profile = args.profile
    try:
        target.start()
        for rooms in profile.closed if signaling else ():
            out["closed"].append(load(target, "closed", rooms, profile.closed_s, args))
        if signaling:
            out["paced"] = paced_runs(target, args)
        if txt:
            out["txt"] = load(target, "txt", profile.txt_rooms, profile.txt_s, args)
    except Exception as error:  # noqa: BLE001 - one server's failure must not lose the others'
        out["error"] = f"{type(error).__name__}: {str(error).splitlines()[0][:300]}"
    finally:
        target.stop()
    if getattr(target, "guard", False):
        out["sqlite_yields"] = target.guard_reports()
    return out


def run_all(args) -> dict:
    server_core, all_cores, _ = split_cores()
    workdir = args.results_dir
    results: dict[str, dict] = {}
    if "peerjs" in args.targets:
        results["peerjs"] = measure(targets.PeerJS(workdir, server_core), args)
    if "bare" in args.targets:
        results["bare"] = measure(targets.Bare(workdir, server_core), args)
    if "counsel" in args.targets:
        counsel = targets.Counsel(workdir, server_core, guard=args.profile.guard)
        results["counsel"] = measure(counsel, args, txt=True)
        postgres = targets.Counsel(workdir, server_core, database="postgresql")
        results["counsel_pg"] = measure(postgres, args, signaling=False, txt=True)
        if targets.redis_relay_available():
            scaled = targets.Counsel(workdir, all_cores, database="postgresql", workers=2)
            results["counsel_redis"] = measure(scaled, args)
        else:
            results["counsel_redis"] = {
                "label": "Counsel, 2 workers + Redis",
                "unavailable": "the Redis relay does not exist yet",
            }
    return results


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=PROFILES, default="full", help="how much to run")
    parser.add_argument("--smoke", action="store_true", help="--profile smoke: seconds (CI)")
    parser.add_argument("--targets", default="counsel,peerjs", help="counsel, peerjs, bare")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--results-dir", type=Path)
    args = parser.parse_args(argv)
    args.profile = PROFILES["smoke" if args.smoke else args.profile]
    args.targets = {name.strip() for name in args.targets.split(",")}
    stamp = time.strftime("%Y%m%d-%H%M%S")
    args.results_dir = (args.results_dir or ROOT / "bench" / "results" / stamp).resolve()
    args.generator_cores = split_cores()[2]
    args.command = " ".join(["python -m bench.run", *(argv if argv is not None else sys.argv[1:])])
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    args.results_dir.mkdir(parents=True, exist_ok=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    started, load_before = time.time(), os.getloadavg()[0]
    results = run_all(args)
    meta = {
        "command": args.command,
        "profile": asdict(args.profile),
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)),
        "minutes": round((time.time() - started) / 60, 1),
        "versions": targets.versions(),
        "cores": split_cores(),
        "latency_limit_ms": LATENCY_LIMIT_MS,
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    (args.results_dir / "results.json").write_text(json.dumps({"meta": meta, **results}, indent=1))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    kept = hashburst.section(args.output)  # the burst figures come from bench.hashburst
    args.output.write_text(report.render(meta, results) + kept)
    print(f"wrote {args.output} and {args.results_dir / 'results.json'}", file=sys.stderr)


if __name__ == "__main__":
    main()
