"""Unit tests of the per-connection flood guard and the byte size limit."""

from counsel.ertc.transport.limits import FloodGuard, Verdict, too_big


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def verdicts(guard: FloodGuard, count: int) -> list[Verdict]:
    return [guard.admit("{}") for _ in range(count)]


def test_burst_then_one_warning_then_silent_drops_then_close():
    guard = FloodGuard(burst=10, rate=5, grace=4, clock=Clock())
    result = verdicts(guard, 16)
    assert result[:10] == [Verdict.OK] * 10
    assert result[10:] == [
        Verdict.WARN,
        Verdict.DROP,
        Verdict.DROP,
        Verdict.DROP,
        Verdict.FLOOD,
        Verdict.FLOOD,
    ]


def test_the_sustained_rate_is_allowed():
    clock = Clock()
    guard = FloodGuard(burst=10, rate=5, grace=4, clock=clock)
    for _ in range(100):
        clock.now += 0.2
        assert guard.admit("{}") is Verdict.OK


def test_calming_down_forgets_the_warning():
    clock = Clock()
    guard = FloodGuard(burst=10, rate=5, grace=4, clock=clock)
    verdicts(guard, 13)  # warned, two drops
    clock.now += 10
    assert verdicts(guard, 11)[-1] is Verdict.WARN  # a fresh strike, a fresh warning


def test_slow_trickle_during_a_strike_still_ends_in_a_close():
    clock = Clock()
    guard = FloodGuard(burst=10, rate=5, grace=4, clock=clock)
    result = verdicts(guard, 11)
    for _ in range(40):  # keeps sending 4x faster than the rate
        clock.now += 0.05
        result.append(guard.admit("{}"))
    assert Verdict.FLOOD in result


def test_a_large_backlog_is_a_flood():
    assert FloodGuard(max_backlog=5).admit("{}", backlog=6) is Verdict.FLOOD


def test_size_counts_utf8_bytes_not_characters():
    assert not too_big("a" * 65536)
    assert too_big("a" * 65537)
    assert not too_big("é" * 32768)  # 65536 bytes
    assert too_big("é" * 32769)
    assert too_big(b"\0" * 65537) and not too_big(b"\0" * 65536)
    assert FloodGuard().admit("€" * 30000) is Verdict.TOO_BIG
