"""Triage tags on paper (headless Chromium): four to an A4 page, each with its QR code, and
nothing of the screen's toolbar printed."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from haven.health import services
from haven.health.tests.conftest import START_RED
from haven.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_nine_tags_print_on_three_a4_pages(
    page_as: Callable[[str], Any],
    live_server: Any,
    users: dict[str, Any],
    make_person: Callable[..., Person],
) -> None:
    for n in range(9):
        person = make_person(f"Casualty {n} Longfamilyname-Withahyphen-Andmore")
        services.record_triage(by=users["medic"], person=person, answers=START_RED)
    page = page_as("medic")
    page.goto(f"{live_server.url}/health/tags/")
    expect(page.locator(".tag .tag-qr svg")).to_have_count(9)
    page.emulate_media(media="print")
    expect(page.locator("button:has-text('Print')")).to_be_hidden()
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    Path("/tmp/screens/paper-triage-tags.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 3
