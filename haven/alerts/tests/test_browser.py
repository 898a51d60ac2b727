"""Done when: a commander drafts, a second commander approves and issues, another user sees
the banner and acknowledges, and the commander sees the count (headless Chromium)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from haven.alerts.models import Alert

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("HAVEN_SCREENSHOTS", "/tmp/screens"))


def test_draft_approve_issue_acknowledge(
    page_as: Callable[[str], Any], users: dict[str, Any], deputy: Any, live_server: Any
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    commander = page_as("commander")
    commander.goto(f"{live_server.url}/alerts/")
    commander.click("#new-alert")
    commander.fill("input[name=headline]", "Armed group seen on the north road")
    commander.fill("input[name=event]", "Armed attack")
    commander.fill("textarea[name=instruction]", "Stay inside. Children to the school.")
    commander.fill("input[name=area_desc]", "North gate")
    commander.click("#alert-form button[type=submit]")
    expect(commander.locator("h1")).to_contain_text("Armed group seen on the north road")
    expect(commander.locator("#actions")).to_contain_text("a second person")
    expect(commander.locator("#approve")).to_have_count(0)
    alert = Alert.objects.get()

    second = page_as("deputy")
    second.goto(f"{live_server.url}/alerts/{alert.pk}/")
    second.click("#approve")
    second.fill("#issue-form input[name=assemble_at]", "the north gate")
    second.click("#issue")
    expect(second.locator("#stage")).to_have_text("in force")
    expect(second.locator("#muster")).to_contain_text("the north gate")
    second.screenshot(path=str(SHOTS / "alerts-detail.png"), full_page=True)

    member = page_as("member")
    member.goto(f"{live_server.url}/")
    banner = member.locator("#alert-banner")
    expect(banner).to_contain_text("Armed group seen on the north road")
    expect(banner).to_contain_text("Assemble at the north gate.")
    member.screenshot(path=str(SHOTS / "alerts-banner.png"), full_page=True)
    member.click(f"#alert-banner [data-ack='{alert.pk}']")
    expect(member.locator("#alert-banner")).to_have_count(0)

    commander.goto(f"{live_server.url}/alerts/{alert.pk}/")
    expect(commander.locator("#ack-count")).to_have_text("1")
    commander.click("#who-not")
    expect(commander.locator("#not-acknowledged")).to_contain_text("commander")
    expect(commander.locator("#not-acknowledged")).not_to_contain_text("member")
    commander.screenshot(path=str(SHOTS / "alerts-unacknowledged.png"), full_page=True)
