"""The test suite's own layout: no module imports a conftest or a test module, and conftest
files hold only fixtures and hooks (shared helpers live in tests/helpers/)."""

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent


def module_name(path: Path) -> str:
    """The dotted module name of a file under the repository root."""
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def imported_modules(tree: ast.AST, module: str) -> set[str]:
    """Every module an import statement names, `from x import y` counting x.y too."""
    package = module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = resolve(node, package)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def resolve(node: ast.ImportFrom, package: str) -> str:
    """The absolute module of a `from ... import`, relative ones resolved from `package`."""
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = ".".join(parts[: len(parts) - node.level + 1])
    return f"{base}.{node.module}" if node.module else base


def forbidden(name: str) -> bool:
    """A conftest or a test module: nothing may import either."""
    last = name.rsplit(".", 1)[-1]
    return last == "conftest" or last.startswith("test_")


def import_violations(source: str, module: str) -> list[str]:
    """The conftest and test modules this source imports."""
    tree = ast.parse(source)
    return sorted(name for name in imported_modules(tree, module) if forbidden(name))


def is_fixture(decorator: ast.expr) -> bool:
    """@pytest.fixture, @pytest.fixture(...) or @fixture."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return name == "fixture"


def allowed_in_conftest(node: ast.stmt) -> bool:
    """Imports, the docstring, `pytest_plugins`, fixtures and pytest_* hooks."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        return True
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return True
    if isinstance(node, ast.Assign):
        return [ast.unparse(target) for target in node.targets] == ["pytest_plugins"]
    if isinstance(node, ast.FunctionDef):
        return node.name.startswith("pytest_") or any(map(is_fixture, node.decorator_list))
    return False


def conftest_violations(source: str) -> list[str]:
    """What a conftest defines besides fixtures and hooks, by line."""
    body = ast.parse(source).body
    return [f"line {node.lineno}" for node in body if not allowed_in_conftest(node)]


def test_no_module_under_tests_imports_a_conftest_or_a_test_module():
    found = {}
    for path in sorted(TESTS.rglob("*.py")):
        bad = import_violations(path.read_text(), module_name(path))
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    assert found == {}


def test_conftest_files_hold_only_fixtures_and_hooks():
    found = {}
    for path in TESTS.rglob("conftest.py"):
        bad = conftest_violations(path.read_text())
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    assert found == {}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from tests.ws.conftest import Stack", ["tests.ws.conftest"]),
        ("from tests.unit.test_ice import SECRET", ["tests.unit.test_ice"]),
        ("import tests.ws.test_relay", ["tests.ws.test_relay"]),
        ("from tests.ws import conftest", ["tests.ws.conftest"]),
        ("from . import test_relay", ["tests.multi.test_relay"]),
        ("from ..conftest import make_app", ["tests.conftest"]),
        ("from tests.helpers.forms import csrf_token\nimport pytest", []),
    ],
)
def test_the_import_check_names_what_it_refuses(source, expected):
    assert import_violations(source, "tests.multi.test_workers") == expected


def test_the_conftest_check_refuses_helpers_and_constants():
    source = (
        '"""Doc."""\nimport pytest\npytest_plugins = ["x"]\nLIMIT = 3\n'
        "@pytest.fixture\ndef app():\n    pass\n"
        "def pytest_collection_modifyitems(items):\n    pass\n"
        "def login(client):\n    pass\n"
        "class Person:\n    pass\n"
    )
    assert conftest_violations(source) == ["line 4", "line 10", "line 12"]
