"""Compiled catalogues: the .mo files are generated from the committed .po files, never kept."""

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "messages"


def _stale(po: Path, mo: Path) -> bool:
    """True when the .mo is missing or older than its .po."""
    return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime


def _compile(po: Path, mo: Path) -> None:
    """Write one .mo beside a private draft, then move it into place in one step."""
    mo.parent.mkdir(parents=True, exist_ok=True)
    with po.open("rb") as source:
        catalog = read_po(source, locale=po.parent.parent.name)
    # Workers starting together each write their own draft; the rename is atomic.
    draft = mo.with_name(f".{mo.name}.{os.getpid()}")
    with draft.open("wb") as target:
        write_mo(target, catalog)
    os.replace(draft, mo)


def compile_catalogues(source: Path, target: Path, languages: tuple[str, ...]) -> list[Path]:
    """Compile every language's .po under `source` into `target` when needed; the ones written."""
    written = []
    for language in languages:
        po = source / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        mo = target / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if po.exists() and _stale(po, mo):
            _compile(po, mo)
            written.append(mo)
    return written
