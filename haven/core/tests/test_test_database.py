"""The suite runs on the database it claims to: PostgreSQL when HAVEN_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_tests_use_postgresql_when_asked() -> None:
    wanted = "postgresql" if os.environ.get("HAVEN_TEST_DATABASE_URL") else "sqlite"
    assert connection.vendor == wanted
