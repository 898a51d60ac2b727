"""The SITREP in a browser: readable on a phone, printed from the browser on one A4 page."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from haven.sitrep.tests.conftest import END

QUERY = urlencode({"period": "24h", "end": END.isoformat()})
SCREENS = Path("/tmp/screens")


@pytest.mark.browser
def test_the_sitrep_prints_on_one_a4_page(
    camp: dict[str, Any], page_as: Callable[[str], Any], live_server: Any
) -> None:
    page = page_as("commander")
    page.goto(f"{live_server.url}/sitrep/?{QUERY}")
    page.wait_for_selector(".sitrep-keys")
    assert page.locator(".sitrep-keys .fig.warn").first.is_visible()  # the CMR, flagged
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENS / "sitrep-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1100, "height": 1400})
    pdf: bytes = page.pdf(format="A4", print_background=True)
    (SCREENS / "sitrep-browser-print.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1
    # The figure links go to the events behind them.
    page.click("a.fig >> nth=1")
    page.wait_for_selector("h1")
    assert "/sitrep/events/" in page.url
