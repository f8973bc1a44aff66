"""Memory and CPU of a server's whole process tree (gunicorn master and workers), from /proc."""

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str]:
    raw = Path(f"/proc/{pid}/stat").read_text()
    return raw[raw.rindex(")") + 2 :].split()  # after "pid (comm) ": state is field 0


def tree(root: int) -> list[int]:
    """The root process and all its descendants that are alive now."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int(_stat_fields(int(entry.name))[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def rss_kib(root: int) -> int:
    """Resident memory of the tree, KiB (VmRSS summed over its processes)."""
    total = 0
    for pid in tree(root):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def run_delay_seconds(root: int) -> float:
    """Time the tree's threads were ready to run but waited for a CPU (schedstat), seconds."""
    total = 0
    for pid in tree(root):
        for task in Path(f"/proc/{pid}/task").glob("*/schedstat"):
            try:
                total += int(task.read_text().split()[1])
            except (OSError, IndexError, ValueError):
                continue
    return total / 1e9


def cpu_seconds(root: int) -> float:
    """User plus system CPU time the live processes of the tree have used, in seconds."""
    total = 0
    for pid in tree(root):
        try:
            fields = _stat_fields(pid)
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS
