"""The test run's data folder and database, chosen before Django reads its settings.

pytest loads this module first (`-p haven.core.testdb` in pyproject's addopts): pytest-django
imports the settings before any conftest.py runs, so a choice made there would come too late
for a single-process run and the tests would silently use SQLite.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("HAVEN_DATA_DIR", tempfile.mkdtemp(prefix="haven-test-"))
if os.environ.get("HAVEN_TEST_DATABASE_URL"):
    os.environ["HAVEN_DATABASE_URL"] = os.environ["HAVEN_TEST_DATABASE_URL"]
