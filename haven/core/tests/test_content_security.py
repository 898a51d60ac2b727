"""The Content-Security-Policy forbids inline script, so no template may carry any: no
<script> with a body, no on*= attribute, no javascript: URL (a test greps them all)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

HAVEN = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_ATTRIBUTE = re.compile(r"\son[a-z]+\s*=", re.I)
SCRIPT_URL = re.compile(r"javascript:", re.I)


def templates() -> list[Path]:
    found = sorted(HAVEN.rglob("templates/**/*.html"))
    assert len(found) > 20, "the templates were not found"
    return found


def test_no_template_has_inline_script() -> None:
    problems = []
    for path in templates():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for pattern in (INLINE_SCRIPT, EVENT_ATTRIBUTE, SCRIPT_URL):
                if pattern.search(line):
                    problems.append(f"{path.relative_to(HAVEN)}:{number}: {line.strip()[:80]}")
    assert problems == []


def test_the_grep_catches_what_it_must() -> None:
    for bad in ("<script>alert(1)</script>", '<button onclick="x()">', '<a href="javascript:x">'):
        assert any(p.search(bad) for p in (INLINE_SCRIPT, EVENT_ATTRIBUTE, SCRIPT_URL)), bad
    for good in ('<script src="/static/core/haven.js" defer></script>', "<button data-print>"):
        assert not any(p.search(good) for p in (INLINE_SCRIPT, EVENT_ATTRIBUTE, SCRIPT_URL))


@pytest.mark.parametrize("path", ["/login/", "/", "/api/v1/docs", "/admin/"])
def test_every_page_carries_the_policy(client_as: Any, path: str) -> None:
    answer = client_as("commander").get(path, follow=True)
    policy = answer.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self';" in policy + ";"
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_admin_and_the_api_docs_run_under_the_policy(
    page_as: Any, live_server: Any, users: Any
) -> None:
    """page_as fails the test if the browser blocks any script under the policy."""
    users["commander"].is_staff = users["commander"].is_superuser = True
    users["commander"].save()
    page = page_as("commander")
    for path in ("/admin/", "/admin/auth/user/add/", "/shelter/", "/people/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info")  # drawn by its script, so the script ran
