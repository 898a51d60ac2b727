"""Every package the code imports is declared, and every declared version is locked.

A package that happens to be on the developer's machine (as `six` was) hides a missing
install step until a new user's first run fails; these tests fail first.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9_.-]+", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


def _declared(*extras: str) -> set[str]:
    names = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    for extra in extras:
        names |= {_name(r) for r in PYPROJECT["project"]["optional-dependencies"][extra]}
    return names


def _imported_modules(paths: list[Path]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], path)
    return found


def _undeclared(paths: list[Path], declared: set[str]) -> list[str]:
    distributions = packages_distributions()
    problems = []
    for module, path in sorted(_imported_modules(paths).items()):
        if module in sys.stdlib_module_names or module in {"haven", "bench", "conftest"}:
            continue
        owners = {_name(d) for d in distributions.get(module, [module])}
        if not owners & declared:
            problems.append(f"{path.relative_to(ROOT)} imports {module} ({', '.join(owners)})")
    return problems


def _python_files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in (ROOT / folder).rglob("*.py")]


def test_the_application_imports_only_its_declared_dependencies() -> None:
    code = [
        p
        for p in _python_files("haven")
        if "tests" not in p.parts and p.name != "conftest.py" and "migrations" not in p.parts
    ]
    assert _undeclared(code, _declared()) == []


def test_tests_and_benchmarks_import_only_declared_dependencies() -> None:
    extras = PYPROJECT["project"]["optional-dependencies"]
    tests = [p for p in _python_files("haven") if "tests" in p.parts] + [ROOT / "conftest.py"]
    assert _undeclared(tests, _declared("test")) == []
    bench = _python_files("bench")
    assert _undeclared(bench, _declared(*extras)) == []


def test_every_declared_dependency_is_pinned_in_the_lock() -> None:
    lock = (ROOT / "requirements" / "lock.txt").read_text()
    pinned = {_name(line) for line in lock.splitlines() if re.match(r"[A-Za-z0-9]", line)}
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert sorted(_declared(*extras) - pinned) == []
