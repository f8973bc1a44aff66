"""Which message ids the source holds: Babel's extraction, as babel.cfg describes it."""

import functools
from collections.abc import Iterator
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from flask_babel import gettext

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPTS = ROOT / "static" / "js"
# `_l` marks lazy strings in Python; `t` is the browser code's lookup (static/js/i18n.js).
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None, "t": None}
MAPPING = ROOT / "babel.cfg"  # the same rules `pybabel extract -F babel.cfg` uses


def source_messages(root: Path = ROOT) -> Iterator[tuple[str, str | tuple[str, ...]]]:
    """Every (file, message id) Babel extracts from the Python, templates and scripts."""
    with MAPPING.open() as mapping:
        methods, options = parse_mapping_cfg(mapping, str(MAPPING))
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(root), methods, options, KEYWORDS
    ):
        yield filename, message


@functools.cache
def browser_ids() -> tuple[str, ...]:
    """The ids the scripts look up with t("..."), read once per process."""
    ids: set[str] = set()
    for script in sorted(SCRIPTS.glob("*.js")):
        for _line, message, _comments, _context in extract_from_file(
            "javascript", str(script), {"t": None}
        ):
            ids.add(message if isinstance(message, str) else message[0])
    return tuple(sorted(ids))


def browser_messages() -> dict[str, str]:
    """The scripts' strings in the current language, keyed by their English id."""
    return {message: gettext(message) for message in browser_ids()}
