"""The distribution sheet on paper (headless Chromium): one A4 page for a small camp, the
signature column printed, the screen's buttons not."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from haven.rations import services
from haven.rations.tests.conftest import Camp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_distribution_sheet_prints_on_a4(
    page_as: Callable[[str], Any], live_server: Any, users: dict[str, Any], camp: Camp
) -> None:
    plan = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3)
    page = page_as("quartermaster")
    page.goto(f"{live_server.url}/rations/plans/{plan.pk}/list/")
    page.click("a:has-text('Print the whole list')")
    expect(page.locator(".distribution-sheet td.sign-col")).to_have_count(
        len(services.distribution_list(plan))
    )
    page.emulate_media(media="print")
    expect(page.locator("button:has-text('Print')")).to_be_hidden()
    expect(page.locator("th.sign-col")).to_be_visible()
    page.screenshot(path="/tmp/screens/paper-distribution-print.png", full_page=True)
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    Path("/tmp/screens/paper-distribution.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1
