"""Counters and latency samples of one generator process, and merging them across processes."""

import time
from array import array
from collections import Counter


class Stats:
    """What one generator process saw inside the measurement window [start, end)."""

    def __init__(self) -> None:
        self.start_ns = 0
        self.end_ns = 0
        self.sent = 0
        self.received = 0
        self.arrivals = 0  # closed loop: every arrival; the window is two snapshots of it
        self.acked = 0
        self.latencies_us = array("q")
        self.events: Counter[str] = Counter()

    def in_window(self, ts_ns: int) -> bool:
        return self.start_ns <= ts_ns < self.end_ns

    def count_received(self) -> None:
        """A relayed frame arrived (closed loop: counted by arrival time)."""
        if self.start_ns <= time.monotonic_ns() < self.end_ns:
            self.received += 1

    def count_sent(self, ts_ns: int) -> None:
        if self.start_ns <= ts_ns < self.end_ns:
            self.sent += 1

    def latency(self, sent_ns: int | None, now_ns: int) -> bool:
        """Record the latency of a frame sent inside the window; True if it was."""
        if sent_ns is None or not self.start_ns <= sent_ns < self.end_ns:
            return False
        self.latencies_us.append((now_ns - sent_ns) // 1000)
        return True

    def report(self) -> dict:
        return {
            "sent": self.sent,
            "received": self.received,
            "acked": self.acked,
            "latencies_us": self.latencies_us.tobytes(),
            "events": dict(self.events),
        }


def percentile(ordered: list[int], fraction: float) -> float | None:
    """The nearest-rank percentile of an ascending list (None when empty)."""
    if not ordered:
        return None
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return float(ordered[rank])


def merge(reports: list[dict]) -> dict:
    """Sum the counters of several processes and compute latency percentiles in ms."""
    samples: list[int] = []
    events: Counter[str] = Counter()
    totals = {"sent": 0, "received": 0, "acked": 0}
    for report in reports:
        for key in totals:
            totals[key] += report[key]
        samples.extend(array("q", report["latencies_us"]))
        events.update(report["events"])
    samples.sort()
    latency = {
        f"p{int(q * 100)}_ms": (None if (v := percentile(samples, q)) is None else v / 1000)
        for q in (0.5, 0.95, 0.99)
    }
    latency["max_ms"] = samples[-1] / 1000 if samples else None
    return {**totals, "samples": len(samples), **latency, "events": dict(events)}
