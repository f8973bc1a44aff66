"""axe-core in the browser tests: inject it into a page and fail on serious or critical findings.

axe-core is the npm package in tests/browser/package.json, installed by `npm ci` into
tests/browser/node_modules (git-ignored; `make test` runs it). It is read from disk and injected
by the test, never served by Counsel. Pages with Counsel's CSP (`script-src 'self'`) refuse an
injected script: check them in a browser context opened with `bypass_csp=True`.
"""

import os
import subprocess
from functools import cache
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: the rules Counsel promises to pass.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                           resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((node) => node.target.join(" ")),
  }));
}"""


def _install() -> None:
    """`npm ci` the test's package.json once (needs the npm registry: outside the netns)."""
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, capture_output=True
    )


@cache
def axe_source() -> str:
    """The text of axe.min.js, installing it first when it is missing."""
    if not AXE_JS.exists():
        try:
            _install()
        except (OSError, subprocess.CalledProcessError) as error:
            message = f"axe-core is missing: run `npm ci` in {HERE} ({error})"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
    return AXE_JS.read_text()


def violations(page) -> list[dict]:
    """Every WCAG 2.2 A/AA violation axe finds on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source())
    return page.evaluate(RUN_AXE, WCAG_TAGS)


def describe(found: list[dict]) -> str:
    """One line per violation: impact, rule id, how many elements, and their targets."""
    return "\n".join(
        f"  {v['impact']} {v['id']} x{len(v['targets'])}: {', '.join(v['targets'][:6])}"
        for v in found
    )


def assert_accessible(page, context: str) -> list[dict]:
    """Fail when axe finds a serious or critical violation; returns the minor ones found."""
    found = violations(page)
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert not blocking, f"axe on {context} ({page.url}):\n{describe(blocking)}"
    return found
