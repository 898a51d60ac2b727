"""Shared test set-up: the database (SQLite, or PostgreSQL from HAVEN_TEST_DATABASE_URL),
one user per role, and clients signed in as each."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

# The data folder and the database are chosen in haven/core/testdb.py, before the settings load.

ROLES = ("commander", "quartermaster", "medic", "scout", "clerk", "member")
PASSWORD = "correct horse battery"


def pytest_report_header(config: pytest.Config) -> str:
    url = os.environ.get("HAVEN_TEST_DATABASE_URL")
    if url:
        return f"haven database: PostgreSQL {url}"
    return "haven database: SQLite (set HAVEN_TEST_DATABASE_URL for PostgreSQL)"


@pytest.fixture(autouse=True)
def _fast_settings(request: pytest.FixtureRequest, tmp_path: Any) -> None:
    if not request.config.pluginmanager.hasplugin("django"):
        return  # the pure planning tests may run without Django at all
    settings = request.getfixturevalue("settings")
    settings.MEDIA_ROOT = tmp_path / "uploads"
    # Real hashing costs ~0.4 s a user; tests make many users and check roles, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def users(db: None) -> dict[str, Any]:
    """One user per role, named after the role."""
    from haven.accounts.services import create_user

    return {
        role: create_user(username=role, password=PASSWORD, role=role, superuser=False)
        for role in ROLES
    }


@pytest.fixture
def client_as(users: dict[str, Any]) -> Callable[[str], Any]:
    """A Django test client signed in as the given role."""
    from django.test import Client

    def make(role: str) -> Client:
        client = Client()
        client.force_login(users[role])
        return client

    return make


@pytest.fixture
def api_as(users: dict[str, Any]) -> Callable[[str], Any]:
    """A test client that sends a bearer token of the given role to /api/v1/."""
    from django.test import Client

    from haven.accounts.services import create_token

    def make(role: str) -> Client:
        token = create_token(username=role)
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return make


@pytest.fixture
def postgres_only() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set HAVEN_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (no browser download)."""
    if not os.path.exists(os.environ.get("HAVEN_CHROMIUM", "/usr/bin/chromium")):
        pytest.skip("no Chromium at /usr/bin/chromium: apt-get install chromium")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("HAVEN_CHROMIUM", "/usr/bin/chromium"),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page_as(
    browser: Any, live_server: Any, users: dict[str, Any]
) -> Iterator[Callable[[str], Any]]:
    """A browser page signed in through the login form as the given role; any script the
    Content-Security-Policy blocks fails the test."""
    pages: list[Any] = []
    blocked: list[str] = []

    def make(role: str) -> Any:
        context = browser.new_context(viewport={"width": 412, "height": 900}, locale="en-US")
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                blocked.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        page.set_default_timeout(15000)
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", role)
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        pages.append(context)
        return page

    yield make
    for context in pages:
        context.close()
    assert blocked == [], "the Content-Security-Policy blocked: " + "; ".join(blocked)
