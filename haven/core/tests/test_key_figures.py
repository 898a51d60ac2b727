"""The key figures atop the dashboard: what each role may see, right, and on a phone's
first screen."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client


def figures(html: str) -> dict[str, str]:
    strip = re.search(r'<ul class="key-figures">(.*?)</ul>', html, re.S)
    if strip is None:
        return {}
    return {
        label.strip(): value
        for value, label in re.findall(r"<strong>(.*?)</strong> <span>(.*?)</span>", strip[1])
    }


def test_the_commander_sees_every_key_figure(
    camp: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    from haven.people.models import Person

    shown = figures(client_as("commander").get("/").content.decode())
    assert list(shown) == [
        "alerts in force",
        "in camp",
        "injured",
        "missing",
        "days of food",
        "days of water",
        "without shelter",
        "missions overdue",
    ]
    assert shown["in camp"] == str(Person.objects.in_camp().count())
    assert shown["injured"] == str(Person.objects.filter(status="injured").count())


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("quartermaster", {"days of food", "days of water"}),
    ],
)
def test_a_role_sees_only_the_figures_of_its_panels(
    role: str, expected: set[str], camp: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    shown = set(figures(client_as(role).get("/").content.decode()))
    assert expected <= shown


def test_the_numbers_carry_thousands_separators(
    users: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    from haven.people.aggregates import status_counts
    from haven.people.dashboard import headcount_figures

    counts = {"rows": [{"status": "injured", "count": 12617}], "in_camp": 1234567}
    in_camp, injured, _missing = headcount_figures(counts)
    assert in_camp.value == "1,234,567"
    assert injured.value == "12,617"
    assert injured.tone == "warn"
    assert status_counts() is not None


@pytest.mark.browser
def test_on_a_phone_every_key_figure_is_on_the_first_screen(
    camp: dict[str, Any], page_as: Callable[[str], Any]
) -> None:
    page = page_as("commander")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    boxes = [item.bounding_box() for item in page.locator(".key-figures li").all()]
    assert len(boxes) == 8
    assert all(box is not None and box["y"] + box["height"] <= 844 for box in boxes), boxes
