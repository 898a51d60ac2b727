"""Counting what a user does on a phone: taps and keystrokes, not seconds (issue 14, item 8).

`Hand(page)` wraps a Playwright page: every tap (a click, opening a list, picking from it)
and every key typed is counted, so a flow's cost is measured the way a clerk pays it.
"""

from __future__ import annotations

from typing import Any

PHONE = {"width": 390, "height": 844}


class Hand:
    """A person's hand on a phone screen."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.taps = 0
        self.keys = 0
        page.set_viewport_size(PHONE)

    def tap(self, selector: str) -> None:
        self.page.click(selector)
        self.taps += 1

    def type(self, selector: str, text: str) -> None:
        """Tap into a field, then type `text` key by key."""
        self.tap(selector)
        self.page.keyboard.type(text)
        self.keys += len(text)

    def choose(self, selector: str, label: str) -> None:
        """A native list on a phone: one tap opens it, one picks (scrolling not counted)."""
        self.page.select_option(selector, label=label)
        self.taps += 2

    def __str__(self) -> str:
        return f"{self.taps} taps, {self.keys} keystrokes"
