"""A commander whose role needs two-step sign-in enrols an authenticator on a phone."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from haven.accounts.tests.test_second_factor import code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("HAVEN_SCREENSHOTS", "/tmp/screens"))


def test_commander_enrols_an_authenticator_on_a_phone(
    browser: Any, live_server: Any, users: dict[str, Any], settings: Any
) -> None:
    settings.HAVEN_REQUIRE_2FA_FOR = ["commander"]
    context = browser.new_context(viewport={"width": 412, "height": 900}, locale="en-US")
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "commander")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/2fa/enrol/**")
    assert page.locator(".qr svg").is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "login-2fa-enrol-phone.png"), full_page=True)
    device = TOTPDevice.objects.get()
    page.fill("input[name=code]", code(device))
    page.click("button:has-text('Confirm')")
    page.wait_for_url(f"{live_server.url}/")
    assert "Your authenticator app is enrolled." in page.inner_text("main")
    context.close()
    assert blocked == []
