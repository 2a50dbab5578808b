"""The test suite's own rules (issue 7): tests stand alone.

* No test module and no conftest imports another test module or a conftest; shared plain
  helpers come from :mod:`tests.support`, shared fixtures from a ``conftest.py``.
* :mod:`tests.support` holds helpers only: no tests and no fixtures in it.
* Every folder with test modules is a package (has ``__init__.py``), so module names never clash.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
SUPPORT = TESTS / "support"


def _python_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "__pycache__" not in p.parts)


def imported_test_modules(source: str) -> list[str]:
    """Modules under ``tests`` that ``source`` imports, other than ``tests.support``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            found.append("." * node.level + (node.module or ""))
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "tests" and len(parts) > 1 and parts[1] != "support":
                found.append(name)
    return found


def test_the_rule_catches_what_it_should():
    assert imported_test_modules("from tests.registry.conftest import ROWS") != []
    assert imported_test_modules("import tests.dashboard.test_app") != []
    assert imported_test_modules("def f():\n    from tests.submit.conftest import smtp\n") != []
    assert imported_test_modules("from .conftest import x") != []
    assert imported_test_modules("from tests.support.mail import body\nimport registry") == []


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(TESTS)))
def test_no_test_imports_another_test_module(path: Path):
    assert imported_test_modules(path.read_text(encoding="utf-8")) == [], (
        f"{path.relative_to(TESTS)} imports test code: move helpers to tests/support/, fixtures to a conftest.py"
    )


def test_support_holds_helpers_only():
    for path in SUPPORT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert not node.name.startswith("test"), f"{path.name}: {node.name} is a test"
                decorators = [ast.unparse(d) for d in node.decorator_list]
                assert not any("fixture" in d for d in decorators), f"{path.name}: {node.name} is a fixture"


def test_every_folder_with_tests_is_a_package():
    folders = {p.parent for p in TESTS.rglob("test_*.py") if "__pycache__" not in p.parts}
    missing = sorted(str(f.relative_to(TESTS.parent)) for f in folders if not (f / "__init__.py").exists())
    assert missing == []
