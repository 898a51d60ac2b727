"""A clerk registers someone already registered: the form warns, the clerk registers anyway,
then merges the second record into the first from the person page, and undoes it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from haven.people import services
from haven.people.choices import Status
from haven.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_duplicate_is_warned_merged_and_unmerged(
    page_as: Callable[[str], Any], live_server: Any, users: dict[str, Any]
) -> None:
    first = services.register_person(
        by=users["clerk"],
        given_name="Muhammad",
        family_name="Yusuf",
        sex="m",
        date_of_birth=date(1990, 4, 12),
    )
    page = page_as("clerk")
    page.set_viewport_size({"width": 412, "height": 900})
    page.goto(f"{live_server.url}/people/add/")
    page.fill("input[name=given_name]", "Mohamed")
    page.fill("input[name=family_name]", "Yusuf")
    page.fill("input[name=date_of_birth]", "1990-12-04")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Possibly already registered")
    assert f"#{first.pk} Muhammad Yusuf, born 1990" in page.content()
    page.screenshot(path="/tmp/screens/people-duplicate-warning.png", full_page=True)
    assert Person.objects.count() == 1
    page.check("input[name=confirm_duplicate]")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Registered Mohamed Yusuf")
    second = Person.objects.get(given_name="Mohamed")

    page.goto(f"{live_server.url}/people/{first.pk}/")
    page.click("text=Merge a duplicate registration into this record")
    page.fill("#merge-other", f"#{second.pk}")
    page.fill("#merge-reason", "same man, day and month swapped")
    page.click("button:has-text('Merge')")
    page.wait_for_selector(f"text=Merged #{second.pk} into this record")
    assert "same man, day and month swapped" in page.content()
    page.screenshot(path="/tmp/screens/people-merged.png", full_page=True)
    second.refresh_from_db()
    assert (second.status, second.merged_into_id) == (Status.MERGED, first.pk)

    page.goto(f"{live_server.url}/people/{second.pk}/")
    page.click("button:has-text('Undo the merge')")
    page.wait_for_selector("text=The merge was undone")
    second.refresh_from_db()
    assert (second.status, second.merged_into_id) == (Status.PRESENT, None)
