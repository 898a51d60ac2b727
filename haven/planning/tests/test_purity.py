"""The planning core stays framework-free: importing all of it loads no Django."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import haven.planning

PLANNING = Path(haven.planning.__file__).parent


def test_planning_modules_import_without_django() -> None:
    modules = [
        f"haven.planning.{info.name}"
        for info in pkgutil.iter_modules([str(PLANNING)])
        if not info.name.startswith("_") and info.name != "tests"
    ]
    assert modules, "no planning modules found"
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in modules)
        + "leaked = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        + "other = sorted(m for m in sys.modules if m.startswith('haven.') "
        + "and not m.startswith('haven.planning'))\n"
        + "print(leaked, other)\n"
        + "sys.exit(1 if leaked or other else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
