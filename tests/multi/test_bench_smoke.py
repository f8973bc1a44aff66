"""The benchmark's smoke mode runs end to end against Counsel and produces sane numbers.

No timing thresholds: this only proves the generator, the seeding, the runner and the report
still work, so that the benchmark never rots. The full run is `make bench`.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

pytestmark = pytest.mark.postgres  # (f) is measured on PostgreSQL too
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench_pg_url(postgres_server):
    """A database name for the runner, which drops and creates it itself; dropped afterwards."""
    name = f"counsel_bench_smoke_{os.getpid()}"
    url = make_url(str(postgres_server.url)).set(database=name)
    yield url.render_as_string(hide_password=False)
    with postgres_server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module")
def smoke(tmp_path_factory, bench_pg_url) -> dict:
    """Run `python -m bench.run --smoke --targets counsel` once; its results.json and report."""
    pg_url = bench_pg_url
    workdir = tmp_path_factory.mktemp("bench")
    env = {**os.environ, "BENCH_POSTGRES_URL": pg_url}
    command = [
        sys.executable,
        "-m",
        "bench.run",
        "--smoke",
        "--targets",
        "counsel",
        "--output",
        str(workdir / "performance.md"),
        "--results-dir",
        str(workdir),
    ]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((workdir / "results.json").read_text())
    return {"results": results, "report": (workdir / "performance.md").read_text()}


def _no_failures(run: dict) -> None:
    assert "error" not in run, run.get("error")
    assert run["ready_rooms"] == run["rooms"], run["events"]
    assert run["ready_sockets"] == 2 * run["rooms"]
    assert not [name for name in run["events"] if name.startswith("connect-failed")]
    assert run["generator_cpu"] >= 0 and run["server_cpu"] >= 0


def test_closed_loop_relays_messages(smoke):
    (run,) = smoke["results"]["counsel"]["closed"]
    _no_failures(run)
    assert run["received"] > 0 and run["msgs_per_s"] == pytest.approx(
        run["received"] / run["duration_s"], 0.01
    )


def test_paced_load_delivers_everything_and_measures_latency(smoke):
    runs = smoke["results"]["counsel"]["paced"]
    assert [run["rooms"] for run in runs] == [4, 8]
    for run in runs:
        _no_failures(run)
        assert run["sent"] > 0 and run["received"] == run["sent"] == run["samples"]
        assert run["lost"] == 0
        assert 0 < run["p50_ms"] <= run["p99_ms"] <= run["max_ms"] < 10_000
        assert run["connect_per_s"] > 0
        assert run["rss_delta_kib"] is not None and run["kib_per_socket"] is not None


@pytest.mark.parametrize("target", ["counsel", "counsel_pg"])
def test_txt_is_acknowledged_on_both_databases(smoke, target):
    run = smoke["results"][target]["txt"]
    _no_failures(run)
    assert run["acked"] > 0 and run["samples"] == run["acked"]
    assert run["received"] > 0  # the peers' copies


def test_no_sqlite_transaction_spans_a_greenlet_switch(smoke):
    """bench/yield_guard.py saw no yield inside a SQLite transaction (that freezes a worker)."""
    assert smoke["results"]["counsel"]["sqlite_yields"] == 0


def test_report_holds_the_table_and_the_command(smoke):
    report = smoke["report"]
    assert "| (a) closed loop" in report and "| (f) TXT acknowledged" in report
    assert "python -m bench.run --smoke --targets counsel" in report
    assert "not yet available" in report or "2 workers + Redis" in report
