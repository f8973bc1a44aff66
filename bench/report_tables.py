"""The detail tables of docs/performance.md: every run of every server."""


def fmt(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def per_cpu_second(run: dict) -> float | None:
    """Messages per second of server CPU: the per-core rate even where a core was not full."""
    cpu = run.get("server_cpu")
    return run["msgs_per_s"] / cpu if cpu else None


def _contention(run: dict) -> list[str]:
    """Why frames were late although the server did not use its whole core, when they were."""
    late = (run.get("lost") or 0) > 0 or (run.get("p99_ms") or 0) > 50
    if not late or run.get("generator_bound") or (run.get("server_cpu") or 1) >= 0.8:
        return []
    waited = max(run.get("server_cpu_wait") or 0, run.get("generator_cpu_wait") or 0)
    if waited > 0.05:
        return [
            f"late frames: a process of the run waited {waited:.0%} of the time for a CPU "
            "(the machine was busy)"
        ]
    return [
        f"late frames while the server used {run['server_cpu']:.2f} of its core: "
        "it waited on something"
    ]


def _note(run: dict) -> str:
    if "error" in run:
        return "failed: " + run["error"].splitlines()[-1][:120].replace("|", "/")
    notes = ["generator-bound"] if run.get("generator_bound") else []
    notes += _contention(run)
    if run.get("ready_rooms") is not None and run["ready_rooms"] < run["rooms"]:
        notes.append(f"{run['rooms'] - run['ready_rooms']} rooms not ready")
    events = {k: v for k, v in run.get("events", {}).items() if k not in ("joined", "left")}
    notes += [f"{name} × {count}" for name, count in sorted(events.items())]
    return ", ".join(notes).replace("|", "/")


def details(results: dict) -> list[str]:
    lines = [
        "### Paced load: one round trip per room per second, fresh server per N",
        "",
        "| server | N | sockets ready | connect/s | KiB/socket | p50 ms | p99 ms | max ms "
        "| lost | server CPU | generator CPU | notes |",
        "|---" * 12 + "|",
    ]
    for result in results.values():
        for run in result.get("paced", []):
            lines.append(
                f"| {result['label']} | {fmt(run['rooms'])} | "
                + " | ".join(
                    fmt(run.get(key), d)
                    for key, d in (
                        ("ready_sockets", 0),
                        ("connect_per_s", 0),
                        ("kib_per_socket", 1),
                        ("p50_ms", 2),
                        ("p99_ms", 2),
                        ("max_ms", 1),
                        ("lost", 0),
                        ("server_cpu", 2),
                        ("generator_cpu", 2),
                    )
                )
                + f" | {_note(run)} |"
            )
    lines += [
        "",
        "### Closed loop: one frame in flight per room",
        "",
        "| server | N | messages/s | server CPU (cores) | messages per server CPU-second "
        "| generator CPU | notes |",
        "|---" * 7 + "|",
    ]
    for result in results.values():
        for run in result.get("closed", []):
            per_cpu = per_cpu_second(run)
            lines.append(
                f"| {result['label']} | {fmt(run['rooms'])} | "
                f"{fmt(run.get('msgs_per_s'), 0)} | {fmt(run.get('server_cpu'), 2)} | "
                f"{fmt(per_cpu, 0)} | {fmt(run.get('generator_cpu'), 2)} | {_note(run)} |"
            )
    lines += [
        "",
        "### TXT with persistence: each socket sends its next TXT on its acknowledgement",
        "",
        "| server | rooms | acknowledged/s | ack p50 ms | ack p99 ms | server CPU | notes |",
        "|---" * 7 + "|",
    ]
    for result in results.values():
        run = result.get("txt")
        if run:
            lines.append(
                f"| {result['label']} | {fmt(run['rooms'])} | "
                f"{fmt(run.get('acks_per_s'), 0)} | {fmt(run.get('p50_ms'), 2)} | "
                f"{fmt(run.get('p99_ms'), 2)} | {fmt(run.get('server_cpu'), 2)} "
                f"| {_note(run)} |"
            )
    return lines
