"""Cut the media path between the browsers inside the test's own network namespace.

Policy routing rules that blackhole UDP and TCP, except TCP to and from the web server's port,
so that signaling keeps working while every ICE candidate pair dies. The kernel looks up the
`local` table (which holds 127.0.0.0/8) at priority 0, before any rule we could add, so it is
moved behind ours first.
"""

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager


def _ip(*args: str) -> None:
    subprocess.run(["ip", "rule", *args], check=True, capture_output=True)


@contextmanager
def local_table_after_our_rules() -> Iterator[None]:
    _ip("add", "pref", "100", "lookup", "local")
    _ip("del", "pref", "0")
    try:
        yield
    finally:
        _ip("add", "pref", "0", "lookup", "local")
        _ip("del", "pref", "100")


@contextmanager
def media_path_cut(server_port: int) -> Iterator[None]:
    """While inside, only TCP to and from `server_port` passes on loopback."""
    rules = [
        ("5", "ipproto", "tcp", "dport", str(server_port), "lookup", "local"),
        ("6", "ipproto", "tcp", "sport", str(server_port), "lookup", "local"),
        ("10", "ipproto", "tcp", "blackhole"),
        ("11", "ipproto", "udp", "blackhole"),
    ]
    with local_table_after_our_rules():
        for pref, *selector in rules:
            _ip("add", "pref", pref, *selector)
        try:
            yield
        finally:
            for pref, *_ in rules:
                _ip("del", "pref", pref)
