"""Relay latency of live calls while anonymous clients register and log in (Argon2 bursts).

    .venv/bin/python -m bench.hashburst                 # 50 calls, 3 clients, 10 s each phase
    .venv/bin/python -m bench.hashburst --rooms 20 --seconds 3 --output /tmp/burst.md

Starts Counsel on SQLite (one gevent worker, pinned to the first core), seeds accepted calls,
and runs the paced load (one signaling round trip per call per second) twice: once quiet, once
while `--clients` threads loop over register + login through the real forms. Each of those
costs two Argon2 hashes. The per-address throttles are switched off for this server, so the
burst measures the event loop, not the throttle. Writes the figures into the marked section of
docs/performance.md (bench.run keeps that section when it rewrites the file).
"""

import argparse
import http.cookiejar
import os
import re
import secrets
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from types import SimpleNamespace

from bench import targets
from bench.servers import ROOT

CSRF = re.compile(rb'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
BEGIN, END = "<!-- hashburst -->", "<!-- /hashburst -->"


class BurstCounsel(targets.Counsel):
    """Counsel with the registration and login throttles off."""

    def env(self) -> dict[str, str]:
        """The server's environment."""
        return {**super().env(), "COUNSEL_REGISTER_PER_HOUR": "0", "COUNSEL_LOGINS_PER_MINUTE": "0"}


def _post_form(opener, url: str, path: str, fields: dict[str, str]) -> int:
    """GET the form for its CSRF token, then POST it; the final status."""
    with opener.open(url + path, timeout=30) as page:
        token = CSRF.search(page.read()).group(1).decode()
    body = urllib.parse.urlencode({**fields, "csrf_token": token}).encode()
    with opener.open(url + path, body, timeout=30) as answer:
        return answer.status


def _client(url: str) -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def register_and_login(url: str) -> None:
    """One new member through /register, then a fresh login through /login."""
    email = f"burst-{secrets.token_hex(6)}@example.com"
    password = f"burst {secrets.token_hex(8)}"
    _post_form(
        _client(url), url, "/register", {"name": "Burst", "email": email, "password": password}
    )
    _post_form(_client(url), url, "/login", {"email": email, "password": password})


def _hammer(url: str, stop: threading.Event, done: list[int]) -> None:
    while not stop.is_set():
        try:
            register_and_login(url)
            done.append(2)
        except Exception as error:  # noqa: BLE001 - a refused form still cost what it cost
            done.append(0)
            print(f"  burst client: {type(error).__name__}: {error}", file=sys.stderr)


def _load(target, rooms: int, seconds: float, args) -> dict:
    from bench.run import load  # bench.run imports this module for section()

    return load(target, "paced", rooms, seconds, args)


def burst_load(target, rooms: int, seconds: float, clients: int, args) -> tuple[dict, float]:
    """The paced load while clients register and log in; (result, hashes per second)."""
    stop, done = threading.Event(), []
    threads = [
        threading.Thread(target=_hammer, args=(target.server.url, stop, done), daemon=True)
        for _ in range(clients)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    result = _load(target, rooms, seconds, args)
    stop.set()
    for thread in threads:
        thread.join(60)
    return result, sum(done) / (time.monotonic() - started)


def _row(name: str, result: dict, hashes: float | None) -> str:
    figures = [result.get(key) for key in ("p50_ms", "p95_ms", "p99_ms", "max_ms")]
    cells = " | ".join("-" if value is None else f"{value:.1f}" for value in figures)
    rate = "-" if hashes is None else f"{hashes:.1f}"
    return f"| {name} | {result.get('ready_rooms')} | {cells} | {result.get('lost')} | {rate} |"


def render(label: str, command: str, quiet: dict, busy: dict, hashes: float) -> list[str]:
    """The report section: one table, quiet against burst."""
    return [
        f"#### {label}",
        "",
        f"`{command}`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        "",
        "| phase | calls | p50 ms | p95 ms | p99 ms | max ms | lost | Argon2 hashes/s |",
        "|---|---|---|---|---|---|---|---|",
        _row("quiet", quiet, None),
        _row("register + login burst", busy, hashes),
        "",
    ]


def section(path: Path) -> str:
    """The marked section of an existing report, or nothing."""
    text = path.read_text() if path.exists() else ""
    if BEGIN not in text or END not in text:
        return ""
    return "\n" + BEGIN + text.split(BEGIN, 1)[1].split(END, 1)[0] + END + "\n"


def write_section(path: Path, lines: list[str]) -> None:
    """Add this run's table to the marked section of the report (kept across bench.run)."""
    text = path.read_text() if path.exists() else ""
    if BEGIN not in text:
        text = text.rstrip("\n") + f"\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    body, tail = rest.split(END, 1)
    path.write_text(head + BEGIN + body.rstrip("\n") + "\n\n" + "\n".join(lines) + END + tail)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--label", default="this build")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "performance.md")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    command = " ".join(["python -m bench.hashburst", *(argv if argv is not None else sys.argv[1:])])
    workdir = ROOT / "bench" / "results" / time.strftime("burst-%Y%m%d-%H%M%S")
    workdir.mkdir(parents=True, exist_ok=True)
    from bench.run import split_cores

    run = SimpleNamespace(profile=SimpleNamespace(drain=2.0), generator_cores=split_cores()[2])
    target = BurstCounsel(workdir, split_cores()[0])
    try:
        target.start()
        target.rooms_file(args.rooms)
        quiet = _load(target, args.rooms, args.seconds, run)
        busy, hashes = burst_load(target, args.rooms, args.seconds, args.clients, run)
    finally:
        target.stop()
    lines = render(args.label, command, quiet, busy, hashes)
    print("\n".join(lines))
    write_section(args.output, lines)


if __name__ == "__main__":
    main()
